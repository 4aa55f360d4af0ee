/**
 * CI output: GitHub Actions workflow commands (`::error …::`, step summary,
 * outputs) and Azure Pipelines logging commands (`##vso[…]`), behind one
 * small interface that detects where it runs.
 *
 * @module
 */

import type { Annotation } from "../core/plugin.ts";
import type { Failure } from "../core/types.ts";

/** The CI system a run is inside. */
export type CiKind = "github" | "azure" | "none";

/**
 * Detect the CI system from its environment variables.
 *
 * @param env Environment lookup.
 * @returns "github" with GITHUB_ACTIONS=true, "azure" with TF_BUILD=True, else "none".
 */
export function detectCi(env: (name: string) => string | undefined): CiKind {
  if (env("GITHUB_ACTIONS") === "true") return "github";
  if ((env("TF_BUILD") ?? "").toLowerCase() === "true") return "azure";
  return "none";
}

/**
 * Escape a GitHub workflow-command message: `%`, CR and LF.
 *
 * @param s The message.
 * @returns The escaped message.
 */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * Escape a GitHub workflow-command property: as data, plus `:` and `,`.
 *
 * @param s The property value.
 * @returns The escaped value.
 */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * Escape an Azure Pipelines logging-command message (as azure-pipelines-task-lib does).
 *
 * @param s The message.
 * @returns The escaped message.
 */
