import assert from "node:assert/strict";
import { parseOptions } from "../../core/registry.ts";
import { builtinFixers } from "../../plugins/fixers/mod.ts";
import { gate, tempRepo } from "./_helpers.ts";

Deno.test("builtinFixers lists every recipe once, formatters first and memory last", () => {
  assert.deepEqual(builtinFixers.map((f) => f.name), [
    "deno-fmt",
    "prettier",
    "black",
    "terraform-fmt",
    "bicep-format",
    "eslint-fix",
    "npm-lockfile",
    "npm-eresolve",
    "node-heap",
    "azure-pipelines-pool",
  ]);
  for (const f of builtinFixers) {
    assert.equal(f.kind, "fixer");
    assert.ok(f.description.length > 20 && f.description.length < 160, f.name);
  }
});

Deno.test("builtinFixers create instances from empty options and reject unknown ones", async () => {
  await using repo = await tempRepo({});
  for (const def of builtinFixers) {
    const fixer = await def.create(await parseOptions(def, {}), repo.context);
    assert.equal(typeof fixer.applies, "function");
    assert.equal(fixer.applies([], gate({ status: "passed", exitCode: 0 })), false, def.name);
    await assert.rejects(parseOptions(def, { tiemoutMs: 5 }), /tiemoutMs/, def.name);
  }
  const heap = builtinFixers.find((f) => f.name === "node-heap")!;
  await assert.rejects(parseOptions(heap, { heapMb: 10 }), /heapMb/);
});
