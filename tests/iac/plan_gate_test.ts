import assert from "node:assert/strict";
import { ShellExecutor } from "../../core/exec.ts";
import { runGates } from "../../gates/runner.ts";
import { step } from "../gates/_helpers.ts";
import { tempRepo } from "../fixers/_helpers.ts";
import { FAKE_TERRAFORM } from "./_fakes.ts";

// The gate command docs/iac.md recommends: exit 2 of -detailed-exitcode means changes, not failure.
const PLAN = "terraform plan -detailed-exitcode -input=false -lock=false || [ $? -eq 2 ]";

Deno.test("terraform plan gate passes on changes (exit 2) and no changes, fails on errors", async () => {
  await using repo = await tempRepo({ "main.tf": "" }, { terraform: FAKE_TERRAFORM });
  const exec = new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    env: { PATH: repo.context.env("PATH")! },
  });
  const run = async (plan: string) => {
    const [r] = await runGates([step("plan", PLAN, { env: { FAKE_PLAN: plan } })], {
      exec,
      repoRoot: repo.dir,
      view: "silent",
    });
    return r!;
  };
  const changes = await run("changes");
  assert.deepEqual([changes.status, changes.exitCode], ["passed", 0], changes.output);
  assert.match(changes.output, /Plan: 1 to add/);
  assert.equal((await run("none")).status, "passed");
  const error = await run("error");
  assert.deepEqual([error.status, error.exitCode], ["failed", 1]);
  assert.deepEqual(error.failures.map((f) => [f.tool, f.code, f.file, f.line]), [
    ["terraform", "Unsupported argument", "main.tf", 3],
  ]);
});
