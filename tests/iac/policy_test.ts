import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../../core/exec.ts";
import { loadPolicy } from "../../policies/engine.ts";

// What the IaC gates and recipes need, and what fleet-orch must never do to infrastructure.
const ALLOWED = [
  "terraform fmt -check -recursive",
  "terraform fmt -recursive infra",
  "terraform -chdir=infra fmt -check -diff",
  "terraform validate",
  "terraform validate -json",
  "terraform init -backend=false -input=false",
  "terraform plan -detailed-exitcode -input=false -lock=false || [ $? -eq 2 ]",
  "terraform -chdir=infra plan -input=false -out=tfplan",
  "terraform show -json tfplan",
  "terraform state list",
  "tofu validate",
  "tflint --init",
  "tflint --recursive --format compact",
  "bicep build infra/main.bicep",
  "bicep lint infra/main.bicep",
  "bicep format --stdout infra/main.bicep | diff -u infra/main.bicep -",
  "az bicep build --file infra/main.bicep",
  "az bicep format --file infra/main.bicep",
  "az deployment group what-if -g rg-fleet -f infra/main.bicep",
  "az deployment group validate --resource-group rg-fleet --template-file infra/main.bicep",
  "az deployment sub what-if -l westeurope -f infra/sub.bicep",
];

const NEEDS_APPROVAL: Array<[string, string]> = [
  ["terraform apply", "cloud.terraform-apply"],
  ["terraform apply -auto-approve", "cloud.terraform-apply"],
  ["terraform apply -input=false tfplan", "cloud.terraform-apply"],
  ["terraform -chdir=infra apply -auto-approve -input=false", "cloud.terraform-apply"],
  ["tofu apply -auto-approve", "cloud.terraform-apply"],
  ["terragrunt run-all apply --terragrunt-non-interactive", "cloud.terragrunt-apply"],
  [
    "terraform import azurerm_resource_group.rg /subscriptions/x/resourceGroups/rg",
    "cloud.terraform-state-change",
  ],
  ["terraform taint azurerm_linux_virtual_machine.api", "cloud.terraform-state-change"],
  ["terraform force-unlock -force 6f1c2d", "cloud.terraform-state-change"],
  ["terraform state mv module.a module.b", "cloud.terraform-state-move"],
  ["az deployment group create -g rg-fleet -f infra/main.bicep", "cloud.az-deployment-create"],
  ["az deployment sub create -l westeurope -f infra/sub.bicep", "cloud.az-deployment-create"],
];

const DENIED: Array<[string, string]> = [
  ["terraform destroy -auto-approve", "cloud.terraform-destroy"],
  ["terraform apply -destroy -auto-approve", "cloud.terraform-apply-destroy"],
  ["terragrunt run-all destroy", "cloud.terragrunt-destroy"],
  ["terraform state rm azurerm_storage_account.logs", "cloud.terraform-state-remove"],
  ["terraform state push -force old.tfstate", "cloud.terraform-state-remove"],
  ["terraform workspace delete staging", "cloud.terraform-workspace-delete"],
  [
    "az deployment group create -g rg -f main.bicep --mode Complete",
    "cloud.az-deployment-complete",
  ],
  [
    "az deployment group create -g rg -f main.bicep --mode=complete",
    "cloud.az-deployment-complete",
  ],
  [
    "az group deployment create -g rg --template-file a.json --mode Complete",
    "cloud.az-deployment-complete",
  ],
  [
    "az stack group create -n fleet -g rg -f main.bicep --action-on-unmanage deleteAll --deny-settings-mode none",
    "cloud.az-stack-delete-unmanaged",
  ],
  ["az group delete -n rg-fleet --yes", "cloud.az-delete"],
];

Deno.test("policy allows the IaC gate and recipe commands without warnings", async () => {
  const engine = await loadPolicy();
  for (const c of ALLOWED) {
    const j = engine.judgeCommand(c);
    assert.equal(j.allowed, true, `${c}: ${j.message}`);
    assert.equal(j.rule, null, `${c} warned: ${j.rule}`);
  }
});

Deno.test("policy asks approval for applying, importing, tainting and deploying", async () => {
  const engine = await loadPolicy();
  const approved = await loadPolicy({ approved: true });
  for (const [c, rule] of NEEDS_APPROVAL) {
    const j = engine.judgeCommand(c);
    assert.deepEqual([j.allowed, j.rule, j.action], [false, rule, "require-approval"], c);
    assert.equal(approved.judgeCommand(c).allowed, true, c);
  }
});

Deno.test("policy denies destroying infrastructure and state, even with approval", async () => {
  const approved = await loadPolicy({ approved: true });
  for (const [c, rule] of DENIED) {
    const j = approved.judgeCommand(c);
    assert.deepEqual([j.allowed, j.rule, j.action], [false, rule, "deny"], c);
  }
});

Deno.test("policy scan rejects a patch that switches prevent_destroy off", async () => {
  const engine = await loadPolicy();
  const diff = (added: string) =>
    `diff --git a/infra/kv.tf b/infra/kv.tf\n--- a/infra/kv.tf\n+++ b/infra/kv.tf\n@@ -3,3 +3,3 @@\n   lifecycle {\n-    prevent_destroy = true\n+${added}\n   }\n`;
  assert.deepEqual(
    engine.scan(diff("    prevent_destroy = false")).map((f) => [f.rule, f.file, f.line]),
    [["iac.prevent-destroy-off", "infra/kv.tf", 4]],
  );
  assert.deepEqual(engine.scan(diff("    prevent_destroy = true # keep")), []);
});

Deno.test("policy check-command CLI: exit 0 for validate, 3 for apply and Complete mode", async () => {
  const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
  const main = fileURLToPath(new URL("../../main.ts", import.meta.url));
  const check = async (line: string) => {
    const r = await exec.runArgv([
      Deno.execPath(),
      "run",
      "-A",
      main,
      "policy",
      "check-command",
      "--json",
      "--",
      line,
    ]);
    const doc = JSON.parse(r.output.slice(r.output.indexOf("{"), r.output.lastIndexOf("}") + 1));
    return [r.code, doc.allowed, doc.rule];
  };
  assert.deepEqual(await check("terraform validate"), [0, true, null]);
  assert.deepEqual(await check("terraform apply -auto-approve"), [
    3,
    false,
    "cloud.terraform-apply",
  ]);
  assert.deepEqual(
    await check("az deployment group create -g rg -f main.bicep --mode Complete"),
    [3, false, "cloud.az-deployment-complete"],
  );
});
