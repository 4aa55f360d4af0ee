/**
 * Measure the oracle-integrity check on the held-out cases (written after the
 * detectors and never used to tune them): the share of weakening patches
 * found, and the share of honest changes wrongly flagged.
 *
 *   deno run -A bench/integrity_heldout.ts
 *
 * @module
 */

import { checkIntegrity } from "../policies/integrity.ts";
import { HELD_OUT_HONEST, HELD_OUT_WEAK, type HeldOutCase } from "./integrity_heldout_cases.ts";

function rules(c: HeldOutCase): string[] {
  const found = checkIntegrity(c.patch, {
    ...(c.failures ? { failures: c.failures } : {}),
    ...(c.original ? { original: (p: string) => c.original![p] ?? null } : {}),
  });
  return [...new Set(found.map((f) => f.rule))];
}

const missed = HELD_OUT_WEAK.filter((c) => rules(c).length === 0);
const flagged = HELD_OUT_HONEST.filter((c) => rules(c).length > 0);
for (const c of missed) console.log(`missed:  ${c.name}`);
for (const c of flagged) console.log(`flagged: ${c.name} (${rules(c).join(", ")})`);
console.log(
  `held-out weakening found: ${HELD_OUT_WEAK.length - missed.length}/${HELD_OUT_WEAK.length}; ` +
    `honest flagged: ${flagged.length}/${HELD_OUT_HONEST.length}`,
);
