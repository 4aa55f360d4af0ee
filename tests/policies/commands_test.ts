// The command catalog: dangerous variants must be refused, benign
// look-alikes and ordinary build commands must pass.
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import { CASES, type Expect } from "./_command_catalog.ts";

const engine = await loadPolicy({});

// [name, command line, expected outcome, expected rule id (optional)]

for (const [name, line, expect, rule] of CASES) {
  Deno.test(`policy judges ${name} (${expect})`, () => {
    const j = engine.judgeCommand(line);
    const got: Expect = j.action === "require-approval"
      ? "approval"
      : j.action === "deny"
      ? "deny"
      : j.action === "warn"
      ? "warn"
      : "allow";
    assert.equal(got, expect, `${JSON.stringify(line)} -> ${JSON.stringify(j)}`);
    assert.equal(j.allowed, expect === "allow" || expect === "warn");
    if (rule) assert.equal(j.rule, rule, `${JSON.stringify(line)} -> ${JSON.stringify(j)}`);
    if (expect !== "allow") assert.ok(j.message.length > 0 && j.category !== null);
  });
}

Deno.test("policy require-approval passes when approved", async () => {
  const approved = await loadPolicy({ approved: true });
  const j = approved.judgeCommand("git rebase main");
  assert.equal(j.action, "require-approval");
  assert.equal(j.allowed, true);
});

Deno.test("policy seed forbidden_commands become parsed patterns", async () => {
  const e = await loadPolicy({
    forbiddenCommands: ["rm -rf /", "kubectl delete namespace", "az group delete", "helm rollback"],
  });
  for (
    const line of [
      "sudo /bin/rm -r -f //",
      "kubectl -n x delete ns prod",
      "az group delete -n x",
      "helm rollback web 3",
    ]
  ) {
    const j = e.judgeCommand(line);
    assert.equal(j.allowed, false, line);
  }
  assert.equal(e.judgeCommand("helm rollback web 3").rule, "forbidden.4");
  assert.equal(e.judgeCommand("helm list").allowed, true);
});
