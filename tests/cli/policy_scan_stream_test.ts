// `policy scan` on inputs large enough to be streamed: the CLI's JSON and
// SARIF output, from a file and from standard input, equal what the scan of
// the whole text gives.
import assert from "node:assert/strict";
import { lineTextOf } from "../../cli/policy.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { VERSION } from "../../core/version.ts";
import { loadPolicy } from "../../policies/engine.ts";
import { toSarif } from "../../policies/sarif.ts";
import { diffLines, joinLines, Rng, textLines } from "../policies/_scan_inputs.ts";

const CLI = new URL("../../cli/policy.ts", import.meta.url).pathname;
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function cli(args: string[], stdin?: string): Promise<{ code: number; out: string }> {
  // The JSON is data compared byte for byte: kept whole and unredacted.
  const big = { headBytes: 1 << 30, rawOutput: true, timeoutMs: 600_000 };
  const r = await exec.run(
    shellJoin(["deno", "run", "-A", CLI, ...args]) + " 2>/dev/null",
    stdin === undefined ? big : { ...big, stdin },
  );
  return { code: r.code, out: r.output };
}

/** About `mb` megabytes of lines (streamed: the CLI reads inputs under 4 MiB whole). */
function big(make: () => string[], mb: number): string {
  const r = new Rng(11);
  let s = "";
  while (s.length < mb * 1024 * 1024) s += joinLines(r, make(), "mixed");
  return s;
}

Deno.test("policy scan streams a large diff and text with the whole-text findings and SARIF", async () => {
  const r = new Rng(21);
  const dir = await Deno.makeTempDir();
  try {
    const engine = await loadPolicy({});
    const inputs = [
      { path: `${dir}/change.diff`, text: big(() => diffLines(r, 40, 6), 4.5) },
      { path: `${dir}/notes.md`, text: big(() => textLines(r, 200), 4.5) },
    ];
    for (const { path, text } of inputs) {
      await Deno.writeTextFile(path, text);
      const want = engine.scan(text, { filename: path });
      assert.ok(want.length > 100, `${path}: only ${want.length} findings`);
      const json = await cli(["scan", "--format", "json", path]);
      assert.equal(json.code, 3);
      assert.deepStrictEqual(JSON.parse(json.out).findings, want, path);
      const sarif = await cli(["scan", "--format", "sarif", path]);
      const lineText = await lineTextOf(text);
      assert.deepStrictEqual(
        JSON.parse(sarif.out),
        JSON.parse(JSON.stringify(toSarif(want, engine.policy.rules, VERSION, { lineText }))),
        path,
      );
    }
    // Standard input: the diff has no file name; spooled, then streamed.
    const diff = inputs[0]!.text;
    const piped = await cli(["scan", "--format", "json", "-"], diff);
    assert.deepStrictEqual(JSON.parse(piped.out).findings, engine.scan(diff));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
