import assert from "node:assert/strict";
import { join } from "node:path";
import { prettierFixer } from "../../plugins/fixers/prettier.ts";
import {
  assertRestored,
  failure,
  fakeFormatter,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
  writeFiles,
} from "./_helpers.ts";

const FAKE = fakeFormatter(["--check", "-c", "--list-different", "-l"], "[warn] $f");
const REPORT = "[warn] src/a.js\n[warn] Code style issues found in the above file. " +
  "Run Prettier with --write to fix.\n";
const FILES = {
  "src/a.js": "const a  =  1;   \n",
  "src/b.js": "const b = 2;\n",
  "src/sub/c.js": "let  c = 3;\n",
  "notes.txt": "left  alone  \n",
};

Deno.test("prettier recipe applies to a failed prettier --check gate", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(prettierFixer, repo);
  assert.equal(fixer.applies([], gate({ command: "npx prettier --check ." })), true);
  assert.equal(fixer.applies([], gate({ command: "npm run fmt", output: REPORT })), true);
  assert.equal(fixer.applies([failure({ tool: "prettier" })], gate({ command: "make" })), true);
});

Deno.test("prettier recipe does not apply to passing or unrelated gates", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(prettierFixer, repo);
  const passed = gate({ command: "prettier --check .", status: "passed", exitCode: 0 });
  assert.equal(fixer.applies([], passed), false);
  assert.equal(fixer.applies([], gate({ command: "prettier --write ." })), false);
  assert.equal(fixer.applies([failure({ tool: "eslint" })], gate({ command: "eslint ." })), false);
});

Deno.test("prettier recipe runs the gate's command with --write and returns its diff", async () => {
  await using repo = await tempRepo(FILES, { prettier: FAKE });
  const fixer = await instance(prettierFixer, repo);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: `prettier --check "src/**/*.js"`, output: REPORT }),
  });
  assert.ok(proposal);
  assert.equal(proposal.source, "prettier");
  assert.match(proposal.summary, /^Formatted 2 files with "prettier --write "src\/\*\*\/\*\.js""$/);
  assert.deepEqual(proposal.calls, []);
  assert.equal(
    await Deno.readTextFile(join(repo.bin, "calls.log")),
    "prettier --write src/**/*.js\n",
  );
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "src/a.js")), "const a = 1;\n");
  assert.equal(await Deno.readTextFile(join(repo.dir, "src/sub/c.js")), "let c = 3;\n");
  assert.equal(await Deno.readTextFile(join(repo.dir, "notes.txt")), "left  alone  \n");
});

Deno.test("prettier recipe follows npm run into the script and uses node_modules/.bin", async () => {
  await using repo = await tempRepo({
    ...FILES,
    ".gitignore": "node_modules/\n",
    "package.json": JSON.stringify({ scripts: { "format:check": "prettier -c src/a.js" } }),
  });
  await writeFiles(repo.dir, { "node_modules/.bin/prettier": FAKE });
  await Deno.chmod(join(repo.dir, "node_modules/.bin/prettier"), 0o755);
  const fixer = await instance(prettierFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: "npm run format:check", output: REPORT }),
  });
  assert.ok(proposal);
  assert.match(proposal.diff, /^\+\+\+ b\/src\/a\.js$/m);
  assert.doesNotMatch(proposal.diff, /c\.js/);
  assert.equal(
    await Deno.readTextFile(join(repo.dir, "node_modules/.bin/calls.log")),
    "prettier --write src/a.js\n",
  );
});

Deno.test("prettier recipe falls back to the reported files when the command is unknown", async () => {
  await using repo = await tempRepo(FILES, {
    npx: `#!/usr/bin/env bash\nexec "$@"\n`,
    prettier: FAKE,
  });
  const fixer = await instance(prettierFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [failure({ tool: "prettier", file: "src/sub/c.js" })],
    gate: gate({ command: "make check", output: REPORT }),
  });
  assert.ok(proposal);
  assert.match(proposal.summary, /"npx prettier --write src\/sub\/c\.js"/);
  assert.match(proposal.diff, /^\+let c = 3;$/m);
  assert.doesNotMatch(proposal.diff, /a\.js/);
});

Deno.test("prettier recipe returns null when the writer changes nothing", async () => {
  await using repo = await tempRepo({ "src/b.js": "const b = 2;\n" }, { prettier: FAKE });
  const fixer = await instance(prettierFixer, repo);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: "prettier --check src" }),
  });
  assert.equal(proposal, null);
});
