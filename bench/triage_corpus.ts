/**
 * Triage accuracy on the corpus of genuine tool output
 * (tests/fixtures/triage/): per part (tuned, held back), the share of logs
 * given the class a person assigned, and the false-positive rate on the
 * genuine code failures (a code failure called infrastructure or
 * configuration costs the user a fix). Misses are listed.
 *
 * Run: `deno run -A bench/triage_corpus.ts`
 *
 * @module
 */

import { triageGate } from "../gates/triage.ts";
import { gateOf, heldBack, loadCorpus } from "../tests/fixtures/triage/corpus.ts";

const corpus = await loadCorpus();
for (const part of ["tuned", "held back"] as const) {
  const cases = corpus.filter((e) => heldBack(e.name) === (part === "held back"));
  let right = 0;
  const misses: string[] = [];
  for (const e of cases) {
    const t = triageGate(gateOf(e));
    const ok = t.class === e.expect && (!e.subject || t.subject === e.subject);
    if (ok) right++;
    else {misses.push(
        `  ${e.name}: expected ${e.expect}${e.subject ? ` (${e.subject})` : ""}, got ${t.class}${
          t.subject ? ` (${t.subject})` : ""
        } [${t.signature ?? "-"}]`,
      );}
  }
  const code = cases.filter((e) => e.expect === "code");
  const fp = code.filter((e) => triageGate(gateOf(e)).class !== "code").length;
  const notCode = cases.filter((e) => e.expect !== "code");
  const recall = notCode.filter((e) => triageGate(gateOf(e)).class === e.expect).length;
  console.log(
    `${part}: ${right}/${cases.length} correct (${(100 * right / cases.length).toFixed(1)}%); ` +
      `infra/config found ${recall}/${notCode.length}; ` +
      `code failures misclassified ${fp}/${code.length} (${
        (100 * fp / Math.max(1, code.length)).toFixed(1)
      }%)`,
  );
  for (const m of misses) console.log(m);
}
