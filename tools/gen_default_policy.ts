/**
 * Generate policies/default_policy.json from policies/default.yaml: the
 * default policy parsed and validated once, at build time, so that start-up
 * needs neither the yaml package nor zod. tests/policies/default_policy_test.ts
 * fails when the two drift apart.
 *
 * Run after editing default.yaml: `deno run -A tools/gen_default_policy.ts`
 * (`--check` exits 1 instead of writing when the file is stale).
 *
 * @module
 */

import { parsePolicyFile } from "../policies/policy_file.ts";

/**
 * The generated file's text for a default policy.
 *
 * @param yamlText The text of policies/default.yaml.
 * @returns The JSON text to write to policies/default_policy.json.
 * @throws {ConfigError} When the default policy is invalid.
 */
export function defaultPolicyJson(yamlText: string): string {
  return JSON.stringify(parsePolicyFile(yamlText, "policies/default.yaml").data, null, 2) + "\n";
}

if (import.meta.main) {
  const yamlUrl = new URL("../policies/default.yaml", import.meta.url);
  const jsonUrl = new URL("../policies/default_policy.json", import.meta.url);
  const want = defaultPolicyJson(await Deno.readTextFile(yamlUrl));
  const have = await Deno.readTextFile(jsonUrl).catch(() => "");
  if (Deno.args.includes("--check")) {
    if (want !== have) {
      console.error(
        "policies/default_policy.json is stale: run deno run -A tools/gen_default_policy.ts",
      );
      Deno.exit(1);
    }
  } else if (want !== have) {
    await Deno.writeTextFile(jsonUrl, want);
    console.log("wrote policies/default_policy.json");
  } else console.log("policies/default_policy.json is up to date");
}
