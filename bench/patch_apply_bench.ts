/**
 * Speed of the in-memory applier on a 5,000-line file: a clean hunk, a hunk
 * with a bare header (search everywhere), and one that needs the fuzzy step.
 *
 * Run: `deno bench -A bench/patch_apply_bench.ts`
 *
 * @module
 */

import { applyToText, parsePatch } from "../patch/patch.ts";

const FILE = Array.from({ length: 5000 }, (_, i) => `  const v${i} = compute(${i}, "x");`)
  .join("\n") + "\n";
const body = (drop: boolean) =>
  [
    '   const v2500 = compute(2500, "x");',
    '   const v2501 = compute(2501, "x");',
    drop ? null : '   const v2502 = compute(2502, "x");',
    '-  const v2503 = compute(2503, "x");',
    '+  const v2503 = compute(2503, "y");',
    '   const v2504 = compute(2504, "x");',
    '   const v2505 = compute(2505, "x");',
    '   const v2506 = compute(2506, "x");',
  ].filter((l) => l !== null).join("\n") + "\n";
const head = "--- a/f.ts\n+++ b/f.ts\n";
const clean = parsePatch(`${head}@@ -2501,7 +2501,7 @@\n${body(false)}`)[0]!;
const bare = parsePatch(`${head}@@ @@\n${body(false)}`)[0]!;
const fuzzy = parsePatch(`${head}@@ @@\n${body(true)}`)[0]!;

Deno.bench("applyToText exact hunk in 5,000 lines", () => {
  applyToText(FILE, clean);
});
Deno.bench("applyToText bare-header hunk in 5,000 lines", () => {
  applyToText(FILE, bare);
});
Deno.bench("applyToText fuzzy hunk (dropped context) in 5,000 lines", () => {
  applyToText(FILE, fuzzy);
});
