/**
 * Startup benchmark: median wall time of `deno run -A main.ts --version` over
 * 20 runs, spawned through the ShellExecutor (the only way fleet-orch starts
 * processes). The executor's own cost (its bash supervisor) is measured with
 * `true` and reported, so the figure for fleet-orch can be read net of it.
 *
 * Run: deno run -A bench/startup.ts [runs]
 *
 * The target is <= 80 ms median for `--version`.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../core/exec.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

/**
 * Median of a list of numbers.
 *
 * @param xs The numbers (not empty).
 * @returns The median.
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** One measured command: wall time of the whole spawn, and the command's own real/CPU time. */
interface Sample {
  spawnMs: number;
  realMs: number;
  cpuMs: number;
}

async function sample(commandLine: string): Promise<Sample> {
  // bash's `time` reports the command's own real and CPU time, without the
  // executor's supervisor; CPU time is what other load on the machine
  // disturbs least.
  const timed = `TIMEFORMAT='%3R %3U %3S'; { time ${commandLine} >/dev/null 2>&1; } 2>&1`;
  const t = performance.now();
  const r = await exec.run(timed);
  const spawnMs = performance.now() - t;
  const [real, user, sys] = r.output.trim().split("\n").pop()!.split(" ").map(Number);
  if (r.code !== 0 || real === undefined || Number.isNaN(real)) {
    throw new Error(`"${commandLine}" failed: ${r.output}`);
  }
  return { spawnMs, realMs: real * 1000, cpuMs: (user! + sys!) * 1000 };
}

async function measure(label: string, commandLine: string, runs: number): Promise<Sample> {
  // One warm-up run fills deno's module cache, as on any machine after install.
  await sample(commandLine);
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await sample(commandLine));
  const m = {
    spawnMs: median(samples.map((s) => s.spawnMs)),
    realMs: median(samples.map((s) => s.realMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
  };
  const f = (n: number) => n.toFixed(1).padStart(6);
  console.log(
    `${label.padEnd(46)} median: spawned ${f(m.spawnMs)} ms  own ${f(m.realMs)} ms  cpu ${
      f(m.cpuMs)
    } ms  (${runs} runs)`,
  );
  return m;
}

if (import.meta.main) {
  const runs = Number(Deno.args[0] ?? 20);
  const deno = Deno.execPath();
  const variants: [string, string[]][] = [
    ["deno, empty program", ["eval", "0"]],
    ["deno run -A main.ts --version", ["run", "-A", MAIN, "--version"]],
    ["deno run -A --no-check main.ts --version", ["run", "-A", "--no-check", MAIN, "--version"]],
    ["deno run -A --no-config main.ts --version", ["run", "-A", "--no-config", MAIN, "--version"]],
    ["deno run -A main.ts --help", ["run", "-A", MAIN, "--help"]],
  ];
  console.log(`load average before: ${Deno.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
  const results = new Map<string, Sample>();
  for (const [label, args] of variants) {
    results.set(label, await measure(label, shellJoin([deno, ...args]), runs));
  }
  console.log(`load average after:  ${Deno.loadavg().map((n) => n.toFixed(2)).join(" ")}`);
  const v = results.get("deno run -A main.ts --version")!;
  console.log(
    `\n--version: ${v.spawnMs.toFixed(1)} ms median spawned through the executor, ${
      v.realMs.toFixed(1)
    } ms the process itself; target <= 80 ms: ${v.spawnMs <= 80 ? "met" : "NOT met"}`,
  );
}
