/**
 * Generate policies/default_policy.json from policies/default.yaml: the
 * default policy parsed and validated once, at build time, so that start-up
 * needs neither the yaml package nor zod. tests/policies/default_policy_test.ts
 * fails when the two drift apart.
 *
 * Also generates policies/default_globs.json: every glob of the default
 * policy (command programs, words and arguments, protected paths, rule file
 * globs) compiled by picomatch to a regular expression, so matching them at
 * run time needs no picomatch (see core/glob.ts).
 *
 * Run after editing default.yaml: `deno run -A tools/gen_default_policy.ts`
 * (`--check` exits 1 instead of writing when a file is stale).
 *
 * @module
 */

import { compileGlob, isPlainGlob } from "../core/glob.ts";
import { foldPath } from "../patch/paths.ts";
import { parsePolicyFile, type PolicyFile } from "../policies/policy_file.ts";

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

/**
 * Every glob the policy modules match for a policy's rules, in the spellings
 * they match them in: command programs, word patterns and argument globs;
 * protected paths as written and case-folded (policies/scan.ts); rule file
 * globs as written and under any folder (`**\/glob`).
 *
 * @param policy A validated policy file.
 * @returns The globs that are not plain words, sorted, without duplicates.
 */
export function policyGlobs(policy: PolicyFile): string[] {
  const out = new Set<string>();
  const add = (g: string | string[] | undefined) => {
    for (const x of g === undefined ? [] : Array.isArray(g) ? g : [g]) out.add(x);
  };
  for (const r of policy.rules ?? []) {
    const c = r.match?.command;
    if (c) {
      add(c.program);
      for (const w of c.words ?? []) add(w);
      add(c.args);
    }
    for (const p of r.match?.path ?? []) add([p, foldPath(p)]);
    for (const f of r.files ?? []) add([f, `**/${f}`]);
  }
  return [...out].filter((g) => !isPlainGlob(g)).sort();
}

/**
 * The generated glob table's text for a default policy.
 *
 * @param yamlText The text of policies/default.yaml.
 * @returns The JSON text to write to policies/default_globs.json: glob to
 *   regular-expression source.
 */
export function defaultGlobsJson(yamlText: string): string {
  const table: Record<string, string> = {};
  for (const g of policyGlobs(parsePolicyFile(yamlText, "policies/default.yaml").data)) {
    const re = compileGlob(g);
    if (re.flags !== "") throw new Error(`Glob "${g}" compiles with flags "${re.flags}"`);
    table[g] = re.source;
  }
  return JSON.stringify(table, null, 2) + "\n";
}

if (import.meta.main) {
  const yamlText = await Deno.readTextFile(new URL("../policies/default.yaml", import.meta.url));
  let stale = false;
  for (
    const [name, want] of [
      ["default_policy.json", defaultPolicyJson(yamlText)],
      ["default_globs.json", defaultGlobsJson(yamlText)],
    ] as const
  ) {
    const url = new URL(`../policies/${name}`, import.meta.url);
    const have = await Deno.readTextFile(url).catch(() => "");
    if (want === have) console.log(`policies/${name} is up to date`);
    else if (Deno.args.includes("--check")) {
      console.error(`policies/${name} is stale: run deno run -A tools/gen_default_policy.ts`);
      stale = true;
    } else {
      await Deno.writeTextFile(url, want);
      console.log(`wrote policies/${name}`);
    }
  }
  if (stale) Deno.exit(1);
}
