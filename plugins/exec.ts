/**
 * The bridge to out-of-process plugins (`uses: exec:COMMAND ARGS`): a child
 * process in any language speaking newline-delimited JSON-RPC 2.0 on its
 * stdin/stdout. `describe` comes first, then `configure` with the options,
 * then the kind's methods. The protocol is documented in docs/plugins.md.
 *
 * Works from the compiled binary too, unlike module plugins.
 *
 * @module
 */

import { z } from "zod";
import { messageOf, PluginError, RpcError } from "../core/errors.ts";
import type { ExecLoader } from "../core/registry.ts";
import {
  definePlugin,
  PLUGIN_KINDS,
  type PluginContext,
  type PluginDefinition,
  type PluginKind,
} from "../core/plugin.ts";
import { RpcConnection } from "./_exec_rpc.ts";

export { RpcConnection, RpcError };

/** Methods each kind's exec plugin may implement, in JSON-RPC names. */
export const EXEC_METHODS: Record<PluginKind, readonly string[]> = {
  llm: ["complete", "verify"],
  vcs: ["verify", "pushBranch", "createPullRequest", "comment", "annotate", "fetchFailedLog"],
  gate: ["run"],
  verifier: ["verify"],
  notifier: ["notify"],
  fixer: ["applies", "fix"],
};

/**
 * Parameter names of the methods that take more than one argument, or a bare
 * value: JSON-RPC params must be an object (or array), so positional
 * arguments are sent by these names. Every other method takes one object,
 * sent as it is.
 */
export const EXEC_PARAM_NAMES: Readonly<Record<string, readonly string[]>> = {
  pushBranch: ["branch"],
  comment: ["pr", "body"],
  annotate: ["sha", "annotations", "summary"],
  fetchFailedLog: ["runId"],
  applies: ["failures", "gate"],
};

