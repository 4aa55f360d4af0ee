/**
 * The plugin shape shared by every kind: `definePlugin({ kind, name,
 * description, options, create })`. `create(options, context)` returns the
 * kind's interface; optional capabilities are optional methods.
 *
 * @module
 */

import type { ShellExecutor } from "./exec.ts";
import type { Logger } from "./log.ts";
import type {
  CompletionRequest,
  CompletionResponse,
  Failure,
  FixProposal,
  GateResult,
  VerificationResult,
} from "./types.ts";

/** The kinds of plugin fleet-orch knows. */
export const PLUGIN_KINDS = ["llm", "vcs", "gate", "verifier", "notifier", "fixer"] as const;

/** One of {@link PLUGIN_KINDS}. */
export type PluginKind = typeof PLUGIN_KINDS[number];

/**
 * Why a `uses:` reference is refused before anything is fetched: plugins are
 * trusted code running with fleet-orch's permissions, so they come from the
 * local file system (or the built-ins), never from a URL or a package
 * registry that the repository under repair could point at.
 *
 * @param uses The reference as written in config.
 * @returns The reason, or null when the reference is acceptable.
 * @example
 * ```ts
 * import { remotePluginReason } from "./plugin.ts";
 * console.assert(remotePluginReason("https://example.com/p.ts") !== null);
 * console.assert(remotePluginReason("./plugins/gate.ts") === null);
 * ```
 */
export function remotePluginReason(uses: string): string | null {
  const u = uses.trim();
  if (u.startsWith("exec:")) return _remoteExecReason(uses, u.slice("exec:".length));
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(u)?.[1]?.toLowerCase();
  // A single letter is a Windows drive (C:\...), not a scheme.
  if (!scheme || scheme.length === 1 || scheme === "file") return null;
  return `Plugin "${uses}" is refused: plugins from URLs or package registries (${scheme}:) are not loaded, because a plugin runs with fleet-orch's permissions; vendor the module into the repository's trusted files and use "./path/to/plugin.ts", or run it out of process with "exec:COMMAND"`;
}

// Package runners that fetch what they run from a registry.
const _FETCHING_RUNNERS = new Set(["npx", "bunx", "pnpx", "uvx"]);
const _FETCHING_SUBCOMMANDS: Record<string, string> = { pnpm: "dlx", yarn: "dlx", pipx: "run" };

