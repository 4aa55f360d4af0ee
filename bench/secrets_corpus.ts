// Recall and precision of the secret detectors on the labelled corpora of
// tests/policies/secrets_corpus/ (synthesised secrets and look-alikes).
//
//   deno run -A bench/secrets_corpus.ts [--verbose]
import { heldOutCorpus } from "../tests/policies/secrets_corpus/heldout.ts";
import { measure } from "../tests/policies/secrets_corpus/measure.ts";
import { tuningCorpus } from "../tests/policies/secrets_corpus/tuning.ts";

for (const [name, corpus] of [["tuning", tuningCorpus], ["held-out", heldOutCorpus]] as const) {
  const s = measure(corpus());
  console.log(
    `${name.padEnd(8)}: ${s.tp + s.fn} secrets, ${s.fp + s.tn} look-alikes; recall ${
      s.recall.toFixed(3)
    } (${s.tp}/${s.tp + s.fn}), precision ${s.precision.toFixed(3)} (${s.tp}/${s.tp + s.fp})`,
  );
  if (Deno.args.includes("--verbose")) {
    for (const e of s.wrong) {
      console.log(`  ${e.secret === null ? "FP" : "FN"} ${e.family}: ${e.text}`);
    }
  }
}
