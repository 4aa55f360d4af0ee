import assert from "node:assert/strict";
import { join } from "node:path";
import {
  eslintRuleFixable,
  fixableFromSource,
  ruleModuleCandidates,
} from "../../stats/eslint_rules.ts";

// Shapes of real rule modules: ESLint core (CommonJS, literal meta), a
// compiled typescript-eslint rule (createRule with a literal meta), and a
// typescript-eslint extension rule that borrows the base rule's meta.
const CORE_NO_VAR = `"use strict";
/** @type {import('../types').Rule.RuleModule} */
module.exports = {
	meta: {
		type: "suggestion",
		docs: { description: "Require \`let\` or \`const\` instead of \`var\`", recommended: false, url: "https://eslint.org/docs/latest/rules/no-var" },
		schema: [],
		fixable: "code",
		messages: { unexpectedVar: "Unexpected var, use let or const instead." },
	},
	create(context) { return {}; },
};
`;
const CORE_NO_UNUSED = `"use strict";
module.exports = {
	meta: {
		type: "problem",
		docs: { description: "Disallow unused variables", recommended: true },
		hasSuggestions: true,
		schema: [],
		messages: { unusedVar: "'{{varName}}' is {{action}} but never used{{additional}}." },
	},
	create(context) { return {}; },
};
`;
const TS_CONSISTENT = `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const util_1 = require("../util");
exports.default = (0, util_1.createRule)({
    name: 'consistent-type-imports',
    meta: {
        type: 'suggestion',
        docs: { description: 'Enforce consistent usage of type imports' },
        fixable: 'code',
        messages: { typeOverValue: 'All imports in the declaration are only used as types.' },
        schema: [],
    },
    defaultOptions: [],
    create(context) { return {}; },
});
`;
const TS_EXTENSION = `"use strict";
const getESLintCoreRule_1 = require("../util/getESLintCoreRule");
const baseRule = (0, getESLintCoreRule_1.getESLintCoreRule)('no-extra-semi');
exports.default = (0, util_1.createRule)({
    name: 'no-extra-semi',
    meta: {
        type: 'suggestion',
        docs: { description: 'Disallow unnecessary semicolons' },
        fixable: baseRule.meta.fixable,
        hasSuggestions: baseRule.meta.hasSuggestions,
        schema: baseRule.meta.schema,
        messages: baseRule.meta.messages,
    },
    defaultOptions: [],
    create(context) { return {}; },
});
`;

Deno.test("fixableFromSource reads meta.fixable and says unknown when the meta is borrowed", () => {
  assert.equal(fixableFromSource(CORE_NO_VAR), true);
  assert.equal(fixableFromSource(CORE_NO_UNUSED), false);
  assert.equal(fixableFromSource(TS_CONSISTENT), true);
  assert.equal(fixableFromSource(TS_EXTENSION), null);
  assert.equal(fixableFromSource("module.exports = require('./other');"), null);
  assert.equal(fixableFromSource("module.exports = { meta: { fixable: 'whitespace' } }"), true);
});

Deno.test("ruleModuleCandidates maps core, plugin and scoped rule ids, and refuses paths", () => {
  const c = (id: string) => ruleModuleCandidates("/r", id);
  assert.deepEqual(c("no-var"), ["/r/node_modules/eslint/lib/rules/no-var.js"]);
  assert.ok(
    c("react/jsx-key").includes("/r/node_modules/eslint-plugin-react/lib/rules/jsx-key.js"),
  );
  assert.ok(
    c("@typescript-eslint/no-unused-vars").includes(
      "/r/node_modules/@typescript-eslint/eslint-plugin/dist/rules/no-unused-vars.js",
    ),
  );
  assert.ok(
    c("@acme/foo/bar").includes("/r/node_modules/@acme/eslint-plugin-foo/lib/rules/bar.js"),
  );
  assert.deepEqual(c("../../etc/passwd"), []);
  assert.deepEqual(c("a b"), []);
});

Deno.test("eslintRuleFixable reads the project's installed rule modules, null when absent", async () => {
  const root = await Deno.makeTempDir({ prefix: "fleet-orch-eslint-rules-" });
  try {
    const write = async (rel: string, text: string) => {
      const f = join(root, "node_modules", rel);
      await Deno.mkdir(join(f, ".."), { recursive: true });
      await Deno.writeTextFile(f, text);
    };
    await write("eslint/lib/rules/no-var.js", CORE_NO_VAR);
    await write("eslint/lib/rules/no-unused-vars.js", CORE_NO_UNUSED);
    await write(
      "@typescript-eslint/eslint-plugin/dist/rules/consistent-type-imports.js",
      TS_CONSISTENT,
    );
    await write("@typescript-eslint/eslint-plugin/dist/rules/no-extra-semi.js", TS_EXTENSION);
    assert.equal(await eslintRuleFixable([root], "no-var"), true);
    assert.equal(await eslintRuleFixable([root], "no-unused-vars"), false);
    assert.equal(
      await eslintRuleFixable([root], "@typescript-eslint/consistent-type-imports"),
      true,
    );
    assert.equal(await eslintRuleFixable([root], "@typescript-eslint/no-extra-semi"), null);
    assert.equal(await eslintRuleFixable([root], "prefer-const"), null);
    assert.equal(await eslintRuleFixable([root], "react/jsx-key"), null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