/** An exec plugin whose command downloads its code is a plugin from a URL too. */
function _remoteExecReason(uses: string, commandLine: string): string | null {
  const words = commandLine.trim().split(/\s+/).map((w) => w.replace(/^["']|["']$/g, ""));
  const program = (words[0] ?? "").split("/").pop() ?? "";
  const url = words.find((w) => /^(https?|npm|jsr|data|blob|ftp):/i.test(w));
  const fetching = _FETCHING_RUNNERS.has(program) ||
    (_FETCHING_SUBCOMMANDS[program] !== undefined && words[1] === _FETCHING_SUBCOMMANDS[program]);
  if (!url && !fetching) return null;
  return `Plugin "${uses}" is refused: its command fetches the plugin's code (${
    url ?? `${program}${_FETCHING_SUBCOMMANDS[program] ? ` ${words[1]}` : ""}`
  }) from a URL or package registry, and a plugin runs with fleet-orch's permissions; install or vendor it into the repository's trusted files and run the local copy`;
}

/** The plugin interface version this build speaks. */
export const PLUGIN_API_VERSION = 1;

/** What every plugin instance receives when it is created. */
export interface PluginContext {
  /** Root of the repository being worked on. */
  repoRoot: string;
  /** The executor: the only way a plugin may start a process. */
  exec: ShellExecutor;
  /** Logger with the plugin's name stamped on it. */
  log: Logger;
  /** Environment lookup (tests inject their own). */
  env: (name: string) => string | undefined;
  /** fetch, injectable for tests. */
  fetch: typeof fetch;
  /** True during a dry run: write nothing. */
  dryRun: boolean;
  /** Wait before a retry (rate limits); tests inject their own. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** A language-model provider. */
export interface LlmPlugin {
  /** Send a chat completion and return the text and its cost. */
  complete(request: CompletionRequest): Promise<CompletionResponse>;
  /** Check credentials and reachability before any work. */
  verify?(): Promise<void>;
}

/** What a pull request needs. */
export interface PullRequestInput {
  /** Branch with the fixes. */
  head: string;
  /** Branch to merge into. */
  base: string;
  /** Title. */
  title: string;
  /** Markdown body. */
  body: string;
  /** Labels to put on the pull request (added; labels already there stay). */
  labels?: string[];
  /** Open it as a draft (a pull request that is already open keeps its state). */
  draft?: boolean;
}

/** The pull request {@link VcsPlugin.createPullRequest} opened or updated. */
export interface PullRequestRef {
  /** Web URL. */
  url: string;
  /** Number (GitHub) or id (Azure DevOps). */
  number: number;
  /** False when a pull request from the same head into the same base was open and was updated. */
  created?: boolean;
}

/** One annotation on a file line. */
export interface Annotation {
  /** File path relative to the repository root. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** Severity. */
  level: "error" | "warning" | "notice";
  /** Message. */
  message: string;
}

/** A version-control host (GitHub, Azure DevOps, …). */
export interface VcsPlugin {
  /** Check credentials before any work. */
  verify?(): Promise<void>;
  /** Push a branch (never forced). */
  pushBranch?(branch: string): Promise<void>;
  /**
   * Open a pull request, or update the title, body and labels of the one
   * already open from the same head into the same base.
   */
  createPullRequest?(input: PullRequestInput): Promise<PullRequestRef>;
  /** Comment on a pull request. */
  comment?(pr: number, body: string): Promise<void>;
  /** Publish annotations (check run or commit status). */
  annotate?(sha: string, annotations: Annotation[], summary: string): Promise<void>;
  /** Fetch the log of a failed CI job. */
  fetchFailedLog?(runId: string): Promise<string>;
}

/** A gate implemented by a plugin instead of a command line. */
export interface GatePlugin {
  /** Run the gate in `cwd`. */
  run(input: { cwd: string; env: Record<string, string>; signal?: AbortSignal }): Promise<{
    ok: boolean;
    output: string;
    failures?: Failure[];
  }>;
}

/** A post-deployment check. */
export interface VerifierPlugin {
  /** Check one environment. */
  verify(input: { environment: string; settings: Record<string, unknown> }): Promise<
    VerificationResult[]
  >;
}

/** A run summary sent to notifiers. */
export interface RunSummary {
  /** Run id. */
  runId: string;
  /** Why the run stopped. */
  stopReason: string;
  /** Whether the build ended green. */
  success: boolean;
  /** Markdown summary. */
  markdown: string;
}

/** Sends a run summary somewhere (Slack, Teams, …). */
export interface NotifierPlugin {
  /** Deliver the summary. */
  notify(summary: RunSummary): Promise<void>;
}

/** A deterministic fix recipe. */
export interface FixerPlugin {
  /** Whether this recipe knows how to fix one of these failures. */
  applies(failures: Failure[], gate: GateResult): boolean;
  /** Produce a diff for the worktree at `cwd`, or null when it cannot. */
  fix(input: { cwd: string; failures: Failure[]; gate: GateResult }): Promise<FixProposal | null>;
}

/** Maps a kind to its interface. */
export interface PluginInstances {
  /** Language-model provider. */
  llm: LlmPlugin;
  /** Version-control host. */
  vcs: VcsPlugin;
  /** Gate. */
  gate: GatePlugin;
  /** Verifier. */
  verifier: VerifierPlugin;
  /** Notifier. */
  notifier: NotifierPlugin;
  /** Fix recipe. */
  fixer: FixerPlugin;
}

/** One problem an options schema found (the Standard Schema v1 issue shape). */
export interface OptionsIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where in the options, as keys or `{ key }` segments. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What an options schema's `validate` returns (Standard Schema v1). */
export type OptionsResult<O> =
  | { readonly value: O; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<OptionsIssue> };

/**
 * The schema of a plugin's `with:` options: any validator that implements
 * Standard Schema v1 (https://standardschema.dev). zod 4 schemas do, and
 * {@link PluginDefinition.options} keeps the schema's own type, so a zod
 * schema stays a zod schema; for zod schemas fleet-orch also names unknown
 * keys with a did-you-mean hint.
 */
export interface OptionsSchema<O = unknown> {
  /** The Standard Schema v1 interface. */
  readonly "~standard": {
    /** Standard Schema version. */
    readonly version: 1;
    /** The validation library, e.g. "zod". */
    readonly vendor: string;
    /** Validate options. */
    readonly validate: (value: unknown) => OptionsResult<O> | Promise<OptionsResult<O>>;
    /** Input and output types, for inference only. */
    readonly types?: { readonly input: unknown; readonly output: O } | undefined;
  };
}

/** The validated options type of an options schema. */
export type OptionsOf<S extends OptionsSchema> = S extends OptionsSchema<infer O> ? O : never;

/** A plugin definition, as made by {@link definePlugin}. */
export interface PluginDefinition<
  K extends PluginKind = PluginKind,
  O = unknown,
  S extends OptionsSchema = OptionsSchema<O>,
> {
  /** Interface version the plugin was written for. */
  specificationVersion: number;
  /** The kind. */
  kind: K;
  /** The name config refers to with `uses:`. */
  name: string;
  /** One line for `fleet-orch plugins`. */
  description: string;
  /** Schema of the `with:` options (zod, or any Standard Schema v1 validator). */
  options: S;
  /** Make an instance from validated options. */
  create(options: O, context: PluginContext): PluginInstances[K] | Promise<PluginInstances[K]>;
}

/**
 * Define a plugin. The options schema validates `with:` from config; errors
 * name the config file, line and column.
 *
 * @param definition The plugin.
 * @returns The same definition, typed, with the interface version stamped.
 * @throws {TypeError} When the name or kind is not valid.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { definePlugin } from "./plugin.ts";
 * const hello = definePlugin({
 *   kind: "notifier",
 *   name: "hello",
 *   description: "Prints the summary",
 *   options: z.object({ prefix: z.string().default(">") }),
 *   create: (o) => ({ notify: (s) => Promise.resolve(console.log(o.prefix, s.stopReason)) }),
 * });
 * console.assert(hello.name === "hello");
 * ```
 */
export function definePlugin<K extends PluginKind, S extends OptionsSchema>(
  definition: Omit<PluginDefinition<K, OptionsOf<S>, S>, "specificationVersion"> & {
    specificationVersion?: number;
  },
): PluginDefinition<K, OptionsOf<S>, S> {
  if (!(PLUGIN_KINDS as readonly string[]).includes(definition.kind)) {
    throw new TypeError(
      `Plugin kind "${definition.kind}" is not valid: use one of ${PLUGIN_KINDS.join(", ")}`,
    );
  }
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(definition.name)) {
    throw new TypeError(`Plugin name "${definition.name}" is not valid: use letters, digits, ._-`);
  }
  return { specificationVersion: PLUGIN_API_VERSION, ...definition };
}
