// Refusal rates of the command judge over the labelled corpora in
// tests/policies/corpus/ (dangerous families, ordinary CI lines; tuning and
// held-out sets) and over the existing catalogs, class by class.
// Figures: deno run -A bench/policy_corpus.ts
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import {
  type CorpusRates,
  existingCatalogs,
  rates,
  readCorpus,
} from "../../bench/policy_corpus.ts";

const engine = await loadPolicy({});

const FAMILIES = [
  "download-to-shell",
  "decoded-text",
  "git-remote-and-alias",
  "workdir-change",
  "renamed-binary",
  "interpreter",
  "database-shell",
  "environment-hook",
  "write-target",
  "cloud-delete-indirect",
  "credential-exfiltration",
  "reverse-shell",
  "unknown-wrapper",
];

function assertRates(r: CorpusRates, overall: number, perClass: number): void {
  const share = r.ok / r.total;
  assert.ok(share >= overall, `${r.name}: ${r.ok}/${r.total} below ${overall}`);
  for (const c of r.classes) {
    assert.ok(
      c.ok / c.total >= perClass,
      `${r.name} / ${c.cls}: ${c.ok}/${c.total} below ${perClass}` +
        (r.name.includes("held-out") ? "" : `; misses: ${c.misses.join(" || ")}`),
    );
  }
}

Deno.test("corpus has every family in the tuning and held-out sets, 250+ dangerous and 80+ benign lines", () => {
  const tuning = readCorpus("dangerous_tuning.tsv", true);
  const held = readCorpus("dangerous_heldout.tsv", true);
  const held2 = readCorpus("dangerous_heldout2.tsv", true);
  const benign = ["benign_tuning.tsv", "benign_heldout.tsv", "benign_heldout2.tsv"]
    .flatMap((f) => readCorpus(f, false));
  assert.ok(tuning.length + held.length >= 250, `${tuning.length + held.length} dangerous lines`);
  assert.ok(benign.length >= 80, `${benign.length} benign lines`);
  for (const set of [tuning, held, held2]) {
    assert.deepEqual([...new Set(set.map((l) => l.cls))].sort(), [...FAMILIES].sort());
  }
  // No line is both in a tuning and a held-out set.
  const seen = new Set(tuning.map((l) => l.line));
  for (const l of [...held, ...held2]) assert.ok(!seen.has(l.line), `also in tuning: ${l.line}`);
});

Deno.test("corpus dangerous tuning set is refused, every family at 90% or more", () => {
  assertRates(
    rates(engine, "dangerous tuning", readCorpus("dangerous_tuning.tsv", true)),
    0.95,
    0.9,
  );
});

Deno.test("corpus dangerous held-out sets are refused at 95% or more, every family at 70% or more", () => {
  for (const f of ["dangerous_heldout.tsv", "dangerous_heldout2.tsv"]) {
    assertRates(rates(engine, `dangerous held-out ${f}`, readCorpus(f, true)), 0.95, 0.7);
  }
});

Deno.test("corpus ordinary CI lines are all allowed with no warning", () => {
  for (const f of ["benign_tuning.tsv", "benign_heldout.tsv", "benign_heldout2.tsv"]) {
    assertRates(rates(engine, `benign ${f}`, readCorpus(f, false)), 1, 1);
  }
});

Deno.test("corpus existing catalogs stay at 95% dangerous refused and 90% benign allowed", async () => {
  for (const [name, lines] of await existingCatalogs()) {
    const dangerous = rates(engine, name, lines.filter((l) => l.dangerous));
    const benign = lines.filter((l) => !l.dangerous);
    const allowed = benign.filter((l) => engine.judgeCommand(l.line).allowed).length;
    assert.ok(
      dangerous.ok / dangerous.total >= 0.95,
      `${name}: ${dangerous.ok}/${dangerous.total}`,
    );
    assert.ok(
      allowed / benign.length >= 0.9,
      `${name}: ${allowed}/${benign.length} benign allowed`,
    );
  }
});
