import assert from "node:assert/strict";
import { allowAll, inTempDir } from "./_helpers.ts";

const exec = allowAll();
const CLI = new URL("../../cli/logs.ts", import.meta.url).pathname;
const LOG = new URL("../fixtures/logs/js_tsc_github.log", import.meta.url).pathname;

Deno.test("logs extract --json prints the chunk with 1-based inclusive lines", async () => {
  const r = await exec.runArgv([Deno.execPath(), "run", "-A", CLI, "extract", "--json", LOG]);
  assert.equal(r.code, 0, r.output);
  const doc = JSON.parse(r.output);
  assert.deepEqual(Object.keys(doc), ["chunks"]);
  const [c] = doc.chunks;
  assert.deepEqual(Object.keys(c).sort(), ["end", "kind", "start", "text"]);
  assert.deepEqual([c.start, c.end, c.kind], [49, 52, "compile"]);
  const lines = Deno.readTextFileSync(LOG).split("\n");
  assert.match(lines[48]!, /error TS2322/);
  assert.match(c.text, /^src\/api\/vehicles\.ts\(42,7\): error TS2322/);
});

Deno.test("logs extract reads stdin and exits 1 when nothing is found", async () => {
  const r = await exec.runArgv([Deno.execPath(), "run", "-A", CLI, "extract", "--json", "-"], {
    stdin: "all good\n3 passed\n",
  });
  assert.equal(r.code, 1);
  assert.match(r.output, /"chunks": \[\]/);
});

Deno.test("logs extract exits 2 on usage errors", async () => {
  await inTempDir(async (dir) => {
    for (
      const args of [["extract"], ["extract", `${dir}/missing.log`], ["nope"], ["extract", "--bad"]]
    ) {
      const r = await exec.runArgv([Deno.execPath(), "run", "-A", CLI, ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.output}`);
    }
  });
});
