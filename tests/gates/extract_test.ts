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

const tfBox = (rule: string, lines: string[], open = "╷", close = "╵") => [
  open,
  ...lines.map((l) => (l === "" ? rule : `${rule} ${l}`)),
  close,
];

Deno.test("extractChunks keeps a Terraform box as one compile chunk, from its opening to its close", () => {
  const detail = Array.from({ length: 30 }, (_, i) => `detail line ${i} of a long explanation`);
  const box = tfBox("\x1b[31m│\x1b[0m", [
    "\x1b[1m\x1b[31mError: \x1b[0m\x1b[1mInvalid index\x1b[0m",
    "",
    '  on network.tf line 22, in resource "azurerm_subnet" "this":',
    "  22:   address_prefixes = [var.subnets[each.key].cidr]",
    "    ├────────────────",
    '    │ each.key is "aks"',
    "    │ var.subnets is map of object with 2 elements",
    "",
    "The given key does not identify an element in this collection value.",
    ...detail,
  ]);
  const log = ["$ terraform plan", "Refreshing state...", ...box, "Operation failed", "done"]
    .map((l, i) => `2026-05-12T07:41:0${i % 10}.1234567Z ${l}`).join("\n");
  const [c, ...rest] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end, c!.kind], [3, 3 + box.length - 1, "compile"]);
  assert.match(c!.text, /^╷\n│ Error: Invalid index\n│\n│ {3}on network\.tf line 22/);
  assert.match(c!.text, /detail line 29 of a long explanation\n╵$/);
  assert.equal(rest.length, 0);
});

Deno.test("extractChunks finds nothing in a log whose only box is a warning", () => {
  const log = [
    "$ terraform plan",
    ...tfBox("│", [
      "Warning: Argument is deprecated",
      "",
      "  with azurerm_storage_account.logs,",
      '  on storage.tf line 9, in resource "azurerm_storage_account" "logs":',
      "   9:   enable_https_traffic_only = true",
      "",
      "The property has been superseded and will be removed in v4.0 of the provider.",
    ]),
    "Plan: 0 to add, 1 to change, 0 to destroy.",
  ].join("\n");
  assert.deepEqual(extractChunks(log), []);
});

Deno.test("extractChunks reads boxes drawn in ASCII or decoded as Windows-1252", () => {
  for (const [rule, open, close] of [["|", ".", "'"], ["â”‚", "â•·", "â•µ"]] as const) {
    const box = tfBox(
      rule,
      [
        "Error: Unsupported attribute",
        "",
        '  on outputs.tf line 3, in output "id":',
        "   3:   value = azurerm_linux_virtual_machine.vm.ids",
        "",
        'This object has no argument, nested block, or exported attribute named "ids".',
      ],
      open,
      close,
    );
    const [c] = extractChunks(["$ terraform validate", "noise", ...box, "done"].join("\n"));
    // An ASCII "." / "'" cannot be told from any other line: the box starts
    // at its error line there.
    const start = rule === "|" ? 4 : 3;
    const end = rule === "|" ? 9 : 10;
    assert.deepEqual([rule, c!.start, c!.end, c!.kind], [rule, start, end, "compile"]);
  }
});

Deno.test("extractChunks takes a plain diagnostic's location and detail, not the shell trace after it", () => {
  const log = [
    "+ terraform plan -no-color",
    "data.azurerm_client_config.current: Read complete after 0s",
    "",
    "Error: Missing required argument",
    "",
    '  on network.tf line 31, in resource "azurerm_subnet" "aks":',
    '  31: resource "azurerm_subnet" "aks" {',
    "",
    'The argument "address_prefixes" is required, but no definition was found.',
    "+ '[' 1 -eq 2 ']'",
    "+ exit 1",
  ].join("\n");
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end, c!.kind], [4, 9, "compile"]);
});

Deno.test("extractChunks reads tflint's listing as lint and leaves the notice out", () => {
  const log = Deno.readTextFileSync(
    new URL("../fixtures/logs/iac_tflint_github.log", import.meta.url),
  );
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end, c!.kind], [18, 30, "lint"]);
  assert.doesNotMatch(c!.text, /Notice/);
});

Deno.test("extractChunksFromStream reads a coloured box split inside its multi-byte rules", async () => {
  const log = Deno.readTextFileSync(
    new URL("../fixtures/logs/iac_terraform_apply_box_gitlab.log", import.meta.url),
  );
  const bytes = new TextEncoder().encode(log);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 7) parts.push(bytes.subarray(i, i + 7));
  const streamed = await extractChunksFromStream(ReadableStream.from(parts));
  assert.deepEqual(streamed.chunks, extractChunks(log));
  assert.deepEqual([streamed.chunks[0]!.start, streamed.chunks[0]!.end], [20, 29]);
});
