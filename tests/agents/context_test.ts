import assert from "node:assert/strict";
import { loadTokenCounter, truncateMiddle } from "../../agents/budget.ts";
import { focusPoints, relativePath, renderRepoMap, renderWindows } from "../../agents/context.ts";
import type { Failure } from "../../core/types.ts";

const failure = (over: Partial<Failure>): Failure => ({
  gate: "test",
  tool: "tsc",
  message: "Type error",
  excerpt: "",
  fingerprint: crypto.randomUUID(),
  ...over,
});

Deno.test("relativePath strips the root, ./ and backslashes and refuses outside paths", () => {
  assert.equal(relativePath("/r/repo", "/r/repo/src/a.ts"), "src/a.ts");
  assert.equal(relativePath("/r/repo/", "./src/a.ts"), "src/a.ts");
  assert.equal(relativePath("C:\\w", "C:\\w\\src\\a.ts"), "src/a.ts");
  assert.equal(relativePath("/r/repo", "/etc/passwd"), null);
  assert.equal(relativePath("/r/repo", "../x.ts"), null);
});

Deno.test("focusPoints ranks failure files first and picks up known path:line mentions", () => {
  const known = new Set(["src/a.ts", "src/b.ts", "test/a_test.ts"]);
  const points = focusPoints(
    "/repo",
    [
      failure({ file: "/repo/src/a.ts", line: 12 }),
      failure({ file: "src/a.ts", line: 40, excerpt: "at foo (test/a_test.ts:7:3)" }),
    ],
    "error in src/b.ts:3:1\nnode_modules/x/y.js:9 ignored\nsrc/a.ts:12",
    known,
  );
  assert.deepEqual(points, [
    { file: "src/a.ts", lines: [12, 40] },
    { file: "test/a_test.ts", lines: [7] },
    { file: "src/b.ts", lines: [3] },
  ]);
});

Deno.test("renderWindows shows windows of long files and small files whole", async () => {
  const count = await loadTokenCounter();
  const long = Array.from({ length: 300 }, (_, i) => `const line${i + 1} = ${i + 1};`).join("\n");
  const small = "export const x = 1;\nexport const y = 2;\n";
  const files: Record<string, string> = { "src/long.ts": long, "src/small.ts": small };
  const out = await renderWindows(
    [{ file: "src/long.ts", lines: [100, 110, 250] }, { file: "src/small.ts", lines: [2] }, {
      file: "gone.ts",
      lines: [],
    }],
    (p) => Promise.resolve(files[p] ?? null),
    5000,
    count,
  );
  assert.match(out, /### src\/long\.ts \(300 lines — failures at line 100, 110, 250\)/);
  assert.match(out, /lines 70-140:/); // 100 and 110 merged into one window
  assert.match(out, /lines 220-280:/);
  assert.ok(out.includes("const line105 = 105;"));
  assert.ok(!out.includes("const line1 = 1;"));
  assert.ok(!out.includes("const line160 = 160;"));
  assert.match(out, /### src\/small\.ts \(whole file, 2 lines/);
  assert.match(out, /### gone\.ts\n\(file not found/);
});

Deno.test("renderWindows narrows its windows to fit a small budget", async () => {
  const count = await loadTokenCounter();
  const long = Array.from({ length: 300 }, (_, i) => `const line${i + 1} = ${i + 1};`).join("\n");
  const out = await renderWindows(
    [{ file: "a.ts", lines: [150] }],
    () => Promise.resolve(long),
    120,
    count,
  );
  assert.ok(count(out) <= 120, `${count(out)} tokens`);
  assert.ok(out.includes("const line150 = 150;"));
  assert.match(out, /lines 147-153:/);
});

Deno.test("renderRepoMap lists focus directories first and skips dependency folders", async () => {
  const count = await loadTokenCounter();
  const files = [
    "README.md",
    "package.json",
    "node_modules/left-pad/index.js",
    "src/index.ts",
    "src/deep/util.ts",
    "lib/z.ts",
  ];
  const map = renderRepoMap(files, ["src/deep/util.ts"], 500, count);
  const lines = map.split("\n");
  assert.equal(lines[0], "src/deep/: util.ts");
  assert.ok(lines.includes("./: README.md package.json"));
  assert.ok(!map.includes("left-pad"));
  const tiny = renderRepoMap(files, [], 20, count);
  assert.ok(count(tiny) <= 20);
  assert.match(tiny, /more directories not shown/);
});

Deno.test("truncateMiddle keeps head and tail within the budget", async () => {
  const count = await loadTokenCounter();
  const log = Array.from({ length: 2000 }, (_, i) => `log line number ${i}`).join("\n");
  const out = truncateMiddle(log, 300, count);
  assert.ok(count(out) <= 300, `${count(out)} tokens`);
  assert.ok(out.startsWith("log line number 0\n"));
  assert.ok(out.endsWith("log line number 1999"));
  assert.match(out, /lines omitted/);
  assert.equal(truncateMiddle("short", 300, count), "short");
  assert.equal(truncateMiddle(log, 0, count), "");
});
