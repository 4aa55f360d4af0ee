import assert from "node:assert/strict";
import type { Failure } from "../../core/types.ts";
import { extractFailures, PARSERS } from "../../gates/failures.ts";

const CORPUS = new URL("../fixtures/logs/", import.meta.url);
const corpus = (name: string) => Deno.readTextFileSync(new URL(`${name}.log`, CORPUS));
const pick = (f: Failure) => [f.tool, f.code, f.file, f.line, f.column];
const IAC_TOOLS = new Set(["terraform", "tflint", "terraform-fmt", "bicep"]);

Deno.test("terraform parser reads boxed, coloured validate diagnostics", () => {
  const fs = extractFailures("validate", corpus("iac_terraform_validate_github"));
  assert.deepEqual(fs.map(pick), [
    ["terraform", "Reference to undeclared input variable", "main.tf", 2, undefined],
    ["terraform", "Reference to undeclared local value", "main.tf", 20, undefined],
  ]);
  assert.equal(
    fs[0]!.message,
    'Reference to undeclared input variable: An input variable with the name "enviroment" has not been declared. Did you mean "environment"?',
  );
  // The excerpt is the diagnostic without its ruler: what a fixer reads.
  assert.match(fs[0]!.excerpt, /^Error: Reference to undeclared input variable\n/);
  assert.match(
    fs[0]!.excerpt,
    /on main\.tf line 2, in locals:\n {3}2: {3}prefix = "fleet-\$\{var\.enviroment\}"/,
  );
  assert.doesNotMatch(fs.map((f) => f.excerpt).join("\n"), /[│╷╵]|exited with code/);
});

Deno.test("terraform parser reads plain plan diagnostics under -chdir", () => {
  const fs = extractFailures("plan", corpus("iac_terraform_plan_azure"));
  assert.deepEqual(fs.map(pick), [
    ["terraform", "Unsupported argument", "infra/modules/storage/main.tf", 14, undefined],
    ["terraform", "Missing required argument", "infra/network.tf", 31, undefined],
  ]);
  // The shell trace after the last diagnostic is not part of it.
  assert.equal(
    fs[1]!.message,
    'Missing required argument: The argument "address_prefixes" is required, but no definition was found.',
  );
  assert.doesNotMatch(fs[1]!.excerpt, /'\['/);
});

Deno.test("terraform parser reads validate -json with columns, under cd DIR &&", () => {
  const fs = extractFailures("validate", corpus("iac_terraform_validate_json_plain"));
  assert.deepEqual(fs.map(pick).sort((a, b) => Number(a[3]) - Number(b[3])), [
    ["terraform", "Reference to undeclared input variable", "infra/shared/main.tf", 2, 21],
    ["terraform", "Reference to undeclared local value", "infra/shared/main.tf", 20, 11],
  ]);
  assert.match(fs[0]!.excerpt, /on main\.tf line \d+, in /);
});

Deno.test("terraform parser reads the -json UI stream of plan", () => {
  const diag = {
    severity: "error",
    summary: "Invalid reference",
    detail: "A reference to a resource type must be followed by at least one attribute access.",
    range: { filename: "app.tf", start: { line: 9, column: 12, byte: 140 } },
    snippet: {
      context: 'resource "azurerm_linux_web_app" "api"',
      code: "  name = azurerm_service_plan",
    },
  };
  const out = [
    JSON.stringify({ "@level": "info", "@message": "Terraform 1.11.4", type: "version" }),
    JSON.stringify({
      "@level": "error",
      "@message": `Error: ${diag.summary}`,
      diagnostic: diag,
      type: "diagnostic",
    }),
    JSON.stringify({
      "@level": "warn",
      "@message": "Warning: x",
      diagnostic: { ...diag, severity: "warning" },
      type: "diagnostic",
    }),
  ].join("\n");
  assert.deepEqual(extractFailures("plan", out).map(pick), [
    ["terraform", "Invalid reference", "app.tf", 9, 12],
  ]);
});

