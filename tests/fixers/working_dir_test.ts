import assert from "node:assert/strict";
import { join } from "node:path";
import type { GateStep } from "../../gates/plan.ts";
import { runGates } from "../../gates/runner.ts";
import { gateDir } from "../../plugins/fixers/_writer.ts";
import { denoFmtFixer } from "../../plugins/fixers/deno_fmt.ts";
import { npmLockfileFixer } from "../../plugins/fixers/npm_lockfile.ts";
import { terraformFmtFixer } from "../../plugins/fixers/terraform_fmt.ts";
import { FAKE_TERRAFORM } from "../iac/_fakes.ts";
import {
  assertRestored,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
  type TestRepo,
  writeFiles,
} from "./_helpers.ts";

/** A command step with a working directory, as gates/plan.ts builds it. */
function step(id: string, run: string, cwd?: string): GateStep {
  return {
    id,
    name: id,
    run,
    with: {},
    env: {},
    ...(cwd === undefined ? {} : { cwd }),
    timeoutMs: 60_000,
    continueOnError: false,
    required: true,
    condition: "success",
    needs: [],
  };
}

/** Runs one step through the real runner in the repository. */
async function runStep(repo: TestRepo, s: GateStep) {
  const [r] = await runGates([s], { exec: repo.exec, repoRoot: repo.dir, view: "silent" });
  return r!;
}

const BADLY = `resource "terraform_data" "x" {
input = "a"
}
`;
const WELL = `resource "terraform_data" "x" {
  input = "a"
}
`;

Deno.test("runner records the step's working directory on its result", async () => {
  await using repo = await tempRepo({ "infra/ok.txt": "" });
  const inside = await runStep(repo, step("ls", "test -f ok.txt", "infra"));
  assert.deepEqual([inside.status, inside.cwd], ["passed", "infra"]);
  const root = await runStep(repo, step("ls", "test -d infra"));
  assert.equal(root.status, "passed");
  assert.equal("cwd" in root, false);
});

Deno.test("terraform-fmt recipe formats a working-directory gate in that directory; the diff is from the root", async () => {
  await using repo = await tempRepo(
    { "infra/main.tf": BADLY, "infra/modules/net/main.tf": BADLY, "main.tf": BADLY },
    { terraform: FAKE_TERRAFORM },
  );
  const s = step("fmt", "terraform fmt -check -recursive", "infra");
  const failed = await runStep(repo, s);
  assert.deepEqual([failed.status, failed.cwd], ["failed", "infra"]);
  const fixer = await instance(terraformFmtFixer, repo);
  assert.equal(fixer.applies(failed.failures, failed), true);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
  assert.ok(proposal);
  assert.equal(proposal.summary, `Formatted 2 files with "terraform fmt -recursive"`);
  assert.match(proposal.diff, /^\+\+\+ b\/infra\/main\.tf$/m);
  assert.match(proposal.diff, /^\+\+\+ b\/infra\/modules\/net\/main\.tf$/m);
  // The root's main.tf is outside the gate's directory.
  assert.doesNotMatch(proposal.diff, /^\+\+\+ b\/main\.tf$/m);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "infra/main.tf")), WELL);
  assert.equal(await Deno.readTextFile(join(repo.dir, "main.tf")), BADLY);
  assert.equal((await runStep(repo, s)).status, "passed");
});

Deno.test("deno-fmt recipe runs the real deno fmt in the gate's working directory", async () => {
  const bad = "export const x = {a:1,\n  b:2}\n";
  await using repo = await tempRepo({ "web/src/main.ts": bad, "src/main.ts": bad });
  const s = step("fmt", "deno fmt --check --no-config src/", "web");
  const failed = await runStep(repo, s);
  assert.equal(failed.status, "failed");
  const fixer = await instance(denoFmtFixer, repo);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
  assert.ok(proposal);
  assert.deepEqual(
    [...proposal.diff.matchAll(/^\+\+\+ b\/(\S+)$/gm)].map((m) => m[1]),
    ["web/src/main.ts"],
  );
  await gitApply(repo, proposal.diff);
  assert.equal((await runStep(repo, s)).status, "passed");
  assert.equal(await Deno.readTextFile(join(repo.dir, "src/main.ts")), bad);
});

Deno.test("npm-lockfile recipe regenerates the lockfile of the gate's working directory", async () => {
  const flags = "--ignore-scripts --no-audit --no-fund --offline";
  await using repo = await tempRepo({
    ".gitignore": "node_modules/\n",
    "web/lib/a/package.json": JSON.stringify({ name: "a", version: "1.0.0" }),
    "web/package.json": JSON.stringify({ name: "web", version: "1.0.0" }),
  });
  const cwd = join(repo.dir, "web");
  const lock = await repo.exec.run(`npm install --package-lock-only ${flags}`, { cwd });
  assert.equal(lock.code, 0, lock.output);
  await writeFiles(cwd, {
    "package.json": JSON.stringify({
      name: "web",
      version: "1.0.0",
      dependencies: { a: "file:lib/a" },
    }),
  });
  await repo.git("add", "-A");
  await repo.git("commit", "-qm", "a dependency without the lockfile");
  const s = step("ci", `npm ci ${flags}`, "web");
  const failed = await runStep(repo, s);
  assert.equal(failed.status, "failed");
  const fixer = await instance(npmLockfileFixer, repo);
  assert.equal(fixer.applies(failed.failures, failed), true);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
  assert.ok(proposal);
  assert.match(proposal.summary, /^Regenerated web\/package-lock\.json from package\.json/);
  assert.match(proposal.diff, /^\+\+\+ b\/web\/package-lock\.json$/m);
  // Nothing was written at the root.
  assert.doesNotMatch(proposal.diff, /^\+\+\+ b\/package-lock\.json$/m);
  await gitApply(repo, proposal.diff);
  assert.equal((await runStep(repo, s)).status, "passed");
});

Deno.test("writer recipes refuse a working directory outside the worktree and run nothing", async () => {
  await using repo = await tempRepo({ "main.tf": BADLY }, { terraform: FAKE_TERRAFORM });
  assert.equal(gateDir(repo.dir, gate({})), repo.dir);
  assert.equal(gateDir(repo.dir, gate({ cwd: "infra/" })), join(repo.dir, "infra"));
  assert.equal(gateDir(repo.dir, gate({ cwd: "infra/../.." })), null);
  assert.equal(gateDir(repo.dir, gate({ cwd: "/etc" })), null);
  const fixer = await instance(terraformFmtFixer, repo);
  for (const cwd of ["../elsewhere", repo.dir]) {
    const g = gate({ command: "terraform fmt -check", cwd });
    assert.equal(await fixer.fix({ cwd: repo.dir, failures: [], gate: g }), null);
  }
  await assert.rejects(Deno.stat(join(repo.bin, "calls.log")), Deno.errors.NotFound);
});
