import { ShellExecutor } from "../../core/exec.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { extractFailures } from "../../gates/failures.ts";
import { terraformFmtFixer } from "../../plugins/fixers/terraform_fmt.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
  type TestRepo,
} from "../fixers/_helpers.ts";
import { FAKE_TERRAFORM } from "./_fakes.ts";

const MAIN = `resource "terraform_data" "naming" {
input = {
    prefix = "fleet"
  }
  triggers_replace = [var.location]
}

variable "location" {
  type = string
  default = "westeurope"
}
`;
const MAIN_FORMATTED = `resource "terraform_data" "naming" {
  input = {
    prefix = "fleet"
  }
  triggers_replace = [var.location]
}

variable "location" {
  type    = string
  default = "westeurope"
}
`;
const MODULE = `variable "cidr" {
    type = list(string)
  description = "Address space"
}
`;
const FILES = {
  "infra/main.tf": MAIN,
  "infra/modules/network/variables.tf": MODULE,
  "infra/ok.tf": 'output "x" {\n  value = 1\n}\n',
  "other/skip.tf": "locals {\n    a = 1\n}\n",
};

/** Runs the gate command in the repository and builds its result as the runner would. */
async function runGate(repo: TestRepo, command: string) {
  const r = await repo.exec.run(command, { cwd: repo.dir });
  const failures = extractFailures("fmt", r.output);
  return gate({
    id: "fmt",
    command,
    status: r.code === 0 ? "passed" : "failed",
    exitCode: r.code,
    output: r.output,
    failures,
  });
}

Deno.test("terraform-fmt recipe applies to fmt -check failures only", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(terraformFmtFixer, repo);
  const fmtFailure = failure({ tool: "terraform-fmt", file: "main.tf" });
  assert.equal(fixer.applies([fmtFailure], gate({ command: "make check" })), true);
  assert.equal(fixer.applies([], gate({ command: "terraform fmt -check -recursive" })), true);
  assert.equal(fixer.applies([], gate({ command: "terraform -chdir=infra fmt -check" })), true);
  assert.equal(fixer.applies([], gate({ command: "tofu fmt --check -diff infra" })), true);
  assert.equal(
    fixer.applies([], gate({ command: "cd infra && terraform fmt -write=false" })),
    true,
  );
  // Not for other terraform failures, passing gates, or fmt that already writes.
  const validate = failure({ tool: "terraform", code: "Unsupported argument" });
  assert.equal(fixer.applies([validate], gate({ command: "terraform validate" })), false);
  assert.equal(
    fixer.applies([validate, fmtFailure], gate({ command: "terraform fmt -check" })),
    false,
  );
  assert.equal(fixer.applies([failure({ tool: "tflint" })], gate({ command: "tflint" })), false);
  assert.equal(fixer.applies([], gate({ command: "terraform plan -detailed-exitcode" })), false);
  assert.equal(fixer.applies([], gate({ command: "terraform fmt -recursive" })), false);
  assert.equal(
    fixer.applies([fmtFailure], gate({ command: "terraform fmt -check", status: "passed" })),
    false,
  );
  // A syntax error makes fmt -check fail too; formatting cannot fix it.
  const syntax = "╷\n│ Error: Invalid expression\n│\n│   on main.tf line 2:\n╵\n";
  assert.equal(
    fixer.applies([], gate({ command: "terraform fmt -check", output: syntax, exitCode: 2 })),
    false,
  );
});

Deno.test("terraform-fmt recipe runs the gate's fmt without -check; the diff applies and the gate passes", async () => {
  await using repo = await tempRepo(FILES, { terraform: FAKE_TERRAFORM });
  const fixer = await instance(terraformFmtFixer, repo);
  const check = "terraform fmt -check -diff -recursive infra";
  const failed = await runGate(repo, check);
  assert.equal(failed.exitCode, 3);
  assert.deepEqual(failed.failures.map((f) => [f.tool, f.file, f.line]), [
    ["terraform-fmt", "infra/main.tf", 1],
    ["terraform-fmt", "infra/modules/network/variables.tf", 1],
  ]);
  assert.equal(fixer.applies(failed.failures, failed), true);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
  assert.ok(proposal);
  assert.equal(proposal.source, "terraform-fmt");
  assert.equal(proposal.summary, `Formatted 2 files with "terraform fmt -recursive infra"`);
  assert.deepEqual(proposal.calls, []);
  assert.doesNotMatch(proposal.diff, /other\/skip\.tf|ok\.tf/);
  await assertRestored(repo, before);
  const calls = await Deno.readTextFile(join(repo.bin, "calls.log"));
  assert.match(calls, /^terraform fmt -recursive infra$/m);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "infra/main.tf")), MAIN_FORMATTED);
  const again = await runGate(repo, check);
  assert.equal(again.exitCode, 0, again.output);
  assert.equal(fixer.applies(again.failures, again), false);
});

Deno.test("terraform-fmt recipe keeps -chdir and formats only that directory", async () => {
  await using repo = await tempRepo(FILES, { terraform: FAKE_TERRAFORM });
  const fixer = await instance(terraformFmtFixer, repo);
  const check = "terraform -chdir=infra fmt -check -no-color && terraform -chdir=infra validate";
  const failed = await runGate(repo, check);
  assert.deepEqual(failed.failures.map((f) => f.file), ["main.tf"]);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
  assert.ok(proposal);
  assert.equal(proposal.summary, `Formatted 1 file with "terraform -chdir=infra fmt -no-color"`);
  assert.match(proposal.diff, /^\+\+\+ b\/infra\/main\.tf$/m);
  assert.doesNotMatch(proposal.diff, /variables\.tf/);
  await gitApply(repo, proposal.diff);
  assert.equal((await runGate(repo, check)).exitCode, 0);
});

Deno.test("terraform-fmt recipe falls back to the reported files and is null when nothing changes", async () => {
  await using repo = await tempRepo(FILES, { terraform: FAKE_TERRAFORM });
  const fixer = await instance(terraformFmtFixer, repo);
  const failures = [failure({ tool: "terraform-fmt", file: "infra/modules/network/variables.tf" })];
  const proposal = await fixer.fix({
    cwd: repo.dir,
    failures,
    gate: gate({ command: "make lint" }),
  });
  assert.ok(proposal);
  assert.deepEqual(
    [...proposal.diff.matchAll(/^\+\+\+ b\/(.+)$/gm)].map((m) => m[1]),
    ["infra/modules/network/variables.tf"],
  );
  const none = await fixer.fix({
    cwd: repo.dir,
    failures: [],
    gate: gate({ command: "terraform fmt -check infra/ok.tf" }),
  });
  assert.equal(none, null);
});

// The real binary, where one is installed: the fake must not be all the recipe was ever run with.
const real = await (async () => {
  const probe = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
  return (await probe.run("command -v terraform >/dev/null && terraform version")).code === 0;
})();

Deno.test({
  name: "terraform-fmt recipe with the real terraform formats like the fake",
  ignore: !real,
  fn: async () => {
    await using repo = await tempRepo(FILES);
    const fixer = await instance(terraformFmtFixer, repo);
    const check = "TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive infra";
    const failed = await runGate(repo, check);
    assert.equal(failed.exitCode, 3);
    assert.deepEqual(failed.failures.map((f) => f.file), [
      "infra/main.tf",
      "infra/modules/network/variables.tf",
    ]);
    const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
    assert.ok(proposal);
    await gitApply(repo, proposal.diff);
    assert.equal(await Deno.readTextFile(join(repo.dir, "infra/main.tf")), MAIN_FORMATTED);
    assert.equal((await runGate(repo, check)).exitCode, 0);
  },
});
