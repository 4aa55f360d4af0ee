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
import { PluginError } from "../core/errors.ts";
import type { ExecLoader } from "../core/registry.ts";
import {
  definePlugin,
  PLUGIN_KINDS,
  type PluginContext,
  type PluginDefinition,
  type PluginKind,
} from "../core/plugin.ts";
import type { InteractiveProcess } from "../core/exec.ts";

/** Methods each kind's exec plugin may implement, in JSON-RPC names. */
export const EXEC_METHODS: Record<PluginKind, readonly string[]> = {
  llm: ["complete", "verify"],
  vcs: ["verify", "pushBranch", "createPullRequest", "comment", "annotate", "fetchFailedLog"],
  gate: ["run"],
  verifier: ["verify"],
  notifier: ["notify"],
  fixer: ["applies", "fix"],
};

const DescribeSchema = z.object({
  kind: z.enum(PLUGIN_KINDS),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i),
  description: z.string().default(""),
  methods: z.array(z.string()).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
});

const ResponseSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.number(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() })
    .optional(),
});

/** A JSON-RPC error answered by the plugin. */
export class RpcError extends Error {
  /** JSON-RPC error code. */
  readonly code: number;
  /** Extra data from the plugin. */
  readonly data: unknown;
  /**
   * @param code JSON-RPC code.
   * @param message Plugin's message.
   * @param data Plugin's data.
   */
  constructor(code: number, message: string, data: unknown) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }
}

/** A JSON-RPC connection to one plugin process. */
export class RpcConnection {
  readonly #proc: InteractiveProcess;
  readonly #label: string;
  readonly #timeoutMs: number;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #dead: Error | null = null;
  #stderrTail = "";

  /**
   * @param proc The started process.
   * @param label The command line, for messages.
   * @param timeoutMs How long one answer may take.
   */
  constructor(proc: InteractiveProcess, label: string, timeoutMs: number) {
    this.#proc = proc;
    this.#label = label;
    this.#timeoutMs = timeoutMs;
    this.#writer = proc.stdin.getWriter();
    this.#readLoop();
    this.#readStderr();
    proc.status.then((code) => {
      this.#fail(
        new Error(
          `The plugin process exited with code ${code}${
            this.#stderrTail ? `; its last output on stderr: ${this.#stderrTail.trim()}` : ""
          }`,
        ),
      );
    });
  }

  async #readStderr(): Promise<void> {
    const dec = new TextDecoder();
    try {
      for await (const chunk of this.#proc.stderr) {
        this.#stderrTail = (this.#stderrTail + dec.decode(chunk, { stream: true })).slice(-2000);
      }
    } catch {
      // closed
    }
  }

  async #readLoop(): Promise<void> {
    const dec = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of this.#proc.stdout) {
        buf += dec.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) this.#onLine(line);
        }
        if (buf.length > 64 * 1024 * 1024) {
          this.#fail(new Error("The plugin wrote more than 64 MiB without a newline"));
          return;
        }
      }
    } catch (e) {
      this.#fail(e as Error);
    }
  }

  #onLine(line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.#fail(
        new Error(
          `The plugin wrote a line that is not JSON-RPC: ${JSON.stringify(line.slice(0, 200))}`,
        ),
      );
      return;
    }
    const parsed = ResponseSchema.safeParse(msg);
    if (!parsed.success) {
      this.#fail(
        new Error(
          `The plugin wrote a message that is not a JSON-RPC 2.0 response: ${
            JSON.stringify(line.slice(0, 200))
          }`,
        ),
      );
      return;
    }
    const waiter = this.#pending.get(parsed.data.id);
    if (!waiter) return;
    this.#pending.delete(parsed.data.id);
    if (parsed.data.error) {
      const { code, message, data } = parsed.data.error;
      waiter.reject(new RpcError(code, message, data));
    } else waiter.resolve(parsed.data.result ?? null);
  }

  #fail(error: Error): void {
    if (this.#dead) return;
    this.#dead = error;
    for (const w of this.#pending.values()) w.reject(error);
    this.#pending.clear();
    this.#proc.kill();
  }

  /**
   * Call a method and wait for its answer.
   *
   * @param method JSON-RPC method.
   * @param params Parameters.
   * @returns The result.
   * @throws {RpcError} When the plugin answers with an error.
   * @throws {Error} When the process dies, hangs or writes garbage.
   */
  call(method: string, params?: unknown): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params: params ?? {} }) + "\n";
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        const err = new Error(
          `The plugin did not answer "${method}" within ${
            this.#timeoutMs / 1000
          } s; it was stopped`,
        );
        reject(err);
        this.#fail(err);
      }, this.#timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#writer.write(new TextEncoder().encode(body)).catch((e) => this.#fail(e as Error));
    });
  }

  /** End the process: closing stdin asks it to exit; the tree is killed. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    const exited = await Promise.race([
      this.#proc.status.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000)),
    ]);
    if (!exited) this.#proc.kill();
    this.#dead ??= new Error("The plugin connection is closed");
  }

  /** The command line, for messages. */
  get label(): string {
    return this.#label;
  }
}

/**
 * Start an exec plugin, ask it to describe itself, and return a plugin
 * definition whose instances call the process.
 *
 * @param commandLine The plugin's command line.
 * @param options Working directory, context (its executor judges the command) and timeout.
 * @returns The definition.
 * @throws {PluginError} When the process cannot start, dies, hangs or speaks garbage.
 */
export const loadExecPlugin: ExecLoader = async (commandLine, options) => {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const proc = options.context.exec.open(commandLine, { cwd: options.cwd });
  const rpc = new RpcConnection(proc, commandLine, timeoutMs);
  let described: z.infer<typeof DescribeSchema>;
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
    described = parsed.data;
  } catch (e) {
    await rpc.close();
    throw new PluginError(`exec:${commandLine}`, (e as Error).message, { cause: e });
  }
  let optionsSchema: z.ZodType = z.record(z.string(), z.unknown());
  if (described.options) {
    try {
      optionsSchema = z.fromJSONSchema(described.options as Parameters<typeof z.fromJSONSchema>[0]);
    } catch (e) {
      await rpc.close();
      throw new PluginError(
        described.name,
        `Its options JSON Schema cannot be used: ${(e as Error).message}`,
      );
    }
  }
  const methods = described.methods ?? [...EXEC_METHODS[described.kind]];
  const def: PluginDefinition = definePlugin({
    kind: described.kind,
    name: described.name,
    description: described.description || `exec plugin (${commandLine})`,
    options: optionsSchema,
    create: async (opts: unknown, context: PluginContext) => {
      try {
        await rpc.call("configure", {
          options: opts,
          repoRoot: context.repoRoot,
          dryRun: context.dryRun,
        });
      } catch (e) {
        if (!(e instanceof RpcError && e.code === -32601)) {
          throw new PluginError(described.name, `"configure" failed: ${(e as Error).message}`);
        }
      }
      const instance: Record<string, (params?: unknown) => Promise<unknown>> = {};
      for (const m of EXEC_METHODS[described.kind]) {
        if (!methods.includes(m)) continue;
        instance[m] = async (...args: unknown[]) => {
          try {
            return await rpc.call(m, args.length <= 1 ? args[0] ?? {} : args);
          } catch (e) {
            throw new PluginError(described.name, `"${m}" failed: ${(e as Error).message}`, {
              cause: e,
            });
          }
        };
      }
      instance.close = () => rpc.close();
      return instance as never;
    },
  });
  return def;
};
