/**
 * Benchmark of `fleet-orch logs extract` on a generated large CI log
 * (default 200 MB): GitHub-style timestamps, ANSI colours, `##[group]`
 * folds, carriage-return progress bars, very long minified lines, thousands
 * of passing tests, one real failure buried at a third of the log and the
 * usual summary at the end. The CLI runs as a subprocess under
 * `/usr/bin/time -v`, which reports wall time and peak RSS.
 *
 * Run: `deno run -A bench/logs_extract.ts [--mb 200] [--keep]`
 *
 * @module
 */

import { ShellExecutor } from "../core/exec.ts";

/** Write a synthetic log of about `mb` megabytes; returns the cause's line. */
export async function generateLog(path: string, mb: number): Promise<number> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const target = mb * 1024 * 1024;
  let bytes = 0;
  let line = 0;
  let causeLine = 0;
  let t = Date.UTC(2026, 2, 14, 9, 0, 0);
  const minified = "!function(e,t){var n={};function r(o){if(n[o])return n[o].exports;}}".repeat(
    60,
  );
  const lines: string[] = [];
  const flush = async () => {
    const data = enc.encode(lines.join(""));
    let off = 0;
    while (off < data.length) off += await file.write(data.subarray(off));
    bytes += data.length;
    lines.length = 0;
  };
  const emit = (text: string) => {
    t += Math.floor(rand() * 40);
    lines.push(`${new Date(t).toISOString().replace("Z", "0000Z")} ${text}\n`);
    line++;
  };
  while (bytes < target) {
    const r = rand();
    if (r < 0.002) emit(`##[group]Run npm run test:shard-${Math.floor(rand() * 40)}`);
    else if (r < 0.004) emit("##[endgroup]");
    else if (r < 0.01) {
      emit(Array.from({ length: 20 }, (_, i) => `Downloading ${i * 5}%`).join("\r"));
    } else if (r < 0.012) emit(`asset vendors.js ${minified}`);
    else if (r < 0.5) {
      emit(
        `\x1b[32m  ✓\x1b[39m \x1b[2mfleet ${Math.floor(rand() * 1e6)} handles case ${
          Math.floor(rand() * 1e4)
        } (${Math.floor(rand() * 30)} ms)\x1b[22m`,
      );
    } else if (r < 0.7) emit(`  compiling src/module_${Math.floor(rand() * 5000)}.ts`);
    else if (r < 0.75) emit(`npm warn deprecated pkg-${Math.floor(rand() * 900)}@1.0.0: old`);
    else emit(`[INFO] processed batch ${Math.floor(rand() * 1e6)} of telemetry frames in 12ms`);
    if (causeLine === 0 && bytes > target / 3) {
      emit("src/fleet/route-planner.ts(88,14): error TS2345: Argument of type 'Stop' is not");
      causeLine = line;
      emit("  assignable to parameter of type 'Waypoint'.");
    }
    if (lines.length >= 4096) await flush();
  }
  emit("Error: Process completed with exit code 2.");
  await flush();
  file.close();
  return causeLine;
}

if (import.meta.main) {
  const mbIndex = Deno.args.indexOf("--mb");
  const mb = mbIndex >= 0 ? Number(Deno.args[mbIndex + 1]) : 200;
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-bench-" });
  const log = `${dir}/big.log`;
  const cause = await generateLog(log, mb);
  const size = (await Deno.stat(log)).size;
  const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
  const cli = new URL("../cli/logs.ts", import.meta.url).pathname;
  // Warm the module cache so the timing is the extraction, not type checking.
  await exec.runArgv([Deno.execPath(), "cache", cli]);
  const r = await exec.runArgv([
    "/usr/bin/time",
    "-v",
    Deno.execPath(),
    "run",
    "-A",
    cli,
    "extract",
    "--json",
    log,
  ], { tailBytes: 1 << 20 });
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.output)?.[1]);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(
    r.output,
  );
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const cpu = Number(/User time \(seconds\): ([\d.]+)/.exec(r.output)?.[1]) +
    Number(/System time \(seconds\): ([\d.]+)/.exec(r.output)?.[1]);
  const json = JSON.parse(r.output.slice(r.output.indexOf("{"), r.output.lastIndexOf("}") + 1));
  const best = json.chunks[0];
  console.log(`log: ${(size / 1048576).toFixed(1)} MiB, cause at line ${cause}`);
  console.log(
    `exit code: ${r.code}; best chunk: lines ${best?.start}-${best?.end} (${best?.kind})`,
  );
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
  console.log(`wall time: ${seconds.toFixed(2)} s (load average ${load})`);
  console.log(`CPU time (user + sys): ${cpu.toFixed(2)} s`);
  console.log(
    `throughput: ${(size / 1048576 / seconds).toFixed(1)} MiB/s wall, ${
      (size / 1048576 / cpu).toFixed(1)
    } MiB/s per CPU second`,
  );
  console.log(`peak RSS: ${(rssKb / 1024).toFixed(1)} MiB`);
  if (!Deno.args.includes("--keep")) await Deno.remove(dir, { recursive: true });
  else console.log(`kept: ${log}`);
}
