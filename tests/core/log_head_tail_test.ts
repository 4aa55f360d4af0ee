import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";

const judge = () => ({ allowed: true, rule: null, message: "" });

Deno.test("exec log file keeps head and tail with a marker past the limit", async () => {
  const dir = await Deno.makeTempDir({ prefix: "log-ht-" });
  try {
    const exec = new ShellExecutor({ judge, logLimitBytes: 20_000 });
    const logFile = join(dir, "gate.log");
    // 5000 numbered lines of 8 bytes: 40,000 bytes, twice the limit.
    const r = await exec.run("for i in $(seq 1 5000); do printf '%07d\\n' $i; done", {
      logFile,
    });
    assert.equal(r.code, 0);
    assert.equal(r.bytes, 40_000);
    const text = await Deno.readTextFile(logFile);
    const head = text.slice(0, text.indexOf("\n[fleet-orch: "));
    const omitted = Number(text.match(/\[fleet-orch: (\d+) bytes/)![1]);
    assert.equal(omitted, 20_000);
    assert.ok(head.startsWith("0000001\n0000002\n"));
    assert.equal(head.length, 10_000, "the stream's first half");
    assert.ok(text.endsWith("0004999\n0005000\n"));
    // The tail is exactly the stream's last 10,000 bytes.
    const tail = text.slice(text.indexOf("(report.full_logs: true keeps all)]\n") + 36);
    assert.equal(tail.length, 10_000);
    assert.equal(tail.split("\n")[0], "0003751");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exec log file is whole below the limit and with full logs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "log-ht-" });
  try {
    const cmd = "for i in $(seq 1 5000); do printf '%07d\\n' $i; done";
    const small = join(dir, "small.log");
    await new ShellExecutor({ judge, logLimitBytes: 40_000 }).run(cmd, { logFile: small });
    assert.equal((await Deno.stat(small)).size, 40_000);
    assert.doesNotMatch(await Deno.readTextFile(small), /fleet-orch:/);
    const full = join(dir, "full.log");
    await new ShellExecutor({ judge, logLimitBytes: null }).run(cmd, { logFile: full });
    assert.equal((await Deno.stat(full)).size, 40_000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
