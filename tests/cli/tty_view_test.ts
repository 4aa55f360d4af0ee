/**
 * The live view on a real terminal: `check` runs under a pseudo-terminal made
 * by util-linux `script`, and redraws its gate lines with ANSI codes; without
 * a terminal it prints plain lines. Ignored, with the reason printed, where
 * `script` is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { ShellExecutor, shellJoin, shellQuote } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const hasScript = existsSync("/usr/bin/script");
if (!hasScript) console.error("tty view test skipped: util-linux `script` is not installed");

async function repo(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "tty-view-" }));
  await Deno.writeTextFile(
    join(dir, "fleet-orch.yaml"),
    `steps:
  - id: fine
    run: "echo all good"
  - id: broken
    run: "echo 'the cause is here'; exit 1"
`,
  );
  const r = await exec.run(
    "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

Deno.test({
  name: "check draws the live view on a terminal and plain lines otherwise",
  ignore: !hasScript,
  async fn() {
    const dir = await repo();
    try {
      const cmd = shellJoin([Deno.execPath(), "run", "-A", MAIN, "check", "--repo", dir]);
      const tty = await exec.run(`script -qec ${shellQuote(cmd)} /dev/null`, {
        cwd: dir,
        env: { TERM: "xterm", NO_COLOR: "" },
        timeoutMs: 60_000,
      });
      assert.ok(tty.output.includes("\x1b[2K"), "the terminal view redraws lines");
      assert.match(tty.output, /the cause is here/);
      const plain = await exec.run(`${cmd} 2>&1`, { cwd: dir, timeoutMs: 60_000 });
      assert.equal(plain.code, 1);
      assert.ok(!plain.output.includes("\x1b["), "no escape codes without a terminal");
      assert.match(plain.output, /\[gate\] broken: failed \(exit 1\)/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
