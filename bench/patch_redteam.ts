/**
 * Red-team counts of the malicious-patch corpora: how many of each class
 * the policy scan refuses (an error finding), and how many benign patches
 * stay clean. `--root DIR` measures another checkout's engine (a "before").
 *
 *   deno run -A bench/patch_redteam.ts [--root DIR] [--set dev|held-out]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BENIGN, MALICIOUS, type PatchCase } from "../tests/policies/malicious_patches/corpus.ts";
import { HELD_OUT } from "../tests/policies/malicious_patches/held_out.ts";

/** The trusted inputs of the run the corpus imagines (`--config ci/fleet.yaml`). */
export const TRUSTED = ["ci/fleet.yaml", "fleet-orch.yaml", "tools/gate.ts"];

interface Scanner {
  scan(text: string, options?: { base?: (p: string) => string | null }): { severity: string }[];
}

const { values } = parseArgs({
  options: { root: { type: "string" }, set: { type: "string", default: "dev" } },
});
const root = resolve(values.root ?? new URL("..", import.meta.url).pathname);
const { loadPolicy } = await import(pathToFileURL(`${root}/policies/engine.ts`).href) as {
  loadPolicy: (o: Record<string, unknown>) => Promise<Scanner>;
};
const engine = await loadPolicy({ trustedPaths: TRUSTED });

function refused(c: PatchCase): boolean {
  const base = c.base;
  const findings = engine.scan(c.diff, base ? { base: (p) => base[p] ?? null } : {});
  return findings.some((f) => f.severity === "error");
}

const set = values.set === "held-out" ? HELD_OUT : MALICIOUS;
const byClass = new Map<string, { total: number; refused: number; missed: string[] }>();
for (const c of set) {
  const e = byClass.get(c.cls) ?? { total: 0, refused: 0, missed: [] };
  e.total++;
  if (refused(c)) e.refused++;
  else e.missed.push(c.name);
  byClass.set(c.cls, e);
}
let total = 0;
let ok = 0;
for (const [cls, e] of byClass) {
  total += e.total;
  ok += e.refused;
  console.log(
    `${cls.padEnd(20)} ${e.refused}/${e.total} refused${
      e.missed.length ? `  missed: ${e.missed.join("; ")}` : ""
    }`,
  );
}
console.log(`${"all".padEnd(20)} ${ok}/${total} refused`);
const clean = BENIGN.filter((c) => !refused(c));
console.log(
  `${"benign".padEnd(20)} ${clean.length}/${BENIGN.length} clean${
    clean.length < BENIGN.length
      ? `  flagged: ${BENIGN.filter((c) => refused(c)).map((c) => c.name).join("; ")}`
      : ""
  }`,
);
