// The generated built-in policy (policies/default_policy.json) cannot drift
// from policies/default.yaml: it must be exactly what the generator makes of it.
import assert from "node:assert/strict";
import { defaultPolicyJson } from "../../tools/gen_default_policy.ts";
import { buildPolicy, DEFAULT_POLICY_TEXT } from "../../policies/loader.ts";
import { parsePolicyFile } from "../../policies/policy_file.ts";

const jsonUrl = new URL("../../policies/default_policy.json", import.meta.url);

Deno.test("default policy json equals default.yaml parsed and validated (regenerate with tools/gen_default_policy.ts)", async () => {
  const have = await Deno.readTextFile(jsonUrl);
  assert.equal(have, defaultPolicyJson(DEFAULT_POLICY_TEXT));
  assert.deepEqual(
    JSON.parse(have),
    JSON.parse(JSON.stringify(parsePolicyFile(DEFAULT_POLICY_TEXT, "policies/default.yaml").data)),
  );
});

Deno.test("default policy built twice gives each caller its own rule objects", async () => {
  const a = await buildPolicy();
  a.rules[0]!.message = "changed";
  const b = await buildPolicy();
  assert.notEqual(b.rules[0]!.message, "changed");
});
