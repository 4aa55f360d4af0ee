import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../../core/exec.ts";

const CLI = fileURLToPath(new URL("../../cli/patch.ts", import.meta.url));
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function repo(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-patch-cli-" });
  await Deno.writeTextFile(join(dir, "a.txt"), "one\ntwo\nthree\n");
  const init = await exec.run(
    "git init -q && git add a.txt && git -c user.name=t -c user.email=t@e commit -qm init",
    { cwd: dir },
  );
  assert.equal(init.code, 0, init.output);
  return dir;
}

function cli(args: string[], cwd: string, stdin?: string) {
  return exec.runArgv(["deno", "run", "-A", CLI, ...args], {
    cwd,
    ...(stdin !== undefined ? { stdin } : {}),
    env: { NO_COLOR: "1" },
  });
}

const GOOD =
  "Here you go:\n```diff\n--- a/a.txt\n+++ b/a.txt\n@@ @@\n one\n-two\n+2\n three\n```\n";

Deno.test("patch CLI applies a diff file and exits 0", async () => {
  const dir = await repo();
  await Deno.writeTextFile(join(dir, "fix.diff"), GOOD);
  const r = await cli(["apply", "fix.diff"], dir);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /applied: modified a\.txt \(#1 offset@1\)/);
  assert.equal(await Deno.readTextFile(join(dir, "a.txt")), "one\n2\nthree\n");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("patch CLI reads stdin with --cwd and --check writes nothing", async () => {
  const dir = await repo();
  const r = await cli(["apply", "--check", "--cwd", dir, "-"], "/", GOOD);
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, /would apply: modified a\.txt/);
  const status = await exec.run("git status --porcelain", { cwd: dir });
  assert.equal(status.output, "");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("patch CLI exits 1 with the reason when the patch does not apply", async () => {
  const dir = await repo();
  const r = await cli(["apply", "-"], dir, GOOD.replace("-two", "-four"));
  assert.equal(r.code, 1, r.output);
  assert.match(r.output, /Patch not applied: File "a\.txt": hunk 1 .*"four" is not in the file/);
  assert.equal(await Deno.readTextFile(join(dir, "a.txt")), "one\ntwo\nthree\n");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("patch CLI exits 2 on usage errors", async () => {
  const dir = await repo();
  for (
    const args of [[], ["apply"], ["frobnicate", "x"], ["apply", "--bogus", "-"], [
      "apply",
      "nope.diff",
    ]]
  ) {
    const r = await cli(args, dir, "");
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.output}`);
  }
  const help = await cli(["--help"], dir);
  assert.equal(help.code, 0);
  assert.match(help.output, /Usage: fleet-orch patch apply/);
  await Deno.remove(dir, { recursive: true });
});
