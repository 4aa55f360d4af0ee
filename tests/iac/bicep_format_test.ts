import assert from "node:assert/strict";
import { join } from "node:path";
import { extractFailures } from "../../gates/failures.ts";
import { bicepFormatFixer } from "../../plugins/fixers/bicep_format.ts";
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
import { FAKE_AZ, FAKE_BICEP } from "./_fakes.ts";

const MAIN = `param location string   =   resourceGroup().location

resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {
      name:    'stfleet'
  location:location
  sku: {
        name: 'Standard_LRS'
  }
}
`;
const MAIN_FORMATTED = `param location string = resourceGroup().location

resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stfleet'
  location: location
  sku: {
    name: 'Standard_LRS'
  }
}
`;
const FILES = {
  "infra/main.bicep": MAIN,
  "infra/other.bicep": "param   x string\n",
};

/** Runs the gate command in the repository and builds its result as the runner would. */
async function runGate(repo: TestRepo, command: string) {
  const r = await repo.exec.run(command, { cwd: repo.dir });
  return gate({
    id: "bicep-fmt",
    command,
    status: r.code === 0 ? "passed" : "failed",
    exitCode: r.code,
    output: r.output,
    failures: extractFailures("bicep-fmt", r.output),
  });
}

Deno.test("bicep-format recipe applies to failed formatting gates, never to bicep errors", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(bicepFormatFixer, repo);
  const check = "bicep format --stdout infra/main.bicep | diff -u infra/main.bicep -";
  assert.equal(fixer.applies([], gate({ command: check })), true);
  assert.equal(
    fixer.applies(
      [],
      gate({ command: "az bicep format --file main.bicep && git diff --exit-code" }),
    ),
    true,
  );
  assert.equal(fixer.applies([], gate({ command: check, status: "passed" })), false);
  assert.equal(fixer.applies([], gate({ command: "bicep build infra/main.bicep" })), false);
  assert.equal(
    fixer.applies([failure({ tool: "bicep", code: "BCP018" })], gate({ command: check })),
    false,
  );
  const out = 'infra/main.bicep(3,1) : Error BCP018: Expected the "}" character at this location.';
  assert.equal(fixer.applies([], gate({ command: check, output: out })), false);
});

Deno.test("bicep-format recipe writes the gate's file in place; the diff applies and the gate passes", async () => {
  await using repo = await tempRepo(FILES, { bicep: FAKE_BICEP });
  const fixer = await instance(bicepFormatFixer, repo);
  const check = "bicep format --stdout infra/main.bicep | diff -u infra/main.bicep -";
  const failed = await runGate(repo, check);
  assert.equal(failed.status, "failed");
  assert.equal(fixer.applies(failed.failures, failed), true);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: failed.failures, gate: failed });
  assert.ok(proposal);
  assert.equal(proposal.source, "bicep-format");
  assert.equal(proposal.summary, `Formatted 1 file with "bicep format infra/main.bicep"`);
  assert.doesNotMatch(proposal.diff, /other\.bicep/);
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "infra/main.bicep")), MAIN_FORMATTED);
  assert.equal((await runGate(repo, check)).status, "passed");
});

Deno.test("bicep-format recipe runs az bicep format without --stdout/--outfile", async () => {
  await using repo = await tempRepo(FILES, { az: FAKE_AZ });
  const fixer = await instance(bicepFormatFixer, repo);
  const check =
    "az bicep format --file infra/main.bicep --outfile /tmp/fleet-orch-formatted.bicep && diff -u infra/main.bicep /tmp/fleet-orch-formatted.bicep";
  const proposal = await fixer.fix({ cwd: repo.dir, failures: [], gate: gate({ command: check }) });
  assert.ok(proposal);
  assert.equal(
    proposal.summary,
    `Formatted 1 file with "az bicep format --file infra/main.bicep"`,
  );
  const calls = await Deno.readTextFile(join(repo.bin, "calls.log"));
  assert.match(calls, /^az bicep format --file infra\/main\.bicep$/m);
  await gitApply(repo, proposal.diff);
  assert.equal(await Deno.readTextFile(join(repo.dir, "infra/main.bicep")), MAIN_FORMATTED);
});
