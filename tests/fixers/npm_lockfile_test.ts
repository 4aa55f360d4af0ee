import assert from "node:assert/strict";
import { join } from "node:path";
import { npmLockfileFixer } from "../../plugins/fixers/npm_lockfile.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
  writeFiles,
} from "./_helpers.ts";

// Real npm, offline: the new dependency is a local folder (file:), so no registry is needed.
const NPM_FLAGS = "--ignore-scripts --no-audit --no-fund --offline";

Deno.test("npm-lockfile recipe applies to npm ci's out-of-sync error only", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(npmLockfileFixer, repo);
  const out = "npm error code EUSAGE\nnpm error `npm ci` can only install packages when your " +
    "package.json and package-lock.json or npm-shrinkwrap.json are in sync.\n";
  assert.equal(fixer.applies([], gate({ command: "npm ci", output: out })), true);
  assert.equal(
    fixer.applies(
      [failure({ tool: "npm", code: "EUSAGE", message: "Missing: left-pad@1.3.0 from lock file" })],
      gate({ command: "npm ci" }),
    ),
    true,
  );
  assert.equal(
    fixer.applies([], gate({ command: "npm ci", output: "npm error code E404" })),
    false,
  );
  assert.equal(
    fixer.applies([], gate({ command: "npm ci", output: out, status: "passed" })),
    false,
  );
});

Deno.test("npm-lockfile recipe regenerates package-lock.json so npm ci passes", async () => {
  await using repo = await tempRepo({
    ".gitignore": "node_modules/\n",
    "lib/a/package.json": JSON.stringify({ name: "a", version: "1.0.0" }),
    "package.json": JSON.stringify({ name: "app", version: "1.0.0" }),
  });
  const lock = await repo.exec.run(`npm install --package-lock-only ${NPM_FLAGS}`, {
    cwd: repo.dir,
  });
  assert.equal(lock.code, 0, lock.output);
  await writeFiles(repo.dir, {
    "package.json": JSON.stringify({
      name: "app",
      version: "1.0.0",
      dependencies: { a: "file:lib/a" },
    }),
  });
  await repo.git("add", "-A");
  await repo.git("commit", "-qm", "add a dependency without the lockfile");
  const ci = `npm ci ${NPM_FLAGS}`;
  const gateRun = await repo.exec.run(ci, { cwd: repo.dir });
  assert.notEqual(gateRun.code, 0);
  const fixer = await instance(npmLockfileFixer, repo);
  const g = gate({ command: ci, output: gateRun.output });
  assert.equal(fixer.applies([], g), true);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: [], gate: g });
  assert.ok(proposal);
  assert.match(proposal.summary, /^Regenerated package-lock\.json from package\.json/);
  assert.match(proposal.diff, /^\+\+\+ b\/package-lock\.json$/m);
  assert.match(proposal.diff, /"a": "file:lib\/a"/);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  const after = await repo.exec.run(ci, { cwd: repo.dir });
  assert.equal(after.code, 0, after.output);
  assert.ok((await Deno.lstat(join(repo.dir, "node_modules/a"))).isSymlink);
});

Deno.test("npm-lockfile recipe returns null when npm fails", async () => {
  await using repo = await tempRepo({ "package.json": "{ not json" });
  const fixer = await instance(npmLockfileFixer, repo);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: "npm ci", output: "are not in sync" }),
  });
  assert.equal(proposal, null);
  await assertRestored(repo, before);
});
