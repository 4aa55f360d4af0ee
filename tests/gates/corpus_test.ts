import assert from "node:assert/strict";
import { evaluateCorpus } from "../../bench/logs_corpus.ts";

Deno.test("logs extract corpus meets minimum precision, recall and found share", async () => {
  const dir = new URL("../fixtures/logs", import.meta.url).pathname;
  const s = await evaluateCorpus(dir);
  assert.ok(s.logs.length >= 40, `only ${s.logs.length} labelled logs`);
  const ecosystems = new Set(
    s.logs.map((l) => JSON.parse(Deno.readTextFileSync(`${dir}/${l.name}.json`)).ecosystem),
  );
  assert.ok(ecosystems.size >= 8, `ecosystems: ${[...ecosystems].join(", ")}`);
  const misses = s.logs.filter((l) => l.overlap === 0).map((l) => l.name);
  assert.ok(s.found >= 0.9, `found ${s.found}; missed ${misses.join(", ")}`);
  assert.ok(s.precision >= 0.75, `precision ${s.precision}`);
  assert.ok(s.recall >= 0.85, `recall ${s.recall}`);
});
