// A script, not a `deno bench` file (it installs secretlint and takes a minute).
// Scan throughput on a generated 50 MB unified diff, against secretlint on
// the same input in the same run.
//
//   deno run -A bench/policy_scan_vs_secretlint.ts [--mb 50] [--runs 3] [--skip-secretlint]
//
// Each tool runs --runs times; the best and the median wall time are shown
// (shared CI machines are noisy), and the speed-up compares the medians.
//
// secretlint is installed from the npm registry into a temp folder under
// /tmp (npm install secretlint @secretlint/secretlint-rule-preset-recommend),
// so the benchmark runs on a fresh machine that reaches only the registry.
// Every process starts through the shell executor, judged by the engine.
import { parseArgs } from "node:util";
import { ShellExecutor, shellJoin } from "../core/exec.ts";
import { loadPolicy } from "../policies/engine.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    mb: { type: "string", default: "50" },
    runs: { type: "string", default: "3" },
    "skip-secretlint": { type: "boolean" },
  },
});
const targetBytes = Number(values.mb) * 1024 * 1024;

// Deterministic pseudo-random text so runs compare.
let seed = 42;
const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const tok = (n: number, alphabet = ALNUM) =>
  Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join("");

const CODE = [
  "  const result = await fetchUser(id, { retries: 3 });",
  "  if (!result.ok) throw new Error(`Request failed: ${result.status}`);",
  "  return items.filter((x) => x.enabled).map((x) => x.name);",
  'import { describe, it, expect } from "vitest";',
  "export function add(a: number, b: number): number {",
  '  logger.info("processing batch", { size: batch.length });',
  '  const rows = await pool.query("SELECT * FROM users WHERE id = $1", [id]);',
  "def handler(event, context):",
  '    return {"statusCode": 200, "body": json.dumps(payload)}',
  "}",
];
const SECRETS = [
  () => `const key = "AKIA${tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}";`,
  () => `GITHUB_TOKEN=ghp_${tok(36)}`,
  () => `  url: "postgres://app:${tok(16)}@db.internal:5432/app",`,
  () => `SLACK=xoxb-123456789012-1234567890123-${tok(24)}`,
  () => `-----BEGIN RSA PRIVATE KEY-----`,
];

function generateDiff(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  let file = 0;
  while (size < bytes) {
    const path = `src/module_${file++}/${["index.ts", "db.py", "util.js", "app.tsx"][rnd(4)]}`;
    const lines = [
      `diff --git a/${path} b/${path}`,
      `index 1111111..2222222 100644`,
      `--- a/${path}`,
      `+++ b/${path}`,
    ];
    let oldLine = 1 + rnd(200);
    for (let h = 0; h < 5; h++) {
      const body: string[] = [];
      let o = 0;
      let n = 0;
      for (let k = 0; k < 40; k++) {
        const kind = rnd(10);
        const text = rnd(2000) === 0
          ? SECRETS[rnd(SECRETS.length)]!()
          : CODE[rnd(CODE.length)]! + ` // ${tok(8)}`;
        if (kind < 5) {
          body.push(" " + text);
          o++;
          n++;
        } else if (kind < 8) {
          body.push("+" + text);
          n++;
        } else {
          body.push("-" + text);
          o++;
        }
      }
      lines.push(`@@ -${oldLine},${o} +${oldLine},${n} @@`, ...body);
      oldLine += o + 20;
    }
    const chunk = lines.join("\n") + "\n";
    parts.push(chunk);
    size += chunk.length;
  }
  return parts.join("");
}

const engine = await loadPolicy({});
const diff = generateDiff(targetBytes);
const mb = diff.length / 1024 / 1024;
console.log(`Generated diff: ${mb.toFixed(1)} MB, ${diff.split("\n").length} lines`);

engine.scan(diff.slice(0, 1_000_000)); // warm up the JIT
const runs = Math.max(1, Number(values.runs));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: number[]) => Math.min(...xs);
const show = (who: string, xs: number[], extra: string) =>
  console.log(
    `${who}: median ${median(xs).toFixed(2)} s (${(mb / median(xs)).toFixed(1)} MB/s), best ${
      best(xs).toFixed(2)
    } s (${(mb / best(xs)).toFixed(1)} MB/s), ${extra}`,
  );

let findings = engine.scan("");
const scanOnce = (): number => {
  const t0 = performance.now();
  findings = engine.scan(diff);
  return (performance.now() - t0) / 1000;
};

if (values["skip-secretlint"]) {
  const ours = Array.from({ length: runs }, scanOnce);
  show("fleet-orch scan", ours, `${findings.length} findings on added lines`);
} else {
  const exec = new ShellExecutor({ judge: (c) => engine.judgeCommand(c) });
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "secretlint-bench-" });
  await Deno.writeTextFile(`${dir}/input.diff`, diff);
  await Deno.writeTextFile(
    `${dir}/.secretlintrc.json`,
    JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }),
  );
  await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify({ name: "bench", private: true }));
  console.log(`Installing secretlint into ${dir} ...`);
  const inst = await exec.run(
    shellJoin([
      "npm",
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      "secretlint@13.0.6",
      "@secretlint/secretlint-rule-preset-recommend@13.1.0",
    ]),
    { cwd: dir, timeoutMs: 600_000 },
  );
  if (inst.code !== 0) {
    throw new Error(`npm install failed (${inst.code}): ${inst.output.slice(-2000)}`);
  }
  // Runs alternate (ours, theirs, ours, ...) so both see the same machine
  // load; the speed-up is the median of the per-pair ratios.
  const ours: number[] = [];
  const theirs: number[] = [];
  let code = 0;
  for (let k = 0; k < runs; k++) {
    ours.push(scanOnce());
    const t1 = performance.now();
    // "unix" prints one line per finding (json would echo the 50 MB input).
    const r = await exec.run(
      shellJoin([
        "node",
        "node_modules/secretlint/bin/secretlint.js",
        "--format",
        "unix",
        "--output",
        "out.txt",
        "input.diff",
      ]),
      { cwd: dir, timeoutMs: 3_600_000 },
    );
    theirs.push((performance.now() - t1) / 1000);
    code = r.code;
  }
  const report = await Deno.readTextFile(`${dir}/out.txt`).catch(() => "");
  const count = report.split("\n").filter((l) => /:\d+:\d+:/.test(l)).length;
  show("fleet-orch scan", ours, `${findings.length} findings on added lines`);
  show("secretlint     ", theirs, `${count} findings on all lines (exit ${code})`);
  const ratios = ours.map((o, k) => theirs[k]! / o);
  console.log(
    `Speed-up per pair: ${ratios.map((r) => r.toFixed(1)).join(", ")}; median ${
      median(ratios).toFixed(1)
    }x`,
  );
  await Deno.remove(dir, { recursive: true });
}