const DescribeSchema = z.object({
  kind: z.enum(PLUGIN_KINDS),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i),
  description: z.string().default(""),
  methods: z.array(z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

type Described = z.infer<typeof DescribeSchema>;

const FailureSchema = z.looseObject({
  gate: z.string().optional(),
  tool: z.string().default("exec"),
  file: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  code: z.string().optional(),
  message: z.string(),
  excerpt: z.string().default(""),
  fingerprint: z.string().optional(),
});

// Results whose shape fleet-orch relies on are checked, so a plugin that
// answers nonsense fails with its name instead of a TypeError deep in a run.
const RESULT_SCHEMAS: Record<string, z.ZodType> = {
  "gate.run": z.looseObject({
    ok: z.boolean(),
    output: z.string().default(""),
    failures: z.array(FailureSchema).optional(),
  }),
  "fixer.applies": z.boolean(),
  "fixer.fix": z.looseObject({
    source: z.string().optional(),
    diff: z.string(),
    summary: z.string().default(""),
    calls: z.array(z.unknown()).default([]),
  }).nullable(),
  "verifier.verify": z.array(z.looseObject({})),
  "vcs.createPullRequest": z.looseObject({ url: z.string(), number: z.number() }),
  "vcs.fetchFailedLog": z.string(),
};

/** An exec plugin definition; `dispose` stops its processes. */
export interface ExecPluginDefinition extends PluginDefinition<PluginKind, unknown, z.ZodType> {
  /** Stop every process this definition started. */
  dispose(): Promise<void>;
}

/** Start the process and check its `describe` answer. */
async function _start(
  commandLine: string,
  cwd: string,
  context: PluginContext,
  timeoutMs: number,
): Promise<{ rpc: RpcConnection; described: Described }> {
  const proc = context.exec.open(commandLine, { cwd });
  const words = commandLine.split(/\s+/);
  const program = words.find((w) => /[/.]/.test(w) && !w.startsWith("-")) ?? words[0]!;
  const stderrLog = context.log.child(`exec:${program.split("/").pop()}`);
  const rpc = new RpcConnection(proc, commandLine, timeoutMs, (line) => stderrLog.info(line));
  try {
    const raw = await rpc.call("describe", { apiVersion: 1 });
    const parsed = DescribeSchema.safeParse(raw);
    if (!parsed.success) {
      throw new Error(
        `Its "describe" answer is not valid: ${
          parsed.error.issues.map((i) => `${i.path.join(".") || "result"}: ${i.message}`).join("; ")
        }`,
      );
    }
    return { rpc, described: parsed.data };
  } catch (e) {
    await rpc.close();
    throw new PluginError(`exec:${commandLine}`, messageOf(e), { cause: e });
  }
}

function _checkResult(name: string, key: string, method: string, value: unknown): unknown {
  const schema = RESULT_SCHEMAS[key];
  if (!schema) return value;
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    if (key === "gate.run") _fillFailures(name, parsed.data as { failures?: FailureLike[] });
    return parsed.data;
  }
  throw new PluginError(
    name,
    `"${method}" answered with an invalid result: ${
      parsed.error.issues.map((i) => `${i.path.join(".") || "result"}: ${i.message}`).join("; ")
    }`,
  );
}

type FailureLike = z.infer<typeof FailureSchema>;

function _fillFailures(name: string, result: { failures?: FailureLike[] }): void {
  for (const f of result.failures ?? []) {
    f.gate ??= name;
    f.fingerprint ??= `${f.tool}:${f.file ?? ""}:${f.code ?? ""}:${f.message}`;
  }
}

function _notFound(e: unknown): boolean {
  return e instanceof RpcError && e.code === -32601;
}

/** Turn the arguments of an interface method into JSON-RPC params. */
function _params(method: string, args: unknown[]): unknown {
  const names = EXEC_PARAM_NAMES[method];
  if (names) return Object.fromEntries(names.map((n, i) => [n, args[i] ?? null]));
  const first = args[0];
  if (first === undefined || first === null) return {};
  if (typeof first !== "object") return { value: first };
  // An AbortSignal cannot cross the process boundary.
  const { signal: _signal, ...rest } = first as Record<string, unknown>;
  return rest;
}

/**
 * Start an exec plugin, ask it to describe itself, and return a plugin
 * definition whose instances call the process. Instances with the same
 * options share one process; an instance with other options gets a process of
 * its own, so two configurations never overwrite each other.
 *
 * @param commandLine The plugin's command line.
 * @param options Working directory, context (its executor judges the command) and timeout.
 * @returns The definition (an {@link ExecPluginDefinition}).
 * @throws {PluginError} When the process cannot start, dies, hangs or speaks garbage.
 */
export const loadExecPlugin: ExecLoader = async (commandLine, options) => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const first = await _start(commandLine, options.cwd, options.context, timeoutMs);
  const described = first.described;
  let spare: RpcConnection | null = first.rpc;
  const started: RpcConnection[] = [first.rpc];
  const configured = new Map<string, Promise<RpcConnection>>();

  let optionsSchema: z.ZodType = z.record(z.string(), z.unknown());
  if (described.options) {
    try {
      optionsSchema = z.fromJSONSchema(described.options as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (e) {
      await first.rpc.close();
      throw new PluginError(
        described.name,
        `Its options JSON Schema cannot be used: ${messageOf(e)}`,
      );
    }
  }
  const methods = described.methods ?? [...EXEC_METHODS[described.kind]];

  const connect = async (opts: unknown, context: PluginContext): Promise<RpcConnection> => {
    let rpc: RpcConnection;
    if (spare) {
      rpc = spare;
      spare = null;
    } else {
      const again = await _start(commandLine, options.cwd, options.context, timeoutMs);
      started.push(again.rpc);
      rpc = again.rpc;
      if (again.described.kind !== described.kind || again.described.name !== described.name) {
        throw new PluginError(described.name, "A second start described a different plugin");
      }
    }
    try {
      await rpc.call("configure", {
        options: opts,
        repoRoot: context.repoRoot,
        dryRun: context.dryRun,
      });
    } catch (e) {
      if (!_notFound(e)) {
        throw new PluginError(described.name, `"configure" failed: ${messageOf(e)}`, {
          cause: e,
        });
      }
    }
    return rpc;
  };

  const def = definePlugin({
    kind: described.kind,
    name: described.name,
    description: described.description || `exec plugin (${commandLine})`,
    options: optionsSchema,
    create: async (opts: unknown, context: PluginContext) => {
      const key = JSON.stringify([opts, context.repoRoot, context.dryRun]);
      let pending = configured.get(key);
      if (!pending) {
        pending = connect(opts, context);
        configured.set(key, pending);
        pending.catch(() => configured.delete(key));
      }
      const rpc = await pending;
      const call = async (m: string, params: unknown): Promise<unknown> => {
        try {
          return _checkResult(
            described.name,
            `${described.kind}.${m}`,
            m,
            await rpc.call(m, params),
          );
        } catch (e) {
          if (e instanceof PluginError) throw e;
          // verify() is an optional capability: "method not found" means
          // there is nothing to verify, not that verification failed.
          if (m === "verify" && described.kind !== "verifier" && _notFound(e)) return undefined;
          throw new PluginError(described.name, `"${m}" failed: ${messageOf(e)}`, {
            cause: e,
          });
        }
      };
      const instance: Record<string, (...args: unknown[]) => unknown> = {};
      for (const m of EXEC_METHODS[described.kind]) {
        if (!methods.includes(m)) continue;
        instance[m] = (...args: unknown[]) => call(m, _params(m, args));
      }
      if (described.kind === "fixer") {
        // FixerPlugin.applies is synchronous and a call over a pipe is not: a
        // Promise would always read as "applies". So applies() says yes, and
        // fix() asks the plugin's "applies" first and returns null on no.
        const remoteFix = instance.fix;
        const asks = methods.includes("applies");
        instance.applies = () => true;
        instance.fix = async (input: unknown) => {
          const i = input as { failures: unknown; gate: unknown };
          if (asks && !(await call("applies", _params("applies", [i.failures, i.gate])))) {
            return null;
          }
          return remoteFix ? await remoteFix(input) : null;
        };
      }
      instance.close = async () => {
        configured.delete(key);
        await rpc.close();
      };
      return instance as never;
    },
  }) as ExecPluginDefinition;
  def.dispose = async () => {
    configured.clear();
    spare = null;
    await Promise.all(started.map((c) => c.close()));
  };
  return def;
};
