import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

Deno.test("cli a second run on a locked repository exits 2 naming the holder; outside a repository exits 2", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "lock-cli-" }));
  try {
    // The first check's gate waits until the test lets it go.
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      `quality_gates:
  wait:
    command: "touch started; while [ ! -f release ]; do sleep 0.05; done"
    timeout: 60
`,
    );
    const init = await exec.run(
      "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init",
      { cwd: dir },
    );
    assert.equal(init.code, 0, init.output);
    const cmd = shellJoin([Deno.execPath(), "run", "-A", MAIN, "check", "--repo", dir]);
    const first = exec.run(cmd, { cwd: dir, timeoutMs: 60_000, env: { NO_COLOR: "1" } });
    const wait = await exec.run(
      "for i in $(seq 1 600); do [ -f started ] && exit 0; sleep 0.05; done; exit 1",
      {
        cwd: dir,
      },
    );
    assert.equal(wait.code, 0, "the first check started its gate");
    const second = await exec.run(cmd, { cwd: dir, timeoutMs: 60_000, env: { NO_COLOR: "1" } });
    assert.equal(second.code, 2, second.output);
    assert.match(second.output, /Another fleet-orch run \(pid \d+, "check"/);
    await Deno.writeTextFile(join(dir, "release"), "");
    assert.equal((await first).code, 0);

    const outside = await Deno.makeTempDir({ prefix: "no-repo-" });
    const none = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "run"]), {
      cwd: outside,
    });
    assert.equal(none.code, 2, none.output);
    assert.match(none.output, /is not inside a git repository/);
    await Deno.remove(outside, { recursive: true });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
