/**
 * Overhead of the fix loop itself: one iteration with instant gates (`grep`
 * on a file the patch changes) and instant model replies (the fake
 * OpenAI-compatible server on 127.0.0.1), measured in-process with
 * runOrchestration. What remains is fleet-orch's own cost per iteration:
 * prompt building and token counting, two HTTP round trips, the policy scan,
 * the tolerant apply, the commit, and two gate re-runs (failing gates, then
 * all) through the policy-judged executor.
 *
 * Run: deno run -A bench/loop_bench.ts [--samples N]
 * (or `deno bench -A bench/loop_bench.ts` for the whole run only).
 *
 * Prints, over N fresh repositories (after one warm-up run), the median and
 * the worst of: the iteration (the report's durationMs), its phases (told by
 * the timestamps of the orchestrator's own log lines), and the whole run.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { ShellExecutor } from "../core/exec.ts";
import { runOrchestration } from "../orchestrator/loop.ts";
import { startFakeOpenAi } from "../tests/fakes/openai_server.ts";

const GATE = "grep -q '^fixed$' value.txt";
const CONFIG = `agents:
  orchestrator:
    max_iterations: 3
  codex:
    provider: openai
    model: gpt-4o
    max_retries: 0
  jules:
    provider: openai
    model: gpt-4o
    max_retries: 0
quality_gates:
  value:
    command: ${JSON.stringify(GATE)}
    timeout: 30
report:
  formats: [json]
`;
const FIX = "Summary: value.txt must say fixed\n\n```diff\n--- a/value.txt\n+++ b/value.txt\n" +
  "@@ -1 +1 @@\n-broken\n+fixed\n```\n";
const APPROVE = '{"verdict": "approve", "reasons": ["ok"]}';

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function makeRepo(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-loop-bench-" }));
  await Deno.writeTextFile(`${dir}/value.txt`, "broken\n");
  await Deno.writeTextFile(`${dir}/fleet-orch.yaml`, CONFIG);
  const r = await exec.run(
    "git init -q -b main && git add -A && " +
      "git -c user.name=bench -c user.email=bench@example.invalid commit -q -m init",
    { cwd: dir },
  );
  if (r.code !== 0) throw new Error(`Cannot make the bench repository: ${r.output}`);
  return dir;
}

/** Phases of one run, in milliseconds. */
interface Sample {
  run: number;
  preflight: number;
  baseline: number;
  iteration: number;
  fixer: number;
  reviewer: number;
  proposeReview: number;
  applyCommitRerun: number;
  rerunGates: number;
  reports: number;
}

async function sample(timer?: Deno.BenchContext): Promise<Sample> {
  const repo = await makeRepo();
  const fake = await startFakeOpenAi([FIX, APPROVE]);
  const marks: [number, string][] = [];
  timer?.start();
  const t0 = performance.now();
  try {
    const result = await runOrchestration({
      repo,
      view: "silent",
      env: { ...Deno.env.toObject(), OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-bench" },
      write: (line) => marks.push([performance.now(), line]),
    });
    const end = performance.now();
    timer?.end();
    const r = result.report;
    if (r.stopReason !== "success" || r.iterations.length !== 1) {
      throw new Error(`Unexpected run: ${r.stopReason} after ${r.iterations.length} iteration(s)`);
    }
    const at = (re: RegExp) => {
      const m = marks.find(([, l]) => re.test(l));
      if (!m) throw new Error(`No log line ${re} in:\n${marks.map(([, l]) => l).join("\n")}`);
      return m[0];
    };
    const gatesStart = at(/Running the quality gates/);
    const itStart = at(/Iteration 1\//);
    const proposal = at(/Proposal from/);
    const stopped = at(/Stopped:/);
    const it = r.iterations[0]!;
    const latency = (i: number) => it.calls[i]?.latencyMs ?? 0;
    return {
      run: end - t0,
      preflight: gatesStart - t0,
      baseline: itStart - gatesStart,
      iteration: it.durationMs,
      fixer: latency(0),
      reviewer: latency(1),
      proposeReview: proposal - itStart,
      applyCommitRerun: it.durationMs - (proposal - itStart),
      rerunGates: it.gates.reduce((a, g) => a + (g.durationMs ?? 0), 0),
      reports: stopped - (itStart + it.durationMs),
    };
  } finally {
    await fake.close();
    await Deno.remove(repo, { recursive: true });
  }
}

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)]!;
  return `median ${med.toFixed(0).padStart(4)} ms   max ${
    s[s.length - 1]!.toFixed(0).padStart(4)
  } ms`;
}

if (!import.meta.main) {
  // `deno bench`: the whole run around one iteration (the script mode splits it up).
  Deno.bench({
    name: "fleet-orch run in-process: preflight, baseline gates, one fix iteration, reports",
    n: 20,
    warmup: 2,
    async fn(b) {
      await sample(b);
    },
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { samples: { type: "string" } } });
  const n = Number(values.samples ?? 10);
  const warm = await sample();
  console.log(
    `warm-up run (module and tokenizer loading included): iteration ${
      warm.iteration.toFixed(0)
    } ms, run ${warm.run.toFixed(0)} ms`,
  );
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push(await sample());
  const rows: [keyof Sample, string][] = [
    ["iteration", "one loop iteration (report durationMs)"],
    ["proposeReview", "  fixer + reviewer (prompt, 2 HTTP calls, policy scan)"],
    ["fixer", "    fixer call latency"],
    ["reviewer", "    reviewer call latency"],
    ["applyCommitRerun", "  apply + commit + gate re-runs"],
    ["rerunGates", "    gate processes (failing, then all)"],
    ["preflight", "preflight (config, policy, lock, backup branch, worktree)"],
    ["baseline", "baseline gates + model setup"],
    ["reports", "worktree removal + reports"],
    ["run", "whole run in-process"],
  ];
  console.log(`fleet-orch loop overhead, ${n} runs, instant gate "${GATE}", fake model`);
  for (const [k, label] of rows) {
    console.log(`${label.padEnd(60)} ${stats(samples.map((s) => s[k]))}`);
  }
}
