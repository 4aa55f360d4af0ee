/**
 * Scale of `patch apply` against `git apply` on the same input, in a temp git
 * repository: an 80,000-line file with 1000 one-line hunks (three context
 * lines each, git's default), and a one-hunk diff compared with a Deno
 * hello-world (start-up). Every command is spawned through the ShellExecutor;
 * bash's `time` measures the command itself, and the file is restored before
 * each run outside the timing.
 *
 * Run: deno run -A bench/patch_scale.ts [runs]
 *
 * Targets: many hunks within 5x `git apply`; one hunk close to hello-world.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../core/exec.ts";
import { median } from "./startup.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

const LINES = 80_000;
const HUNKS = 1000;

/**
 * The original file: code-like lines, with the repeated lines real code has
 * (blank lines and closing braces), so the index sees many candidates.
 */
function original(): string[] {
  return Array.from({ length: LINES }, (_, i) => {
    if (i % 10 === 9) return "}";
    if (i % 10 === 0) return "";
    return `  const v${i} = compute(${i}, "x");`;
  });
}

async function sh(cmd: string, cwd: string): Promise<string> {
  const r = await exec.run(cmd, { cwd, rawOutput: true, tailBytes: 1 << 20 });
  if (r.code !== 0) throw new Error(`"${cmd}" failed: ${r.output}`);
  return r.output;
}

/** A repo with f.txt committed, orig.txt beside it, and the diff `name` that changes `changed`. */
async function setup(dir: string, name: string, changed: (i: number) => boolean): Promise<void> {
  const lines = original();
  await Deno.writeTextFile(`${dir}/f.txt`, lines.join("\n") + "\n");
  await Deno.writeTextFile(`${dir}/orig.txt`, lines.join("\n") + "\n");
  const edited = lines.map((l, i) => changed(i) ? l.replace('"x"', '"y"') : l);
  await Deno.writeTextFile(`${dir}/f.txt`, edited.join("\n") + "\n");
  await sh(`git diff -- f.txt > ${name}`, dir);
  await Deno.writeTextFile(`${dir}/f.txt`, lines.join("\n") + "\n");
}

async function time(cmd: string, cwd: string): Promise<number> {
  const timed =
    `cp orig.txt f.txt; printf 'a\\nb\\nc\\n' > t.txt; TIMEFORMAT='%3R'; { time ${cmd} >/dev/null 2>&1; } 2>&1`;
  const r = await exec.run(timed, { cwd });
  const real = Number(r.output.trim().split("\n").pop());
  if (r.code !== 0 || Number.isNaN(real)) throw new Error(`"${cmd}" failed: ${r.output}`);
  return real * 1000;
}

async function measure(label: string, cmd: string, cwd: string, runs: number): Promise<number> {
  await time(cmd, cwd); // warm-up: deno's module cache, the page cache
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await time(cmd, cwd));
  const m = median(xs);
  console.log(`${label.padEnd(44)} median ${m.toFixed(1).padStart(8)} ms  (${runs} runs)`);
  return m;
}

async function same(dir: string, diff: string): Promise<void> {
  // Both appliers must give the same bytes, or the timing compares nothing.
  await sh(`cp orig.txt f.txt && git apply ${diff} && cp f.txt git.txt`, dir);
  await sh(
    `cp orig.txt f.txt && ${
      shellJoin([Deno.execPath(), "run", "-A", MAIN, "patch", "apply", diff])
    }`,
    dir,
  );
  await sh("cmp f.txt git.txt", dir);
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 5);
  const dir = await Deno.makeTempDir({ prefix: "patch_scale_" });
  try {
    await sh("git init -q . && git config user.email b@b && git config user.name b", dir);
    await Deno.writeTextFile(`${dir}/f.txt`, original().join("\n") + "\n");
    await sh("git add f.txt && git commit -qm base", dir);
    const step = Math.floor(LINES / HUNKS);
    await setup(dir, "many.diff", (i) => i % step === step / 2 + 3);
    await setup(dir, "one.diff", (i) => i === LINES / 2 + 5);
    const hunks = (await Deno.readTextFile(`${dir}/many.diff`)).match(/^@@ /gm)!.length;
    console.log(`file: ${LINES} lines; many.diff: ${hunks} hunks; one.diff: 1 hunk`);
    await same(dir, "many.diff");
    await same(dir, "one.diff");
    console.log(`load average before: ${Deno.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
    const deno = Deno.execPath();
    const ours = (args: string[]) =>
      shellJoin([deno, "run", "-A", MAIN, "patch", "apply", ...args]);
    const gitCheck = await measure(
      "git apply --check many.diff",
      "git apply --check many.diff",
      dir,
      runs,
    );
    const gitApply = await measure("git apply many.diff", "git apply many.diff", dir, runs);
    const ourCheck = await measure(
      "patch apply --check many.diff",
      ours(["--check", "many.diff"]),
      dir,
      runs,
    );
    const ourApply = await measure("patch apply many.diff", ours(["many.diff"]), dir, runs);
    await Deno.writeTextFile(`${dir}/hello.ts`, 'console.log("hello");\n');
    const hello = await measure(
      "deno run hello.ts",
      shellJoin([deno, "run", "hello.ts"]),
      dir,
      runs,
    );
    // fleet-orch's own start-up, to read the one-hunk figure net of it.
    const version = await measure(
      "deno run -A main.ts --version",
      shellJoin([deno, "run", "-A", MAIN, "--version"]),
      dir,
      runs,
    );
    // The same command on a three-line file: start-up of `patch apply`
    // itself, so the one-hunk figure reads as start-up plus file size.
    await Deno.writeTextFile(`${dir}/t.txt`, "a\nb\nc\n");
    await Deno.writeTextFile(
      `${dir}/tiny.diff`,
      "--- a/t.txt\n+++ b/t.txt\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
    );
    const tiny = await measure(
      "patch apply tiny.diff (3-line file)",
      ours(["tiny.diff"]),
      dir,
      runs,
    );
    const one = await measure("patch apply one.diff", ours(["one.diff"]), dir, runs);
    const gitOne = await measure("git apply one.diff", "git apply one.diff", dir, runs);
    console.log(`load average after:  ${Deno.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
    const r = (a: number, b: number) => (a / b).toFixed(2);
    console.log(
      `\nmany hunks: apply ${r(ourApply, gitApply)}x git apply, --check ${
        r(ourCheck, gitCheck)
      }x git apply --check; target <= 5x: ${ourApply <= 5 * gitApply ? "met" : "NOT met"}`,
    );
    console.log(
      `one hunk: ${r(one, hello)}x deno hello-world (${(one - hello).toFixed(1)} ms over), ${
        r(one, version)
      }x main.ts --version (${(one - version).toFixed(1)} ms over), ${
        r(one, tiny)
      }x patch apply on a 3-line file, ${r(one, gitOne)}x git apply`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
