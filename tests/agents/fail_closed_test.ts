import assert from "node:assert/strict";
import { checkDeployPlan } from "../../agents/operator.ts";
import { ReviewerUnavailable, reviewPatch } from "../../agents/reviewer.ts";
import { PluginError, PolicyViolation } from "../../core/errors.ts";
import type { LlmPlugin } from "../../core/plugin.ts";

const DIFF = "--- a/x.ts\n+++ b/x.ts\n@@ -1 +1 @@\n-a\n+b\n";
const judge = (c: string) =>
  /delete/.test(c)
    ? { allowed: false, rule: "cloud-delete", message: "deletes a cloud resource" }
    : { allowed: true, rule: null, message: "" };

function llm(complete: LlmPlugin["complete"]): LlmPlugin {
  return { complete } as LlmPlugin;
}

Deno.test("checkDeployPlan names every refused command of the plan at once", () => {
  assert.throws(
    () =>
      checkDeployPlan({
        environment: "staging",
        commands: ["kubectl apply -f k8s/", "az group delete -n a", "kubectl delete ns b"],
        judge,
        approved: false,
        requiresApproval: undefined,
      }),
    (e: unknown) => {
      assert.ok(e instanceof PolicyViolation);
      assert.equal(e.rule, "cloud-delete");
      assert.match(e.message, /nothing was run.*1\. az group delete -n a.*2\. kubectl delete ns b/);
      return true;
    },
  );
  checkDeployPlan({
    environment: "staging",
    commands: ["kubectl apply -f k8s/"],
    judge,
    approved: false,
    requiresApproval: undefined,
  });
});

Deno.test("checkDeployPlan refuses production without approval before judging commands", () => {
  assert.throws(
    () =>
      checkDeployPlan({
        environment: "production",
        commands: [],
        judge,
        approved: false,
        requiresApproval: undefined,
      }),
    (e: unknown) => e instanceof PolicyViolation && e.rule === "production-approval",
  );
  checkDeployPlan({
    environment: "production",
    commands: [],
    judge,
    approved: true,
    requiresApproval: undefined,
  });
});

Deno.test("reviewPatch a provider failure is an unavailable reviewer, never an approval", async () => {
  await assert.rejects(
    reviewPatch({
      llm: llm(() => Promise.reject(new PluginError("openai", "Cannot reach the endpoint"))),
      model: "m",
      diff: DIFF,
      failures: [],
      policyFindings: [],
      redact: (t) => t,
    }),
    (e: unknown) => {
      assert.ok(e instanceof ReviewerUnavailable);
      assert.match(e.message, /Cannot reach the endpoint.*agents\.jules\.enabled: false/);
      return true;
    },
  );
});

Deno.test("reviewPatch an unparseable reply rejects and says the reviewer could not review", async () => {
  const out = await reviewPatch({
    llm: llm(() =>
      Promise.resolve({
        text: "Sure, looks good",
        record: {
          provider: "p",
          model: "m",
          tokensIn: 1,
          tokensOut: 1,
          latencyMs: 1,
          costUsd: 0,
        },
      })
    ),
    model: "m",
    diff: DIFF,
    failures: [],
    policyFindings: [],
    redact: (t) => t,
  });
  assert.equal(out.verdict, "reject");
  assert.equal(out.unparseable, true);
});
