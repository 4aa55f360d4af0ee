// GitHub's action metadata and workflow files checked with action-validator,
// which validates against SchemaStore's published github-action.json and
// github-workflow.json schemas (the ones editors and linters use). Workflow
// examples the docs tell users to copy are checked as well.
import assert from "node:assert/strict";
import { validateAction, validateWorkflow } from "@action-validator/core";

const root = new URL("../../", import.meta.url);
const read = (p: string) => Deno.readTextFileSync(new URL(p, root));

function errors(state: { errors: unknown[] }): string {
  return JSON.stringify(state.errors, null, 1);
}

Deno.test("action.yml is valid under GitHub's action metadata schema", () => {
  const state = validateAction(read("action.yml"));
  assert.deepEqual(state.errors, [], errors(state));
});

Deno.test("the validator refuses an icon GitHub does not list (so the check above can fail)", () => {
  const bad = read("action.yml").replace(/^(\s*icon:).*$/m, "$1 tool");
  const state = validateAction(bad);
  assert.ok(state.errors.length > 0);
});

Deno.test("every shipped workflow is valid under GitHub's workflow schema", () => {
  const dir = new URL(".github/workflows/", root);
  let n = 0;
  for (const e of Deno.readDirSync(dir)) {
    if (!/\.ya?ml$/.test(e.name)) continue;
    const state = validateWorkflow(Deno.readTextFileSync(new URL(e.name, dir)));
    assert.deepEqual(state.errors, [], `${e.name}: ${errors(state)}`);
    n++;
  }
  assert.ok(n >= 2, "expected the ci and release workflows");
});

Deno.test("the example workflow users copy is a valid workflow that uses the action", () => {
  const dir = new URL("examples/github/", root);
  let n = 0;
  for (const e of Deno.readDirSync(dir)) {
    if (!/\.ya?ml$/.test(e.name)) continue;
    const text = Deno.readTextFileSync(new URL(e.name, dir));
    const state = validateWorkflow(text);
    assert.deepEqual(state.errors, [], `${e.name}: ${errors(state)}`);
    assert.match(text, /uses: [\w-]+\/fleet-orch@v0/);
    n++;
  }
  assert.ok(n >= 1);
});

Deno.test("whole workflows shown in README and docs are valid workflows", () => {
  const files = [
    "README.md",
    ...[...Deno.readDirSync(new URL("docs/", root))]
      .filter((e) => e.name.endsWith(".md")).map((e) => `docs/${e.name}`),
  ];
  for (const f of files) {
    for (const m of read(f).matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
      const block = m[1]!;
      // A whole workflow has a trigger and jobs at the top level; fragments
      // (a single step, an action input list) are not workflows.
      if (!/^on:/m.test(block) || !/^jobs:/m.test(block)) continue;
      const state = validateWorkflow(block);
      assert.deepEqual(state.errors, [], `${f}: ${errors(state)}\n${block}`);
    }
  }
});
