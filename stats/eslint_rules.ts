/**
 * Whether an ESLint rule is auto-fixable, read from the rule's own metadata
 * (`meta.fixable`) in the project's installed rule modules: core rules under
 * `node_modules/eslint/lib/rules/`, plugin rules under the plugin package's
 * `lib/`, `dist/` or `src/` `rules/` folder. The module is read as text,
 * never run (the repository is untrusted). When the metadata cannot be read
 * or is not written out literally (a rule that copies another rule's meta),
 * the answer is "unknown", and the stats say nothing about the rule.
 *
 * @module
 */

import { join } from "node:path";

const _FIXABLE = /\bfixable\s*:\s*["'`](code|whitespace)["'`]/;
// Meta borrowed from another rule (typescript-eslint's extension rules) or
// computed: the literal text does not say.
const _INDIRECT =
  /\bfixable\s*:\s*(?!["'`]|null\b|undefined\b|false\b)[\w$.[\]()?]|\.\.\.\s*[\w$.]*\bmeta\b|\bmeta\s*:\s*(?!\{)[\w$]/;
const _META = /\bmeta\s*:\s*\{/;
const _NAME = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[a-z0-9][\w.-]*)?$/i;

/**
 * Files that may hold a rule's module, most likely first.
 *
 * @param root A folder with `node_modules/`.
 * @param ruleId The rule id as ESLint reports it (`no-var`, `react/jsx-key`,
 *   `@typescript-eslint/no-unused-vars`, `@scope/plugin/rule`).
 * @returns Candidate paths; none for an id that is not a rule name.
 */
export function ruleModuleCandidates(root: string, ruleId: string): string[] {
  if (!_NAME.test(ruleId) || ruleId.includes("..")) return [];
  const nm = join(root, "node_modules");
  const parts = ruleId.split("/");
  let pkgs: string[];
  let rule: string;
  if (parts.length === 1) {
    return [join(nm, "eslint", "lib", "rules", `${ruleId}.js`)];
  } else if (ruleId.startsWith("@")) {
    rule = parts[parts.length - 1]!;
    pkgs = parts.length === 2
      ? [join(nm, parts[0]!, "eslint-plugin")]
      : [join(nm, parts[0]!, `eslint-plugin-${parts[1]}`)];
  } else {
    rule = parts[1]!;
    pkgs = [join(nm, `eslint-plugin-${parts[0]}`)];
  }
  const out: string[] = [];
  for (const pkg of pkgs) {
    for (const dir of ["lib/rules", "dist/rules", "src/rules", "rules", "build/rules"]) {
      for (const ext of [".js", ".cjs", ".mjs"]) out.push(join(pkg, dir, `${rule}${ext}`));
    }
  }
  return out;
}

/**
 * Read `meta.fixable` from a rule module's source text.
 *
 * @param source The module's text.
 * @returns true (`fixable: "code"` or `"whitespace"`), false (a literal meta
 *   without it), or null when the text does not say.
 */
export function fixableFromSource(source: string): boolean | null {
  if (_FIXABLE.test(source)) return true;
  if (_INDIRECT.test(source)) return null;
  return _META.test(source) ? false : null;
}

/**
 * Whether a rule is auto-fixable, from the project's installed modules.
 *
 * @param roots Folders with `node_modules/` (the repository root first).
 * @param ruleId The rule id.
 * @returns true or false from the rule's metadata; null when no module was
 *   found or its metadata is not literal.
 */
export async function eslintRuleFixable(
  roots: readonly string[],
  ruleId: string,
): Promise<boolean | null> {
  for (const root of roots) {
    for (const file of ruleModuleCandidates(root, ruleId)) {
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch {
        continue;
      }
      return fixableFromSource(text);
    }
  }
  return null;
}
