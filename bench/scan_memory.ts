/**
 * `policy scan` memory and speed on generated inputs: a unified diff and a
 * plain text file of --mb megabytes each (50 by default), with secrets
 * scattered through them, long lines and CRLF line ends. The CLI runs as a
 * subprocess, through the shell executor, under `/usr/bin/time -f %M`
 * (GNU time; `apt-get install time`), which reports the process's peak
 * resident set size. Reported per input: peak RSS, its ratio to the input
 * size (target <= 2x), the wall time and MB/s, and the findings count; the
 * peak RSS of a Deno hello-world measured in the same run is shown as the
 * runtime's own floor.
 *
 * Run: deno run -A bench/scan_memory.ts [--mb 50] [--kinds diff,text|all] [--runs N]
 *
 * Kinds: `diff` (new files of 200 added lines), `text`, `diff-edits`
 * (changed files: hunks of context, removed and added lines),
 * `diff-one-file` (one file section as large as the input), `diff-sql`
 * (code with query calls whose argument is built, which the SQL check
 * reads whole). With --runs N each input is scanned N times and the
 * median and worst peak are shown.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../core/exec.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const TIME = "/usr/bin/time";

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
  '  logger.info("processing batch", { size: batch.length });',
  "def handler(event, context):",
  "}",
];
const SECRETS = [
  () => `const key = "AKIA${tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}";`,
  () => `GITHUB_TOKEN=ghp_${tok(36)}`,
  () => `SLACK=xoxb-123456789012-1234567890123-${tok(24)}`,
];

/** One line of text: mostly code, now and then a secret or a long line. */
function line(): string {
  const r = rnd(4000);
  if (r === 0) return SECRETS[rnd(SECRETS.length)]!();
  if (r === 1) return `const blob = "${tok(20_000)}";`;
  return CODE[rnd(CODE.length)]! + ` // ${tok(8)}`;
}

/** Kinds of input: a text, and diffs of several shapes. */
type Kind = "text" | "diff" | "diff-edits" | "diff-one-file" | "diff-sql";
const KINDS: readonly Kind[] = ["diff", "text", "diff-edits", "diff-one-file", "diff-sql"];

/** A query call with a built argument (the SQL check then reads the whole file). */
const sqlCall = () =>
  `  await db.query("SELECT * FROM users WHERE id = " + req.params.id${rnd(9)});`;

/** One file section of a diff in the given shape. */
function section(n: number, kind: Kind, eol: string): string {
  const p = `src/module_${n}/${["index.ts", "db.py", "util.js", "notes.txt"][rnd(4)]}`;
  const head = [`diff --git a/${p} b/${p}`];
  if (kind === "diff-edits") {
    // A changed file: hunks of context, removed and added lines.
    const hunks: string[] = [];
    let at = 1;
    for (let h = 0; h < 20; h++) {
      at += 7 + rnd(40);
      const body = [
        ...Array.from({ length: 3 }, () => " " + line()),
        ...Array.from({ length: 2 }, () => "-" + line()),
        ...Array.from({ length: 3 }, () => "+" + line()),
        ...Array.from({ length: 3 }, () => " " + line()),
      ];
      hunks.push(`@@ -${at},8 +${at + h},9 @@`, ...body);
    }
    return [...head, "index 1111111..2222222 100644", `--- a/${p}`, `+++ b/${p}`, ...hunks].join(
      eol,
    ) +
      eol;
  }
  const body = Array.from(
    { length: 200 },
    (_, i) => "+" + (kind === "diff-sql" && i % 40 === 7 ? sqlCall() : line()),
  );
  return [
    ...head,
    "new file mode 100644",
    "index 0000000..2222222",
    "--- /dev/null",
    `+++ b/${p}`,
    `@@ -0,0 +1,${body.length} @@`,
    ...body,
  ].join(eol) + eol;
}

