import assert from "node:assert/strict";
import { join } from "node:path";
import { denoFmtFixer } from "../../plugins/fixers/deno_fmt.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
} from "./_helpers.ts";

// Real deno fmt on a real repository: the recipe's diff must make the check pass.
const FILES = {
  "src/main.ts": "export const x = {a:1,\n  b:2}\n",
  "src/ok.ts": "export const y = 1;\n",
  "other/skip.ts": "export   const z=3\n",
};

Deno.test("deno-fmt recipe applies to a failed deno fmt --check gate", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(denoFmtFixer, repo);
  assert.equal(fixer.applies([], gate({ command: "deno fmt --check src/" })), true);
  assert.equal(
    fixer.applies(
      [],
      gate({ command: "deno task ok", output: "error: Found 1 not formatted file in 3 files" }),
    ),
    true,
  );
  assert.equal(fixer.applies([failure({ tool: "deno-fmt" })], gate({ command: "make" })), true);
  assert.equal(fixer.applies([], gate({ command: "deno lint src/" })), false);
  assert.equal(fixer.applies([], gate({ command: "deno fmt --check", status: "passed" })), false);
});

Deno.test("deno-fmt recipe formats the gate's paths with the real deno fmt", async () => {
  await using repo = await tempRepo(FILES);
  const fixer = await instance(denoFmtFixer, repo);
  const check = `deno fmt --check --no-config src/`;
  const gateRun = await repo.exec.run(check, { cwd: repo.dir });
  assert.notEqual(gateRun.code, 0);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: check, output: gateRun.output }),
  });
  assert.ok(proposal);
  assert.equal(proposal.summary, `Formatted 1 file with "deno fmt --no-config src/"`);
  assert.doesNotMatch(proposal.diff, /skip\.ts/);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal((await repo.exec.run(check, { cwd: repo.dir })).code, 0);
  assert.equal(
    await Deno.readTextFile(join(repo.dir, "src/main.ts")),
    "export const x = { a: 1, b: 2 };\n",
  );
});
