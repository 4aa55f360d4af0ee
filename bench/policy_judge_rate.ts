// Command judgments per second, in-process, as a plain figure, after the
// judge's refusal rates over the labelled corpora, class by class:
//   deno run -A bench/policy_judge_rate.ts [--batches 7] [--size 20000] [--verbose]
// (also run by `deno task bench`). Judges batches of a 20-line mix (benign
// build lines and dangerous variants); prints the rate of every batch, the
// median and the best, so a noisy shared machine does not hide the figure.
// --verbose lists the lines judged otherwise (never for held-out sets).
import { parseArgs } from "node:util";
import { loadPolicy } from "../policies/engine.ts";
import { COMMANDS } from "./policy_bench.ts";
import { allCorpora, printRates, rates as corpusRates } from "./policy_corpus.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    batches: { type: "string", default: "7" },
    size: { type: "string", default: "20000" },
    verbose: { type: "boolean", default: false },
  },
});
const engine = await loadPolicy({});
for (const [name, lines] of await allCorpora()) {
  printRates(corpusRates(engine, name, lines), values.verbose);
}
const size = Number(values.size);
const rates: number[] = [];
for (let b = 0; b < Number(values.batches); b++) {
  const t0 = performance.now();
  for (let i = 0; i < size; i++) engine.judgeCommand(COMMANDS[i % COMMANDS.length]!);
  rates.push(size / ((performance.now() - t0) / 1000));
}
const sorted = [...rates].sort((a, b) => a - b);
console.log(`batches: ${rates.map((r) => Math.round(r)).join(", ")} judgments/s`);
console.log(
  `median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} judgments/s, best ${
    Math.round(sorted[sorted.length - 1]!)
  } judgments/s (${COMMANDS.length}-line mix)`,
);
