/**
 * `deno task bench`: extraction speed on keyword-heavy logs (a 10 MB test
 * log whose passing tests are named after errors, and one with no pass
 * markers at all) against `grep -n -iE 'error|fail'` on the same file. The
 * 50 MB figure and its ratio: `deno run -A bench/logs_keyword.ts [--plain]`.
 *
 * @module
 */

import { ShellExecutor, shellQuote } from "../core/exec.ts";
import { extractChunksFromStream } from "../gates/extract.ts";
import { generateKeywordLog } from "./logs_keyword.ts";

const dir = await Deno.makeTempDir({ prefix: "fleet-orch-bench-kw-" });
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

for (const plain of [false, true]) {
  const log = `${dir}/kw-${plain ? "plain" : "tests"}.log`;
  await generateKeywordLog(log, 10, plain);
  const group = plain ? "keyword log, no pass markers (10 MB)" : "keyword test log (10 MB)";
  Deno.bench({
    name: "grep -n -iE 'error|fail'",
    group,
    baseline: true,
    async fn() {
      await exec.run(`grep -n -iE 'error|fail' ${shellQuote(log)} > ${shellQuote(`${log}.grep`)}`);
    },
  });
  Deno.bench({
    name: "logs extract (in process)",
    group,
    async fn() {
      const file = await Deno.open(log);
      await extractChunksFromStream(file.readable);
    },
  });
}

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
