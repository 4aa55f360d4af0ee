import assert from "node:assert/strict";
import { extractChunks, extractChunksFromStream } from "../../gates/extract.ts";
import { cleanLine } from "../../gates/extract_rules.ts";

const streamOf = (parts: string[]) =>
  ReadableStream.from(parts.map((p) => new TextEncoder().encode(p)));

Deno.test("cleanLine strips timestamps, ANSI, fold markers and keeps the last CR redraw", () => {
  assert.equal(cleanLine("2026-03-14T09:12:33.1234567Z ##[group]Run npm ci").text, "Run npm ci");
  assert.equal(cleanLine("2026-03-14T09:12:33.123456Z 00O \x1b[31mboom\x1b[0m").text, "boom");
  assert.equal(cleanLine("10%\r50%\r100% done\r").text, "100% done");
  assert.deepEqual(cleanLine("##[error]Process completed with exit code 1."), {
    text: "Process completed with exit code 1.",
    marked: true,
  });
  assert.equal(cleanLine("#7 2.114 npm error code ENOTEMPTY").text, "npm error code ENOTEMPTY");
  assert.equal(cleanLine("x".repeat(10_000)).text.length, 2001);
});

Deno.test("extractChunks finds the cause far above the final exit code", () => {
  const noise = Array.from({ length: 3000 }, (_, i) => `  compiling module ${i} ok`);
  const log = [
    "$ make",
    ...noise.slice(0, 1500),
    "src/engine.c: In function 'tick':",
    "src/engine.c:77:9: error: 'dt' undeclared (first use in this function)",
    "   77 |     t += dt;",
    "      |          ^~",
    ...noise.slice(1500),
    "make: *** [Makefile:12: engine.o] Error 1",
    "##[error]Process completed with exit code 2.",
  ].join("\n");
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end, c!.kind], [1502, 1505, "compile"]);
  assert.match(c!.text, /'dt' undeclared/);
});

Deno.test("extractChunks prefers the report over its echo in a final summary", () => {
  const log = [
    "[ERROR] /src/A.java:[3,5] cannot find symbol",
    "  symbol: variable x",
    "[INFO] BUILD FAILURE",
    "[INFO] Total time: 3 s",
    "[INFO] Finished",
    "[ERROR] Failed to execute goal compile",
    "[ERROR] /src/A.java:[3,5] cannot find symbol",
    "[ERROR]   symbol: variable x",
  ].join("\n");
  assert.equal(extractChunks(log)[0]!.start, 1);
});

Deno.test("extractChunks falls back to the lines before a bare exit code", () => {
  const log =
    "step one\nstep two\nsomething odd happened here\nProcess completed with exit code 3.\n";
  const [c] = extractChunks(log);
  assert.equal(c!.kind, "exit");
  assert.equal(c!.end, 4);
  assert.match(c!.text, /something odd/);
});

Deno.test("extractChunks finds nothing in a passing log", () => {
  assert.deepEqual(extractChunks("install ok\n12 tests passed\n0 errors, 0 warnings\n"), []);
});

Deno.test("extractChunksFromStream matches the in-memory extractor across chunk boundaries", async () => {
  const log = Deno.readTextFileSync(
    new URL("../fixtures/logs/js_jest_github.log", import.meta.url),
  );
  const parts: string[] = [];
  for (let i = 0; i < log.length; i += 97) parts.push(log.slice(i, i + 97));
  const streamed = await extractChunksFromStream(streamOf(parts));
  assert.deepEqual(streamed.chunks, extractChunks(log));
  assert.equal(streamed.lines, log.split("\n").length - 1);
});

Deno.test("extractChunksFromStream survives an endless progress line and a huge line", async () => {
  const bar = Array.from({ length: 200_000 }, (_, i) => `\rDownloading ${i % 100}%`).join("");
  const huge = "x".repeat(3_000_000);
  const { chunks, lines } = await extractChunksFromStream(
    streamOf([`start\n${bar}`, "\n", huge, "\nerror: linker failed to find libssl\n"]),
  );
  assert.equal(lines, 4);
  assert.equal(chunks[0]!.start, 4);
  assert.match(chunks[0]!.text, /linker failed/);
});
