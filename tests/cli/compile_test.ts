/**
 * `deno compile` needs Deno's `denort` base binary, downloaded from Deno's
 * release host or given as DENORT_BIN. Build machines without it cannot run
 * this test; it is then reported as ignored, with the reason printed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor, shellQuote } from "../../core/exec.ts";

const denort = Deno.env.get("DENORT_BIN");
if (!denort) {
  console.error(
    "compile test skipped: DENORT_BIN is not set, and this machine cannot download denort " +
      "(deno compile fetches it from Deno's release host)",
  );
}

Deno.test({
  name: "compiled binary answers --version and lists built-in plugins",
  ignore: !denort,
  async fn() {
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const out = await Deno.makeTempDir({ prefix: "fleet-orch-compile-" });
    const root = new URL("../../", import.meta.url).pathname;
    const bin = join(out, "fleet-orch");
    try {
      const c = await exec.run(
        `${shellQuote(Deno.execPath())} compile -A -o ${shellQuote(bin)} main.ts`,
        { cwd: root, timeoutMs: 300_000 },
      );
      assert.equal(c.code, 0, c.output);
      const v = await exec.runArgv([bin, "--version"]);
      assert.match(v.output, /^fleet-orch \d+\.\d+\.\d+/);
      const p = await exec.runArgv([bin, "plugins"], { cwd: out });
      assert.match(p.output, /deno-fmt/);
      assert.match(p.output, /github/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
