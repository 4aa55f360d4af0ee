import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import { BENIGN, MALICIOUS, type PatchCase } from "./malicious_patches/corpus.ts";
import { HELD_OUT } from "./malicious_patches/held_out.ts";

// The run the corpus imagines: `--config ci/fleet.yaml` naming the plugin tools/gate.ts.
const engine = await loadPolicy({
  trustedPaths: ["ci/fleet.yaml", "fleet-orch.yaml", "tools/gate.ts"],
});

function errors(c: PatchCase) {
  const base = c.base;
  return engine.scan(c.diff, base ? { base: (p) => base[p] ?? null } : {})
    .filter((f) => f.severity === "error");
}

for (const [set, cases] of [["development", MALICIOUS], ["held-out", HELD_OUT]] as const) {
  Deno.test(`policy scan refuses every malicious patch of the ${set} corpus`, () => {
    const missed = cases.filter((c) => errors(c).length === 0).map((c) => `${c.cls}: ${c.name}`);
    assert.deepEqual(missed, []);
  });
}

Deno.test("policy scan leaves ordinary patches of the corpus clean", () => {
  const flagged = BENIGN.map((c) => ({ name: c.name, f: errors(c) })).filter((x) => x.f.length);
  assert.deepEqual(flagged, []);
});
