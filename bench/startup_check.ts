/**
 * `check`'s fixed cost: `fleet-orch check --json` on a fresh repository with
 * one trivial gate (`true`), against a Deno hello-world in the same run.
 * The fixed cost is the wall time of the whole `check` process minus the
 * gate's own time (its durationMs in the JSON): start-up, config and policy
 * loading, the executor, the run folder and the logs. Target: at most 150 ms.
 * Every process starts through the shell executor; each figure is the
 * median of interleaved rounds, with the best shown too (shared machines
 * are noisy).
 *
 * Run: deno run -A bench/startup_check.ts [runs]
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../core/exec.ts";
import { median } from "./startup.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

const CONFIG = `quality_gates:
  trivial:
    command: "true"
    timeout: 30
`;

/** Wall time (ms) of one command and its stdout. */
async function timed(argv: string[], cwd: string): Promise<{ ms: number; stdout: string }> {
  let stdout = "";
  const t = performance.now();
  const r = await exec.run(`${shellJoin(argv)} 2>/dev/null`, { cwd, onOutput: (s) => stdout += s });
  const ms = performance.now() - t;
  if (r.code !== 0) throw new Error(`${argv.join(" ")} failed (${r.code}): ${r.output}`);
  return { ms, stdout };
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 15);
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-check-bench-" }));
  try {
    await Deno.writeTextFile(`${dir}/fleet-orch.yaml`, CONFIG);
    await Deno.writeTextFile(`${dir}/hello.ts`, `console.log("hello world");\n`);
    const init = await exec.run(
      "git init -q -b main && git add -A && " +
        "git -c user.name=bench -c user.email=bench@example.invalid commit -q -m init",
      { cwd: dir },
    );
    if (init.code !== 0) throw new Error(`Cannot make the bench repository: ${init.output}`);
    const deno = Deno.execPath();
    const hello = [deno, "run", `${dir}/hello.ts`];
    const check = [deno, "run", "-A", MAIN, "check", "--json", "--report-dir", `${dir}/.runs`];
    // Warm-up: fills deno's module cache, as on any machine after install.
    await timed(hello, dir);
    await timed(check, dir);
    const helloMs: number[] = [];
    const checkMs: number[] = [];
    const overheadMs: number[] = [];
    const gateMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      helloMs.push((await timed(hello, dir)).ms);
      const c = await timed(check, dir);
      const json = JSON.parse(c.stdout.slice(c.stdout.indexOf("{"))) as {
        gates: { durationMs: number }[];
      };
      const gates = json.gates.reduce((s, g) => s + g.durationMs, 0);
      checkMs.push(c.ms);
      gateMs.push(gates);
      overheadMs.push(c.ms - gates);
      await Deno.remove(`${dir}/.runs`, { recursive: true }).catch(() => {});
    }
    const f = (xs: number[]) =>
      `median ${median(xs).toFixed(1).padStart(6)} ms, best ${Math.min(...xs).toFixed(1)} ms`;
    console.log(`load average: ${Deno.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
    console.log(`deno run hello.ts             ${f(helloMs)}`);
    console.log(`fleet-orch check (one 'true')  ${f(checkMs)}`);
    console.log(`  the gate's own time          ${f(gateMs)}`);
    console.log(`  check's fixed cost           ${f(overheadMs)}`);
    const m = median(overheadMs);
    console.log(
      `\ncheck adds ${m.toFixed(0)} ms to its gate's own time (${
        (median(checkMs) / median(helloMs)).toFixed(2)
      }x hello-world); target <= 150 ms: ${m <= 150 ? "met" : "NOT met"}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
