/**
 * `policy scan -` copies standard input to a temporary file so the scan can
 * stream it; a signal that ends the command must take that copy with it.
 */

import assert from "node:assert/strict";
import { MAIN } from "../e2e/_helpers.ts";

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`policy scan - on ${signal} exits 130 and leaves no spooled copy of stdin`, async () => {
    const tmp = await Deno.makeTempDir({ prefix: "fleet-orch-scan-signal-" });
    try {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "policy", "scan", "-"],
        env: { TMPDIR: tmp, NO_COLOR: "1" },
        stdin: "piped",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode("+const a = 1;\n".repeat(1000)));
      // Standard input stays open: the command is still copying it. Poll for
      // the copy (a loaded machine may take a while to start the process).
      let spooled: string[] = [];
      for (let i = 0; i < 6000 && spooled.length === 0; i++) {
        spooled = [];
        for await (const e of Deno.readDir(tmp)) spooled.push(e.name);
        if (spooled.length === 0) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(spooled.length, 1, "the command never spooled its input");
      assert.match(spooled[0]!, /^fleet-orch-scan-/);
      child.kill(signal);
      const status = await child.status;
      await writer.close().catch(() => {/* the reader is gone */});
      assert.equal(status.code, 130);
      const left: string[] = [];
      for await (const e of Deno.readDir(tmp)) left.push(e.name);
      assert.deepEqual(left, []);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
}
