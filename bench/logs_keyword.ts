/**
 * Extraction speed on a keyword-heavy log: a 50 MB test log whose passing
 * test names mostly contain "error" or "fail" (the worst case for an
 * extractor that examines every line with a keyword), with one real failure.
 * Compares `fleet-orch logs extract` with `grep -n -iE 'error|fail'` on the
 * same file and prints the ratio (target: at most 8x).
 *
 * Run: `deno run -A bench/logs_keyword.ts [--mb 50] [--plain]` (`--plain`: no
 * pass markers, so every keyword line is cleaned and scored: the worst case).
 *
 * @module
 */

import { ShellExecutor, shellQuote } from "../core/exec.ts";

/**
 * Write a keyword-heavy test log of about `mb` megabytes.
 *
 * @param path Where.
 * @param mb Size in megabytes.
 * @returns The 1-based line of the real failure.
 */
export async function generateKeywordLog(
  path: string,
  mb: number,
  plain = false,
): Promise<number> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const target = mb * 1024 * 1024;
  const words = ["error handling", "fail-safe mode", "errors list", "failover", "error codes"];
  let bytes = 0;
  let line = 0;
  let cause = 0;
  const lines: string[] = [];
  const flush = async () => {
    const data = enc.encode(lines.join(""));
    let off = 0;
    while (off < data.length) off += await file.write(data.subarray(off));
    bytes += data.length;
    lines.length = 0;
  };
  while (bytes < target) {
    const w = words[Math.floor(rand() * words.length)]!;
    const n = Math.floor(rand() * 1e6);
    const r = rand();
    // --plain: no pass markers at all, every line goes through the scorer.
    lines.push(
      plain
        ? `[INFO] worker ${n % 64} applied ${w} policy to request ${n}\n`
        : r < 0.8
        ? `  ✔ handles ${w} for request ${n} (${Math.floor(rand() * 30)}.${n % 10}ms)\n`
        : `ok ${n} - reports ${w} in module_${n % 500}\n`,
    );
    line++;
    if (cause === 0 && bytes > target / 2) {
      lines.push(
        "  ✖ computes the efficiency ratio (2.1ms)\n",
        "    AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n",
        "    40 !== 2.5\n",
        "        at TestContext.<anonymous> (file:///repo/test/efficiency.test.js:6:10)\n",
      );
      line += 4;
      cause = line - 2;
    }
    if (lines.length >= 4096) await flush();
  }
  lines.push("# fail 1\n");
  await flush();
  file.close();
  return cause;
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--mb");
  const mb = i >= 0 ? Number(Deno.args[i + 1]) : 50;
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-bench-kw-" });
  const log = `${dir}/kw.log`;
  const cause = await generateKeywordLog(log, mb, Deno.args.includes("--plain"));
  const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
  const cli = new URL("../main.ts", import.meta.url).pathname;
  const time = async (cmd: string) => {
    let best = Infinity;
    let out = "";
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const r = await exec.run(cmd, { timeoutMs: 600_000 });
      best = Math.min(best, performance.now() - t0);
      out = r.output;
    }
    return { ms: best, out };
  };
  // Output to a file: GNU grep stops at the first match when it writes to /dev/null.
  const grep = await time(
    `grep -n -iE 'error|fail' ${shellQuote(log)} > ${shellQuote(`${dir}/grep.out`)}`,
  );
  const ours = await time(
    `${shellQuote(Deno.execPath())} run -A ${shellQuote(cli)} logs extract --json ${
      shellQuote(log)
    }`,
  );
  const found = (JSON.parse(ours.out.slice(ours.out.indexOf("{"))) as {
    chunks: { start: number; end: number }[];
  }).chunks.some((c) => c.start <= cause && cause <= c.end);
  const size = (await Deno.stat(log)).size;
  console.log(
    `keyword-heavy log: ${(size / 1048576).toFixed(1)} MB; grep -n -iE 'error|fail': ${
      grep.ms.toFixed(0)
    } ms; logs extract: ${ours.ms.toFixed(0)} ms; ratio ${(ours.ms / grep.ms).toFixed(1)}x; ` +
      `failure found: ${found}`,
  );
  await Deno.remove(dir, { recursive: true });
}
