/**
 * Overhead of the gate runner: 16 trivial command gates (each a real
 * process through the shell executor) with and without parallelism, and
 * failure extraction on a large test-runner output.
 *
 * Run: `deno bench -A bench/gates_runner_bench.ts`
 *
 * @module
 */

import { ShellExecutor } from "../core/exec.ts";
import { extractFailures } from "../gates/failures.ts";
import type { GateStep } from "../gates/plan.ts";
import { runGates } from "../gates/runner.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const steps: GateStep[] = Array.from({ length: 16 }, (_, i) => ({
  id: `g${i}`,
  name: `g${i}`,
  run: "true",
  with: {},
  env: {},
  timeoutMs: 60_000,
  continueOnError: false,
  required: true,
  condition: "success",
  needs: [],
}));

Deno.bench("runGates 16 independent gates, jobs 1", async () => {
  await runGates(steps, { exec, repoRoot: ".", jobs: 1, view: "silent" });
});

Deno.bench("runGates 16 independent gates, jobs 4", async () => {
  await runGates(steps, { exec, repoRoot: ".", jobs: 4, view: "silent" });
});

const jest = Deno.readTextFileSync(
  new URL("../tests/fixtures/logs/js_jest_github.log", import.meta.url),
);
const big = Array.from({ length: 40 }, () => jest).join("\n");

Deno.bench("extractFailures on 40 jest reports (80 KB)", () => {
  extractFailures("test", big);
});
