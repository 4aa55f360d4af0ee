/**
 * The JSON-RPC 2.0 connection to one exec plugin process: newline-delimited
 * messages on stdin/stdout, one timeout per call, and a clear error when the
 * process dies, hangs or writes garbage. Used by `exec.ts`.
 *
 * @module
 */

import { z } from "zod";
import type { InteractiveProcess } from "../core/exec.ts";
import { RpcError } from "../core/errors.ts";

const ResponseSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.number().nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: z.number(), message: z.string(), data: z.unknown().optional() })
    .optional(),
});

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
  #closing = false;
  readonly #onStderr: ((line: string) => void) | undefined;

  /**
   * @param proc The started process.
   * @param label The command line, for messages.
   * @param timeoutMs How long one answer may take.
   * @param onStderr Receives each line the plugin writes on stderr (for the log).
   */
  constructor(
    proc: InteractiveProcess,
    label: string,
    timeoutMs: number,
    onStderr?: (line: string) => void,
  ) {
    this.#proc = proc;
    this.#label = label;
    this.#timeoutMs = timeoutMs;
    this.#onStderr = onStderr;
    this.#writer = proc.stdin.getWriter();
    const drained = Promise.all([this.#readLoop(), this.#readStderr()]);
    proc.status.then(async (code) => {
      // An answer written just before exit, and the last words on stderr,
      // must be read before the pending calls are failed.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        drained,
        new Promise((r) => (timer = setTimeout(r, 1000))),
      ]);
      clearTimeout(timer);
      if (this.#closing) return this.#fail(new Error("The plugin connection is closed"));
      this.#fail(
        new Error(
          `The plugin process exited with code ${code}${
            this.#stderrTail.trim() ? `; its last output on stderr: ${this.#stderrTail.trim()}` : ""
          }`,
        ),
      );
    });
  }

  async #readStderr(): Promise<void> {
    const dec = new TextDecoder();
    let partial = "";
    try {
      for await (const chunk of this.#proc.stderr) {
        const text = dec.decode(chunk, { stream: true });
        this.#stderrTail = (this.#stderrTail + text).slice(-2000);
        if (!this.#onStderr) continue;
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) if (line.trim()) this.#onStderr(line);
      }
      if (partial.trim()) this.#onStderr?.(partial);
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
    if (parsed.data.id === null) {
      // The plugin could not read one of our requests: nothing to match it
      // to, and the stream can no longer be trusted.
      this.#fail(
        new Error(
          `The plugin could not read a request: ${parsed.data.error?.message ?? "no reason given"}`,
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
      this.#writer.write(new TextEncoder().encode(body)).catch((e) =>
        this.#writeFailed(e as Error)
      );
    });
  }

  // A broken pipe means the process is gone or going (a program that does not
  // exist exits 127 at once): its exit code and stderr, which the status
  // handler reports, say why; "Broken pipe" does not. The pipe error stands
  // only when the process lives on with its stdin closed.
  async #writeFailed(e: Error): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#proc.status.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!exited) this.#fail(e);
  }

  /** End the process: closing stdin asks it to exit; the tree is killed. */
  async close(): Promise<void> {
    this.#closing = true;
    // A plugin that already exited closed the pipe; the kill below still runs.
    await this.#writer.close().catch(() => {});
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#proc.status.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 2000))),
    ]);
    clearTimeout(timer);
    if (!exited) this.#proc.kill();
    this.#fail(new Error("The plugin connection is closed"));
  }

  /** The command line, for messages. */
  get label(): string {
    return this.#label;
  }
}
