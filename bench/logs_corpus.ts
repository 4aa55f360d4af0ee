/**
 * Scores the generic extractor against the labelled corpus in
 * tests/fixtures/logs/: each `<name>.log` has a `<name>.json` with the
 * expected chunk (1-based, inclusive `start`/`end`). Prints line-level
 * precision and recall of the best chunk (micro over all lines and macro
 * per log) and the share of logs where the best chunk overlaps the
 * expected one.
 *
 * Run: `deno run -A bench/logs_corpus.ts [--verbose] [DIR]`
 *
 * @module
 */

import { extractChunksFromFile } from "../gates/extract.ts";

/** The score of one log. */
export interface LogScore {
  /** Log name. */
  name: string;
  /** Expected range. */
  expected: [number, number];
  /** Best chunk's range, or null when nothing was found. */
  got: [number, number] | null;
  /** Lines of the best chunk inside the expected range. */
  overlap: number;
  /** True when any returned chunk overlaps the expected range. */
  anyChunk: boolean;
}

/** Corpus-wide figures. */
export interface CorpusScore {
  /** Per log. */
  logs: LogScore[];
  /** Overlapping lines / predicted lines, over all logs. */
  precision: number;
  /** Overlapping lines / expected lines, over all logs. */
  recall: number;
  /** Mean of per-log precision. */
  macroPrecision: number;
  /** Mean of per-log recall. */
  macroRecall: number;
  /** Share of logs whose best chunk overlaps the expected chunk. */
  found: number;
  /** Share of logs where any returned chunk overlaps it. */
  foundAny: number;
}

/**
 * Score the extractor on a labelled directory.
 *
 * @param dir Directory of `.log` + `.json` pairs.
 * @returns The figures.
 */
export async function evaluateCorpus(dir: string): Promise<CorpusScore> {
  const logs: LogScore[] = [];
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name.endsWith(".log")) names.push(e.name.slice(0, -4));
  }
  names.sort();
  for (const name of names) {
    const label = JSON.parse(await Deno.readTextFile(`${dir}/${name}.json`));
    const chunks = await extractChunksFromFile(`${dir}/${name}.log`);
    const best = chunks[0];
    const overlap = (s: number, e: number) =>
      Math.max(0, Math.min(e, label.end) - Math.max(s, label.start) + 1);
    logs.push({
      name,
      expected: [label.start, label.end],
      got: best ? [best.start, best.end] : null,
      overlap: best ? overlap(best.start, best.end) : 0,
      anyChunk: chunks.some((c) => overlap(c.start, c.end) > 0),
    });
  }
  let inter = 0, predicted = 0, expected = 0, p = 0, r = 0;
  for (const l of logs) {
    const size = l.got ? l.got[1] - l.got[0] + 1 : 0;
    const want = l.expected[1] - l.expected[0] + 1;
    inter += l.overlap;
    predicted += size;
    expected += want;
    p += size ? l.overlap / size : 0;
    r += l.overlap / want;
  }
  const n = Math.max(1, logs.length);
  return {
    logs,
    precision: predicted ? inter / predicted : 0,
    recall: expected ? inter / expected : 0,
    macroPrecision: p / n,
    macroRecall: r / n,
    found: logs.filter((l) => l.overlap > 0).length / n,
    foundAny: logs.filter((l) => l.anyChunk).length / n,
  };
}

if (import.meta.main) {
  const verbose = Deno.args.includes("--verbose");
  const dir = Deno.args.find((a) => !a.startsWith("--")) ??
    new URL("../tests/fixtures/logs", import.meta.url).pathname;
  const s = await evaluateCorpus(dir);
  if (verbose) {
    for (const l of s.logs) {
      const got = l.got ? `${l.got[0]}-${l.got[1]}` : "none";
      const mark = l.overlap > 0 ? "ok  " : "MISS";
      console.log(`${mark} ${l.name.padEnd(34)} want ${l.expected.join("-").padEnd(7)} got ${got}`);
    }
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`logs: ${s.logs.length}`);
  console.log(`line precision (micro): ${pct(s.precision)}  (macro): ${pct(s.macroPrecision)}`);
  console.log(`line recall    (micro): ${pct(s.recall)}  (macro): ${pct(s.macroRecall)}`);
  console.log(`found (best chunk overlaps): ${pct(s.found)}  (any chunk): ${pct(s.foundAny)}`);
}
