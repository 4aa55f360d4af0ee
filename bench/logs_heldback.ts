/**
 * Generalisation on held-back logs (tests/fixtures/logs_heldback/): genuine
 * output of tools the extractor was not tuned on, raw and wrapped the way CI
 * prints it. Prints, per log, the labelled block and the best chunk, then
 * the share of logs whose best chunk overlaps the label, the mean line F1
 * and the lines per log.
 *
 * Run: `deno run -A bench/logs_heldback.ts`
 *
 * @module
 */

import { extractChunks } from "../gates/extract.ts";
const DIR = new URL("../tests/fixtures/logs_heldback/", import.meta.url);
const labelFile = JSON.parse(await Deno.readTextFile(new URL("labels.json", DIR))) as Record<
  string,
  { tool: string; block: [number, number] }
>;
function wrap(text: string): { log: string; offset: number } {
  const pre: string[] = [];
  let t = Date.UTC(2026, 11, 4, 7, 0, 0);
  const ts = () => new Date(t += 137).toISOString().replace("Z", "0000Z");
  pre.push(`${ts()} ##[group]Run actions/checkout@v4`);
  pre.push(`${ts()} Syncing repository: acme/app`);
  pre.push(`${ts()} ##[endgroup]`);
  pre.push(`${ts()} ` + Array.from({ length: 10 }, (_, i) => `Downloading ${i * 10}%`).join("\r"));
  pre.push(`${ts()} ##[group]Run make test`);
  pre.push(`${ts()} \x1b[36;1mmake test\x1b[0m`);
  const body = text.replace(/\n$/, "").split("\n").map((l) =>
    `${ts()} ${l.includes("error") ? `\x1b[31m${l}\x1b[0m` : l}`
  );
  const post = [`${ts()} ##[error]Process completed with exit code 1.`];
  return { log: [...pre, ...body, ...post].join("\n") + "\n", offset: pre.length };
}
let found = 0, f1sum = 0, linesSum = 0, n = 0;
for (const wrapped of [false, true]) {
  found = 0;
  f1sum = 0;
  linesSum = 0;
  n = 0;
  for (const [name, { block: [a, b] }] of Object.entries(labelFile)) {
    const raw = await Deno.readTextFile(new URL(name, DIR));
    const { log, offset } = wrapped ? wrap(raw) : { log: raw, offset: 0 };
    const [best] = extractChunks(log);
    const la = a + offset, lb = b + offset;
    let f1 = 0, hit = false, len = 0;
    if (best) {
      len = best.end - best.start + 1;
      const inter = Math.max(0, Math.min(best.end, lb) - Math.max(best.start, la) + 1);
      hit = inter > 0;
      const p = inter / len, r = inter / (lb - la + 1);
      f1 = p + r ? (2 * p * r) / (p + r) : 0;
    }
    n++;
    if (hit) found++;
    f1sum += f1;
    linesSum += len;
    console.log(
      `${wrapped ? "ci " : "raw"} ${name.padEnd(7)} label ${la}-${lb} best ${
        best ? `${best.start}-${best.end}` : "none"
      } F1 ${f1.toFixed(2)}`,
    );
  }
  console.log(
    `${wrapped ? "CI-wrapped" : "raw"}: found ${found}/${n} (${
      (100 * found / n).toFixed(0)
    }%), mean line F1 ${(f1sum / n).toFixed(2)}, ${(linesSum / n).toFixed(1)} lines per log`,
  );
}
