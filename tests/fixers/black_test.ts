import assert from "node:assert/strict";
import { join } from "node:path";
import { blackFixer } from "../../plugins/fixers/black.ts";
import {
  assertRestored,
  failure,
  fakeFormatter,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
} from "./_helpers.ts";

// A stand-in for black that really rewrites files in a subprocess.
const FAKE = fakeFormatter(["--check"], "would reformat $f");
const REPORT =
  "would reformat app/main.py\n\nOh no! 1 file would be reformatted, 1 file would be left unchanged.\n";

Deno.test("black recipe applies to a failed black --check gate", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(blackFixer, repo);
  assert.equal(fixer.applies([], gate({ command: "black --check --diff app" })), true);
  assert.equal(fixer.applies([], gate({ command: "python3 -m black --check app" })), true);
  assert.equal(fixer.applies([], gate({ command: "tox -e lint", output: REPORT })), true);
  assert.equal(fixer.applies([failure({ tool: "black" })], gate({ command: "make" })), true);
  assert.equal(fixer.applies([], gate({ command: "black app" })), false);
  assert.equal(fixer.applies([], gate({ command: "pytest" })), false);
});

Deno.test("black recipe runs black without --check and --diff on the gate's paths", async () => {
  await using repo = await tempRepo({
    "app/main.py": "x  =  1   \n",
    "app/ok.py": "y = 2\n",
    "tests/t.py": "z  = 3\n",
  }, { black: FAKE });
  const fixer = await instance(blackFixer, repo);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: "black --check --diff -q app", output: REPORT }),
  });
  assert.ok(proposal);
  assert.equal(proposal.summary, `Formatted 1 file with "black -q app"`);
  assert.equal(await Deno.readTextFile(join(repo.bin, "calls.log")), "black -q app\n");
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "app/main.py")), "x = 1\n");
  assert.equal(await Deno.readTextFile(join(repo.dir, "tests/t.py")), "z  = 3\n");
});
