// Command judgments per second, in-process, as a plain figure:
//   deno run -A bench/policy_judge_rate.ts [--batches 7] [--size 20000]
// Judges batches of a 20-line mix (benign build lines and dangerous
// variants); prints the rate of every batch, the median and the best, so a
// noisy shared machine does not hide the figure.
import { parseArgs } from "node:util";
import { loadPolicy } from "../policies/engine.ts";
import { COMMANDS } from "./policy_bench.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    batches: { type: "string", default: "7" },
    size: { type: "string", default: "20000" },
  },
});
const engine = await loadPolicy({});
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