export function escapeAzureData(s: string): string {
  return s.replace(/%/g, "%AZP25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * Escape an Azure Pipelines logging-command property: as data, plus `;` and `]`.
 *
 * @param s The property value.
 * @returns The escaped value.
 */
export function escapeAzureProperty(s: string): string {
  return escapeAzureData(s).replace(/;/g, "%3B").replace(/]/g, "%5D");
}

/**
 * Format one annotation as a GitHub workflow command.
 *
 * @param a The annotation.
 * @param title Optional title shown above the message.
 * @returns E.g. `::error file=src/a.ts,line=3::Type error`.
 */
export function formatGithubAnnotation(a: Annotation, title?: string): string {
  const props: string[] = [];
  if (a.file) props.push(`file=${escapeGithubProperty(a.file)}`);
  if (a.file && a.line) props.push(`line=${a.line}`);
  if (title) props.push(`title=${escapeGithubProperty(title)}`);
  return `::${a.level}${props.length ? " " + props.join(",") : ""}::${escapeGithubData(a.message)}`;
}

/**
 * Format one annotation as an Azure Pipelines `task.logissue` command. Azure
 * knows only errors and warnings, so a notice becomes a warning.
 *
 * @param a The annotation.
 * @returns E.g. `##vso[task.logissue type=error;sourcepath=src/a.ts;linenumber=3;]Type error`.
 */
export function formatAzureIssue(a: Annotation): string {
  const props = [`type=${a.level === "error" ? "error" : "warning"}`];
  if (a.file) props.push(`sourcepath=${escapeAzureProperty(a.file)}`);
  if (a.file && a.line) props.push(`linenumber=${a.line}`);
  return `##vso[task.logissue ${props.join(";")};]${escapeAzureData(a.message)}`;
}

/**
 * The Azure Pipelines name of an output: hyphens are not usable in a
 * variable reference (`$(fleetOrch.stop-reason)` is not expanded), so
 * `stop-reason` becomes `stopReason`, `pull-request-url` `pullRequestUrl`.
 *
 * @param name The output name as GitHub sees it.
 * @returns The camelCase name.
 */
export function azureOutputName(name: string): string {
  return name.replace(/-+([A-Za-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * The Azure task result for the end of a run or check: a non-zero exit is
 * Failed; a zero exit after fixes were committed (on a work branch, not the
 * build's own commit) is SucceededWithIssues, so the pipeline shows the build
 * needed healing; otherwise Succeeded.
 *
 * @param exitCode The process exit code.
 * @param healed Whether fixes were committed.
 * @returns The result for `##vso[task.complete]`.
 */
export function azureTaskResult(exitCode: number, healed: boolean): AzureTaskResult {
  if (exitCode !== 0) return "Failed";
  return healed ? "SucceededWithIssues" : "Succeeded";
}

/**
 * GitHub's limit on one step's summary (1024 KiB); a longer one is not shown.
 * fleet-orch cuts its own summary to fit what is left, with a note.
 */
export const MAX_STEP_SUMMARY_BYTES = 1024 * 1024;

// `<anything>/.git/fleet-orch/worktrees/<id>/`: where a run applies fixes.
const WORKTREE_PREFIX = /(?:[^\s"'`()<>\[\]|]*\/)?\.git\/fleet-orch\/worktrees\/[^/\s"'`()<>|]+\//g;

/**
 * A path as the repository sees it: relative to its root, without the
 * internal worktree prefix (`.git/fleet-orch/worktrees/<id>/`) fixes run in,
 * so an annotation attaches to the file on GitHub and Azure DevOps.
 *
 * @param file The path as a tool printed it.
 * @param root The repository root (absolute), if known.
 * @returns The repository-relative path (unchanged when it is outside the repository).
 * @example
 * ```ts
 * import { repoRelativePath } from "./ci_output.ts";
 * console.assert(repoRelativePath("/r/.git/fleet-orch/worktrees/20260101-1/src/a.ts", "/r") === "src/a.ts");
 * console.assert(repoRelativePath("/r/src/a.ts", "/r") === "src/a.ts");
 * ```
 */
export function repoRelativePath(file: string, root?: string): string {
  let f = file.replace(/\\/g, "/");
  const wt = /(?:^|\/)\.git\/fleet-orch\/worktrees\/[^/]+\/(.*)$/.exec(f);
  if (wt) return wt[1]!;
  const r = root?.replace(/\\/g, "/").replace(/\/+$/, "");
  if (r && f.startsWith(r + "/")) f = f.slice(r.length + 1);
  return f.replace(/^(?:\.\/)+/, "");
}

/**
 * Text with every internal worktree path made repository-relative
 * (`…/.git/fleet-orch/worktrees/<id>/src/a.ts` becomes `src/a.ts`).
 *
 * @param text Markdown or a message.
 * @returns The text without worktree prefixes.
 */
export function stripWorktreePaths(text: string): string {
  return text.replace(WORKTREE_PREFIX, "");
}

/**
 * Cut Markdown to at most `maxBytes` of UTF-8 at a line break, ending with a
 * note of what was cut.
 *
 * @param markdown The summary.
 * @param maxBytes The room left.
 * @param where Where the whole report is, for the note.
 * @returns The text, unchanged when it fits; empty when not even the note fits.
 */
export function capSummary(markdown: string, maxBytes: number, where?: string): string {
  const enc = new TextEncoder();
  const bytes = enc.encode(markdown);
  if (bytes.length <= maxBytes) return markdown;
  const note = (cut: number) =>
    `\n\n> **fleet-orch:** the summary was cut here: ${cut} of ${bytes.length} bytes left out ` +
    `(GitHub shows at most 1 MiB per step)${
      where ? `; the whole report is in \`${where}\`` : ""
    }.\n`;
  // The note's length depends on the count; a generous estimate keeps it exact enough.
  const room = maxBytes - enc.encode(note(bytes.length)).length;
  // Not even the note fits: writing anything would put the whole step's summary over the limit.
  if (room <= 0) return "";
  let end = room;
  // Back off to a character boundary, then to the last line break.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  let text = new TextDecoder().decode(bytes.subarray(0, end));
  const nl = text.lastIndexOf("\n");
  if (nl > 0) text = text.slice(0, nl);
  return text + note(bytes.length - enc.encode(text).length);
}

/** GitHub shows at most this many annotations of each level per step. */
export const GITHUB_MAX_PER_LEVEL = 10;

/** Where CI output goes; tests inject their own. */
export interface CiOutputOptions {
  /** Environment lookup. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Write one line to the build log. @default stdout */
  write?: (line: string) => void;
  /** Append text to a file. @default Deno.writeTextFile with append */
  appendFile?: (path: string, text: string) => Promise<void>;
  /** Force a CI system instead of detecting it. */
  kind?: CiKind;
  /** Size of a file in bytes, 0 when absent. @default Deno.stat */
  fileSize?: (path: string) => Promise<number>;
}

/** Final result of an Azure Pipelines task. */
export type AzureTaskResult = "Succeeded" | "SucceededWithIssues" | "Failed";

/** CI output for the system a run is inside; every method is a no-op outside CI. */
export interface CiOutput {
  /** The detected system. */
  readonly kind: CiKind;
  /**
   * Print annotations (GitHub: at most 10 per level, the rest counted on one line).
   * @returns How many were printed as annotations.
   */
  annotate(annotations: Annotation[]): number;
  /**
   * Add Markdown to the step summary (GitHub) or the build summary tab
   * (Azure), cut to fit GitHub's 1 MiB per step with a note naming `where`
   * the whole report is. Worktree paths are made repository-relative.
   */
  summary(markdown: string, where?: string): Promise<void>;
  /** Set a step output (GitHub) or an output variable (Azure, named by {@link azureOutputName}). */
  setOutput(name: string, value: string): Promise<void>;
  /** Set the task result (Azure only; GitHub takes the exit code). */
  complete(result: AzureTaskResult, message?: string): void;
}

/**
 * Make the CI output for the current environment.
 *
 * @param options Environment, sinks and an optional forced kind.
 * @returns The output helper.
 * @throws {Deno.errors.PermissionDenied} From `summary`/`setOutput` when the file cannot be written.
 */
export function createCiOutput(options: CiOutputOptions = {}): CiOutput {
  const env = options.env ?? ((n: string) => Deno.env.get(n));
  const enc = new TextEncoder();
  const write = options.write ??
    ((line: string) => void Deno.stdout.writeSync(enc.encode(line + "\n")));
  const append = options.appendFile ??
    ((path: string, text: string) => Deno.writeTextFile(path, text, { append: true }));
  const kind = options.kind ?? detectCi(env);
  const sizeOf = options.fileSize ?? (async (path: string) => {
    try {
      return (await Deno.stat(path)).size;
    } catch {
      return 0;
    }
  });
  return {
    kind,
    annotate(annotations) {
      if (kind === "none") return 0;
      annotations = annotations.map((a) => ({
        ...a,
        message: stripWorktreePaths(a.message),
        ...(a.file ? { file: repoRelativePath(a.file) } : {}),
      }));
      if (kind === "azure") {
        for (const a of annotations) write(formatAzureIssue(a));
        return annotations.length;
      }
      const count = { error: 0, warning: 0, notice: 0 };
      let printed = 0;
      for (const a of annotations) {
        if (++count[a.level] > GITHUB_MAX_PER_LEVEL) continue;
        write(formatGithubAnnotation(a));
        printed++;
      }
      const hidden = annotations.length - printed;
      // GitHub drops annotations past the limit silently; say so in the log instead.
      if (hidden > 0) {
        write(
          `fleet-orch: ${hidden} more annotation${
            hidden === 1 ? "" : "s"
          } not shown (see the step summary)`,
        );
      }
      return printed;
    },
    async summary(markdown, where) {
      markdown = stripWorktreePaths(markdown);
      if (!markdown.endsWith("\n")) markdown += "\n";
      if (kind === "github") {
        const file = env("GITHUB_STEP_SUMMARY");
        if (!file) return;
        // The limit is per step: what earlier commands of the step wrote counts too.
        const room = Math.max(0, MAX_STEP_SUMMARY_BYTES - await sizeOf(file));
        await append(file, capSummary(markdown, room, where));
      } else if (kind === "azure") {
        const dir = env("AGENT_TEMPDIRECTORY") ?? env("RUNNER_TEMP") ?? Deno.makeTempDirSync();
        const file = `${dir.replace(/\/+$/, "")}/fleet-orch-summary-${crypto.randomUUID()}.md`;
        await append(file, capSummary(markdown, MAX_STEP_SUMMARY_BYTES, where));
        write(`##vso[task.uploadsummary]${escapeAzureData(file)}`);
      }
    },
    async setOutput(name, value) {
      if (kind === "github") {
        const file = env("GITHUB_OUTPUT");
        if (!file) return;
        // The heredoc form carries any value; the delimiter must not occur in it.
        let delim = `ghadelimiter_${crypto.randomUUID()}`;
        while (value.includes(delim)) delim = `ghadelimiter_${crypto.randomUUID()}`;
        await append(file, `${name}<<${delim}\n${value}\n${delim}\n`);
      } else if (kind === "azure") {
        write(
          `##vso[task.setvariable variable=${
            escapeAzureProperty(azureOutputName(name))
          };isOutput=true]${escapeAzureData(value)}`,
        );
      }
    },
    complete(result, message) {
      if (kind === "azure") {
        write(`##vso[task.complete result=${result};]${escapeAzureData(message ?? "")}`);
      }
    },
  };
}

/** What `fleet-orch check` reports, as {@link writeCheckOutput} reads it. */
export interface CheckOutputInput {
  /** Every required gate passed. */
  ok: boolean;
  /** A gate's command was refused by policy. */
  policyViolation?: boolean;
  /** The check's report folder. */
  runDir: string;
  /** Per gate. */
  gates: readonly {
    id: string;
    name: string;
    status: string;
    required: boolean;
    durationMs: number;
    logFile?: string | undefined;
    failures: readonly Failure[];
  }[];
}

/**
 * The CI output of `fleet-orch check`: an annotation per failure of a failed
 * required gate, a step summary (a table of gates and the failures), and the
 * outputs `result` (`passed`/`failed`) and `failed-gates` (ids, comma-separated).
 * Nothing outside CI.
 *
 * @param ci The CI output.
 * @param result The check.
 * @param options Repository root (for relative paths) and redaction.
 * @returns Nothing.
 */
export async function writeCheckOutput(
  ci: CiOutput,
  result: CheckOutputInput,
  options: { root?: string; redact?: (t: string) => string } = {},
): Promise<void> {
  if (ci.kind === "none") return;
  const redact = options.redact ?? ((t: string) => t);
  const failing = result.gates.filter((g) =>
    g.required && g.status !== "passed" && g.status !== "skipped"
  );
  ci.annotate(gateAnnotations(failing, options.root, redact));
  const cell = (t: string) => t.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
  const lines = [
    `## fleet-orch check: ${result.ok ? "all required gates passed" : "required gates failed"}`,
    "",
    "| gate | status | required | time |",
    "| --- | --- | --- | --- |",
    ...result.gates.map((g) =>
      `| ${cell(g.name)} | ${g.status} | ${g.required ? "yes" : "no"} | ${
        (g.durationMs / 1000).toFixed(1)
      } s |`
    ),
  ];
  for (const g of failing) {
    lines.push("", `### ${cell(g.name)} (${g.status})`, "");
    if (!g.failures.length) {
      lines.push(`No failure could be extracted; see \`${g.logFile ?? ""}\`.`);
    }
    for (const f of g.failures.slice(0, 50)) {
      const at = f.file
        ? `\`${repoRelativePath(f.file, options.root)}${f.line ? `:${f.line}` : ""}\` `
        : "";
      lines.push(`- ${at}${cell(f.message).slice(0, 500)}`);
    }
    if (g.failures.length > 50) lines.push(`- … and ${g.failures.length - 50} more`);
  }
  await ci.summary(redact(lines.join("\n")), result.runDir);
  await ci.setOutput("result", result.ok ? "passed" : "failed");
  await ci.setOutput("failed-gates", failing.map((g) => g.id).join(","));
}

/**
 * One error annotation per failure of each gate (a gate without extracted
 * failures gets one saying it failed), paths repository-relative.
 *
 * @param gates The failed required gates.
 * @param root The repository root.
 * @param redact Redaction of messages.
 * @returns The annotations.
 */
export function gateAnnotations(
  gates: readonly { name: string; status: string; failures: readonly Failure[] }[],
  root: string | undefined,
  redact: (t: string) => string,
): Annotation[] {
  return gates.flatMap((g) =>
    g.failures.length
      ? g.failures.map((f) => ({
        level: "error" as const,
        message: stripWorktreePaths(redact(`${g.name}: ${f.message}`)),
        ...(f.file ? { file: repoRelativePath(f.file, root) } : {}),
        ...(f.file && f.line ? { line: f.line } : {}),
      }))
      : [{ level: "error" as const, message: redact(`Gate "${g.name}" ${g.status}`) }]
  );
}