Deno.test("terraform parser skips warnings, wrappers and other tools' Error: lines", () => {
  const warning =
    "╷\n│ Warning: Deprecated attribute\n│\n│   on main.tf line 4:\n│    4:   a = b.c\n│\n│ Deprecated.\n╵\n";
  const wrapper =
    "Terraform v1.11.4\nError: Terraform exited with code 1.\nError: Process completed with exit code 1.\n";
  const node =
    "Error: Cannot find module 'x'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1140:15)\n";
  for (const out of [warning, wrapper, node]) {
    assert.equal(extractFailures("g", out).filter((f) => IAC_TOOLS.has(f.tool)).length, 0, out);
  }
  // A plain diagnostic without a location counts when terraform's own lines are there.
  const init =
    'Initializing the backend...\n\nError: Backend initialization required, please run "terraform init"\n\nReason: Initial configuration of the requested backend "azurerm"\n';
  assert.deepEqual(extractFailures("init", init).map(pick), [
    [
      "terraform",
      'Backend initialization required, please run "terraform init"',
      undefined,
      undefined,
      undefined,
    ],
  ]);
  // Without any terraform line, a bare "Error: …" is not claimed.
  assert.equal(
    extractFailures("g", "\nError: something broke\n").every((f) => f.tool === "generic"),
    true,
  );
});

Deno.test("terraform fmt -check lists unformatted files; with -diff the first changed line", () => {
  const fs = extractFailures("fmt", corpus("iac_terraform_fmt_gitlab"));
  assert.deepEqual(fs.map(pick), [
    ["terraform-fmt", undefined, "main.tf", undefined, undefined],
    ["terraform-fmt", undefined, "modules/network/main.tf", undefined, undefined],
  ]);
  const bare = extractFailures("fmt", "main.tf\nmodules/network/variables.tf\n");
  assert.deepEqual(bare.map((f) => f.file), ["main.tf", "modules/network/variables.tf"]);
  const diff =
    'vars.tf\n--- old/vars.tf\n+++ new/vars.tf\n@@ -3,4 +3,4 @@\n variable "a" {\n-  type = string\n+  type    = string\n   default = 1\n }\n';
  const [d] = extractFailures("fmt", diff);
  assert.deepEqual(pick(d!), ["terraform-fmt", undefined, "vars.tf", 3, undefined]);
  assert.match(d!.excerpt, /\+ {2}type {4}= string/);
  // A file name among other output is no fmt listing without the command.
  assert.equal(
    extractFailures("g", "Compiling...\nmain.tf\nbuild failed: exit status 1\n")
      .some((f) => f.tool === "terraform-fmt"),
    false,
  );
});

Deno.test("terraform fmt parse errors are terraform failures, not formatting ones", () => {
  const out =
    '$ terraform fmt -check -recursive\n╷\n│ Error: Invalid expression\n│\n│   on bad/main.tf line 2, in resource "x" "y":\n│    2:   a =\n│\n│ Expected the start of an expression, but found an invalid expression token.\n╵\n';
  assert.deepEqual(extractFailures("fmt", out).map(pick), [
    ["terraform", "Invalid expression", "bad/main.tf", 2, undefined],
  ]);
});

Deno.test("tflint parser reads the default format: errors and warnings, not notices", () => {
  const fs = extractFailures("tflint", corpus("iac_tflint_github"));
  assert.deepEqual(fs.map(pick), [
    ["tflint", "terraform_typed_variables", "variables.tf", 7, undefined],
    ["tflint", "azurerm_linux_virtual_machine_invalid_size", "compute.tf", 18, undefined],
  ]);
  assert.equal(fs[1]!.message, '"Standard_D2s_v9" is an invalid value as size');
  assert.match(fs[1]!.excerpt, /Reference: https:\/\/github\.com\/terraform-linters/);
});

Deno.test("tflint parser reads the compact format, not golangci-lint's look-alike", () => {
  assert.deepEqual(extractFailures("tflint", corpus("iac_tflint_compact_plain")).map(pick), [
    ["tflint", "terraform_required_providers", "infra/modules/aks/main.tf", 3, 1],
    [
      "tflint",
      "azurerm_kubernetes_cluster_invalid_kubernetes_version",
      "infra/modules/aks/main.tf",
      42,
      27,
    ],
    ["tflint", "azurerm_dns_zone_invalid_location", "infra/dns.tf", 11, 5],
  ]);
  const golangci = "pkg/a.go:12:3: Error - something odd\n";
  assert.equal(extractFailures("lint", golangci).some((f) => f.tool === "tflint"), false);
});

Deno.test("bicep parser reads az bicep build errors and ignores the linter warning", () => {
  const fs = extractFailures("bicep", corpus("iac_bicep_build_azure"));
  assert.deepEqual(fs.map(pick), [
    ["bicep", "BCP057", "/home/vsts/work/1/s/infra/main.bicep", 31, 22],
    ["bicep", "BCP033", "/home/vsts/work/1/s/infra/main.bicep", 44, 18],
  ]);
  assert.equal(
    fs[0]!.message,
    'The name "storageAcountName" does not exist in the current context.',
  );
  assert.doesNotMatch(fs[0]!.excerpt, /^ERROR: /);
});

