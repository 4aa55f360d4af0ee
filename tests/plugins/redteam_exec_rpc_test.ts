/**
 * An exec plugin that is gone before its first request (a program that does
 * not exist exits 127 at once): the request meets a broken pipe, and the
 * error must say why the process ended, not "Broken pipe".
 */

import assert from "node:assert/strict";
import type { InteractiveProcess } from "../../core/exec.ts";
import { RpcConnection } from "../../plugins/_exec_rpc.ts";

/** A process that closed its stdin, says why on stderr, and exits with `code`. */
function goneProcess(code: number, stderr: string): InteractiveProcess {
  let exit!: (code: number) => void;
  const status = new Promise<number>((r) => (exit = r));
  const enc = new TextEncoder();
  return {
    pid: 0,
    stdin: new WritableStream({
      write() {
        // The pipe error comes first; the exit is seen a moment later.
        setTimeout(() => exit(code), 50);
        return Promise.reject(new Error("Broken pipe (os error 32)"));
      },
    }),
    stdout: new ReadableStream({ start: (c) => c.close() }),
    stderr: new ReadableStream({
      start(c) {
        c.enqueue(enc.encode(stderr));
        c.close();
      },
    }),
    status,
    kill: () => {},
  };
}

Deno.test("exec rpc a plugin gone before its first request is reported by its exit, not the pipe", async () => {
  const rpc = new RpcConnection(
    goneProcess(127, "bash: line 1: ./missing-tool: No such file or directory\n"),
    "./missing-tool",
    60_000,
  );
  const e = await rpc.call("describe").then(() => assert.fail("answered"), (e) => e as Error);
  assert.match(e.message, /exited with code 127/);
  assert.match(e.message, /missing-tool: No such file or directory/);
  assert.doesNotMatch(e.message, /Broken pipe/);
  await rpc.close();
});
