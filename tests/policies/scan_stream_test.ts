// The streaming scan against the whole-text scan: for every input, with
// small windows and caps that put line and chunk boundaries everywhere, the
// findings must be deeply equal (same findings, same order).
import assert from "node:assert/strict";
import { type Finding, loadPolicy, type PolicyEngine } from "../../policies/engine.ts";
import { scanText } from "../../policies/scan.ts";
import { scanSource, type StreamScanOptions } from "../../policies/scan_stream.ts";
import { allInputs, diffLines, type Input, joinLines, Rng, textLines } from "./_scan_inputs.ts";

const engine = await loadPolicy({});

/** What the whole-text scan gives, reading the bytes as `policy scan` always did. */
function reference(e: PolicyEngine, input: Input, stripBom: boolean): Finding[] {
  const text = new TextDecoder("utf-8", { ignoreBOM: !stripBom }).decode(input.bytes);
  return scanText(e, text, input.filename ? { filename: input.filename } : {});
}

async function compare(
  input: Input,
  settings: StreamScanOptions[],
  stripBom = false,
): Promise<Set<string>> {
  const path = await Deno.makeTempFile();
  const modes = new Set<string>();
  try {
    await Deno.writeFile(path, input.bytes);
    const want = reference(engine, input, stripBom);
    for (const s of settings) {
      const got = await scanSource(engine, { path, stripBom }, {
        ...s,
        ...(input.filename ? { filename: input.filename } : {}),
      });
      modes.add(got.mode);
      assert.deepStrictEqual(got.findings, want, `${input.name} with ${JSON.stringify(s)}`);
    }
  } finally {
    await Deno.remove(path);
  }
  return modes;
}

const SMALL: StreamScanOptions[] = [
  { wholeBelow: 0, chunkChars: 1, marginChars: 256, fileCap: 1 },
  { wholeBelow: 0, chunkChars: 97, marginChars: 300, fileCap: 700 },
  { wholeBelow: 0, chunkChars: 4096, marginChars: 1024, fileCap: 1 << 20 },
  {}, // the defaults: small inputs are read whole
];

Deno.test("scanSource finds what scan finds on every generated and corpus input", async () => {
  const inputs = allInputs();
  const seen = new Set<string>();
  let findings = 0;
  for (const input of inputs) {
    for (const m of await compare(input, SMALL)) seen.add(m);
    findings += reference(engine, input, false).length;
  }
  // The comparison covered every way of reading, on inputs with plenty to find.
  assert.deepStrictEqual([...seen].sort(), ["diff", "plain", "whole"]);
  assert.ok(findings > 500, `only ${findings} findings`);
});

Deno.test("scanSource drops a byte order mark only when asked (standard input)", async () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf]);
  const body = new TextEncoder().encode("\u200Bx = 1\nconst a\u200Bb = 2;\n");
  const bytes = new Uint8Array([...bom, ...body]);
  for (const stripBom of [false, true]) {
    await compare({ name: `bom ${stripBom}`, bytes }, SMALL, stripBom);
  }
});

Deno.test("scanSource matches at every window boundary of a text and a diff", async () => {
  // Chunk sizes 1..60 move the commit point across every line of the input.
  const r = new Rng(99);
  // What reads across lines: a pattern over blank lines, a query call whose
  // plain-string argument comes lines later, a key block, joined literals.
  const across = [
    "  prevent_destroy",
    "",
    "   =",
    "  false",
    "await db.query(",
    "",
    '  "SELECT 1",',
    ");",
    "db.query(",
    "  sql + id);",
    "-----BEGIN EC PRIVATE KEY-----",
    r.tok(60),
    "-----END EC PRIVATE KEY-----",
    `const a = "ghp_${r.tok(10)}" +`,
    `  "${r.tok(26)}";`,
  ];
  const mixed = [...textLines(r, 10), ...across, ...textLines(r, 10), ...across, ...across];
  const text = joinLines(r, mixed, "mixed");
  const diff = joinLines(
    r,
    [
      ...diffLines(r, 6, 4),
      "--- a/src/q.ts",
      "+++ b/src/q.ts",
      `@@ -1,1 +1,${mixed.length} @@`,
      ...mixed.map((l) => "+" + l),
      "--- a/infra/main.tf",
      "+++ b/infra/main.tf",
      `@@ -1,1 +1,${mixed.length} @@`,
      ...mixed.map((l) => "+" + l),
      ...diffLines(r, 6, 4),
    ],
    "mixed",
  );
  const sweep = Array.from({ length: 60 }, (_, i) => ({
    wholeBelow: 0,
    chunkChars: i + 1,
    marginChars: 200,
    fileCap: 1 + i * 37,
  }));
  const enc = new TextEncoder();
  assert.deepStrictEqual(
    [
      ...await compare(
        { name: "sweep text", bytes: enc.encode(text), filename: "infra/main.tf" },
        sweep,
      ),
    ],
    ["plain"],
  );
  assert.deepStrictEqual(
    [...await compare({ name: "sweep diff", bytes: enc.encode(diff) }, sweep)],
    ["diff"],
  );
});

Deno.test("scanSource puts a secret exactly at each chunk boundary", async () => {
  // One secret line between filler lines; the window steps by one filler
  // line, so the secret sits before, at and after every commit point.
  const r = new Rng(5);
  const filler = Array.from({ length: 30 }, (_, i) => `line ${i} ${r.tok(8)}`);
  for (let at = 0; at <= filler.length; at += 3) {
    const lines = [...filler];
    lines.splice(at, 0, `GITHUB_TOKEN=ghp_${r.tok(36)}`, "  prevent_destroy", "  = false");
    const text = lines.join("\n") + "\n";
    const sweep = [10, 14, 15, 16, 17, 18, 30].map((chunkChars) => ({
      wholeBelow: 0,
      chunkChars,
      marginChars: 40,
    }));
    await compare({ name: `secret at ${at}`, bytes: new TextEncoder().encode(text) }, sweep);
  }
});