Deno.test("bicep parser returns warnings only when no error is reported", () => {
  const out =
    'main.bicep(4,7) : Warning no-unused-params: Parameter "skuTier" is declared but never used. [https://aka.ms/bicep/linter/no-unused-params]\n' +
    "C:\\src\\infra\\app.bicepparam(2,1) : Info BCP999: informational\n";
  assert.deepEqual(extractFailures("lint", out).map(pick), [
    ["bicep", "no-unused-params", "main.bicep", 4, 7],
  ]);
  const win =
    'C:\\a\\infra\\main.bicep(3,1) : Error BCP018: Expected the "}" character at this location.\n';
  assert.deepEqual(extractFailures("b", win).map(pick), [
    ["bicep", "BCP018", "C:/a/infra/main.bicep", 3, 1],
  ]);
});

Deno.test("ARM errors: InvalidTemplate with the JSON template's line and position", () => {
  const [f] = extractFailures("validate", corpus("iac_arm_validate_github"));
  assert.deepEqual(pick(f!), ["bicep", "InvalidTemplate", "infra/azuredeploy.json", 58, 9]);
  assert.match(f!.message, /is not valid: The template function 'reference' is not expected/);
  assert.match(f!.message, /\(at properties\.template\.resources\[1\]\)$/);
  assert.doesNotMatch(f!.message, /at line '58'/);
  assert.match(f!.excerpt, /"linePosition": 9,\n {4}"path"/);
  assert.doesNotMatch(f!.excerpt, /Process completed/);
});

Deno.test("ARM errors from a .bicep template carry no line (it is the compiled JSON's)", () => {
  const out = "+ az deployment group what-if -g rg-fleet -f infra/main.bicep\n" +
    "ERROR: (InvalidTemplate) Deployment template validation failed: 'The template resource 'kv' at line '1' and column '1432' is not valid: The resource 'Microsoft.KeyVault/vaults/kv-fleet' is not defined in the template.'.\n" +
    "Code: InvalidTemplate\nMessage: Deployment template validation failed: 'The template resource 'kv' at line '1' and column '1432' is not valid: The resource 'Microsoft.KeyVault/vaults/kv-fleet' is not defined in the template.'.\n";
  assert.deepEqual(extractFailures("whatif", out).map(pick), [
    ["bicep", "InvalidTemplate", "infra/main.bicep", undefined, undefined],
  ]);
  const old =
    'ERROR: {"code": "InvalidTemplateDeployment", "message": "The template deployment \'main\' is not valid according to the validation procedure."}\n';
  assert.deepEqual(extractFailures("validate", old).map(pick), [
    ["bicep", "InvalidTemplateDeployment", undefined, undefined, undefined],
  ]);
});

Deno.test("IaC fingerprints ignore moved lines and temp paths, and change with the error", () => {
  const tf = (line: number, name: string) =>
    `╷\n│ Error: Reference to undeclared resource\n│\n│   on main.tf line ${line}, in output "x":\n│   ${line}:   value = ${name}.id\n│\n│ A managed resource "${name}" has not been declared in the root module.\n╵\n`;
  const [a] = extractFailures("v", tf(12, "terraform_data.a"));
  const [b] = extractFailures("v", tf(40, "terraform_data.a"));
  const [c] = extractFailures("v", tf(12, "terraform_data.b"));
  assert.equal(a!.fingerprint, b!.fingerprint);
  assert.notEqual(a!.fingerprint, c!.fingerprint);
  const bicep = (dir: string, l: number) =>
    `${dir}/main.bicep(${l},5) : Error BCP057: The name "x" does not exist in the current context.\n`;
  assert.equal(
    extractFailures("b", bicep("/tmp/tmp.X1", 3))[0]!.fingerprint,
    extractFailures("b", bicep("/tmp/tmp.Y7", 9))[0]!.fingerprint,
  );
});

Deno.test("IaC parsers are registered and claim nothing in the other corpus logs", () => {
  const families = PARSERS.map((p) => p.family);
  assert.ok(families.includes("terraform") && families.includes("bicep"));
  for (const e of Deno.readDirSync(CORPUS)) {
    if (!e.name.endsWith(".log") || e.name.startsWith("iac_")) continue;
    const fs = extractFailures("g", corpus(e.name.slice(0, -4)));
    assert.deepEqual(fs.filter((f) => IAC_TOOLS.has(f.tool)).map(pick), [], e.name);
  }
});
