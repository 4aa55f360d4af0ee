// Recall and precision of secret detection on the labelled corpora
// (tests/policies/secrets_corpus/): the tuning set the detectors were
// developed against and the held-out set written after them.
import assert from "node:assert/strict";
import { heldOutCorpus } from "./secrets_corpus/heldout.ts";
import { measure } from "./secrets_corpus/measure.ts";
import { tuningCorpus } from "./secrets_corpus/tuning.ts";

for (const [name, corpus] of [["tuning", tuningCorpus], ["held-out", heldOutCorpus]] as const) {
  Deno.test(`secret corpus ${name} recall and precision are at least 0.90`, () => {
    const examples = corpus();
    const s = measure(examples);
    const detail = s.wrong.map((e) => `${e.secret === null ? "FP" : "FN"} ${e.family}`).join(", ");
    assert.ok(s.tp + s.fn >= 100, "enough secrets to measure");
    assert.ok(s.fp + s.tn >= 45, "enough look-alikes to measure");
    assert.ok(s.recall >= 0.9, `recall ${s.recall.toFixed(3)}: ${detail}`);
    assert.ok(s.precision >= 0.9, `precision ${s.precision.toFixed(3)}: ${detail}`);
  });
}

Deno.test("secret corpus is the same on every build and every secret is in its text", () => {
  // Two builds give the same corpus (seeded), and no example is empty.
  const a = heldOutCorpus();
  const b = heldOutCorpus();
  assert.deepEqual(a, b);
  for (const e of [...a, ...tuningCorpus()]) {
    assert.ok(e.text.length > 0);
    if (e.secret !== null) assert.ok(e.secret && e.text.includes(e.secret), e.text);
  }
});
