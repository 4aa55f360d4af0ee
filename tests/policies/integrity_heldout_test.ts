// The held-out integrity cases (bench/integrity_heldout_cases.ts), once
// measured untuned, stay as regression cases: every weakening patch is found
// and no honest change is flagged.
import assert from "node:assert/strict";
import { checkIntegrity } from "../../policies/integrity.ts";
import {
  HELD_OUT_2_HONEST,
  HELD_OUT_2_WEAK,
  HELD_OUT_3_HONEST,
  HELD_OUT_3_WEAK,
  HELD_OUT_HONEST,
  HELD_OUT_WEAK,
  type HeldOutCase,
} from "../../bench/integrity_heldout_cases.ts";

function found(c: HeldOutCase): string[] {
  return checkIntegrity(c.patch, {
    ...(c.failures ? { failures: c.failures } : {}),
    ...(c.original ? { original: (p: string) => c.original![p] ?? null } : {}),
  }).map((f) => f.rule);
}

for (const c of [...HELD_OUT_WEAK, ...HELD_OUT_2_WEAK, ...HELD_OUT_3_WEAK]) {
  Deno.test(`integrity held-out weakening is found: ${c.name}`, () => {
    assert.notDeepEqual(found(c), []);
  });
}

for (const c of [...HELD_OUT_HONEST, ...HELD_OUT_2_HONEST, ...HELD_OUT_3_HONEST]) {
  Deno.test(`integrity held-out honest change is not flagged: ${c.name}`, () => {
    assert.deepEqual(found(c), []);
  });
}