/** Write a generated input of about `bytes` bytes, in pieces, and return its size. */
async function generate(path: string, bytes: number, kind: Kind): Promise<number> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const writer = file.writable.getWriter();
  const enc = new TextEncoder();
  let size = 0;
  let n = 0;
  try {
    while (size < bytes) {
      const eol = n % 7 === 0 ? "\r\n" : "\n"; // some files (or stretches) use CRLF
      let piece: string;
      if (kind === "text") piece = Array.from({ length: 200 }, line).join(eol) + eol;
      else if (kind === "diff-one-file") {
        // One file section as large as the input: a header first, then lines.
        const body = Array.from({ length: 200 }, () => "+" + line()).join("\n") + "\n";
        piece = n === 0
          ? `diff --git a/big.ts b/big.ts\nnew file mode 100644\n--- /dev/null\n+++ b/big.ts\n@@ -0,0 +1,99999999 @@\n${body}`
          : body;
      } else piece = section(n, kind, eol);
      const data = enc.encode(piece);
      await writer.write(data);
      size += data.length;
      n++;
    }
  } finally {
    await writer.close();
  }
  return size;
}

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

/** Peak RSS (MB) and wall time (s) of one command, with its own output's size. */
async function measure(argv: string[]): Promise<{ peakMb: number; seconds: number; out: string }> {
  const t = performance.now();
  let out = "";
  const r = await exec.run(`${shellJoin([TIME, "-f", "PEAK_RSS_KB=%M", ...argv])} 2>&1`, {
    onOutput: (s) => out += s,
    timeoutMs: 1_800_000,
  });
  const seconds = (performance.now() - t) / 1000;
  const m = /PEAK_RSS_KB=(\d+)/.exec(out);
  if (!m) throw new Error(`no peak RSS in the output (exit ${r.code}): ${out.slice(-500)}`);
  return { peakMb: Number(m[1]) / 1024, seconds, out };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { mb: { type: "string" }, kinds: { type: "string" }, runs: { type: "string" } },
  });
  const kinds = (values.kinds === "all" ? KINDS.join(",") : values.kinds ?? "diff,text")
    .split(",") as Kind[];
  for (const k of kinds) {
    if (!KINDS.includes(k)) {
      console.error(`--kinds: unknown kind "${k}" (${KINDS.join(", ")}, or all)`);
      Deno.exit(2);
    }
  }
  const runs = Math.max(1, Number(values.runs ?? 1));
  const targetMb = Number(values.mb ?? 50);
  try {
    await Deno.stat(TIME);
  } catch {
    console.error(`${TIME} is missing: apt-get install time`);
    Deno.exit(2);
  }
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-scan-bench-" });
  try {
    const hello = `${dir}/hello.ts`;
    await Deno.writeTextFile(hello, `console.log("hello world");\n`);
    const floor = await measure([Deno.execPath(), "run", hello]);
    console.log(`deno hello-world peak RSS ${floor.peakMb.toFixed(1)} MB (the runtime's floor)`);
    for (const kind of kinds) {
      const path = `${dir}/input.${kind === "text" ? "txt" : "diff"}`;
      const bytes = await generate(path, targetMb * 1024 * 1024, kind);
      const inputMb = bytes / 1024 / 1024;
      // Several runs: the peak depends on when V8 collects, so report the spread.
      const peaks: number[] = [];
      let last: { seconds: number; findings: number } | null = null;
      for (let i = 0; i < runs; i++) {
        const r = await measure([
          Deno.execPath(),
          "run",
          "-A",
          MAIN,
          "policy",
          "scan",
          "--format",
          "json",
          path,
        ]);
        const json = r.out.slice(r.out.indexOf("{"), r.out.lastIndexOf("}") + 1);
        const findings = (JSON.parse(json) as { findings: unknown[] }).findings.length;
        peaks.push(r.peakMb);
        last = { seconds: r.seconds, findings };
      }
      peaks.sort((a, b) => a - b);
      const worst = peaks[peaks.length - 1]!;
      const median = peaks[Math.floor((peaks.length - 1) / 2)]!;
      console.log(
        `${kind.padEnd(13)} ${inputMb.toFixed(1)} MB: peak RSS ${
          runs > 1 ? `median ${median.toFixed(1)}, worst ` : ""
        }${worst.toFixed(1)} MB = ${
          (worst / inputMb).toFixed(2)
        }x input (target <= 2x; ${runs} run${runs > 1 ? "s" : ""}), ${
          last!.seconds.toFixed(1)
        } s = ${(inputMb / last!.seconds).toFixed(1)} MB/s, ${last!.findings} findings`,
      );
      await Deno.remove(path);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
