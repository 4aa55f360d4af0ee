import assert from "node:assert/strict";
import { escapeHtml, stripAnsi } from "../../core/text.ts";

Deno.test("stripAnsi removes colours, cursor moves and line erases", () => {
  assert.equal(stripAnsi("\x1b[1m\x1b[31mError:\x1b[0m boom"), "Error: boom");
  assert.equal(stripAnsi("\x1b[38;2;255;0;0mred\x1b[39m"), "red");
  assert.equal(stripAnsi("\x1b[2K\x1b[1G\x1b[?25lprogress"), "progress");
  assert.equal(stripAnsi("\x9b31mC1 form\x9b0m"), "C1 form");
});

Deno.test("stripAnsi removes OSC titles and hyperlinks and two-character escapes", () => {
  assert.equal(stripAnsi("\x1b]0;title\x07text"), "text");
  assert.equal(stripAnsi("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\"), "link");
  assert.equal(stripAnsi("\x1b(Bplain\x1b7saved\x1b8"), "plainsaved");
});

Deno.test("stripAnsi removes colon and private parameters and keeps text after a cut-off string", () => {
  assert.equal(stripAnsi("\x1b[38:5:1mcolon\x1b[>4;1mprivate"), "colonprivate");
  assert.equal(stripAnsi("\x1b]0;never ended\nnext line"), "\nnext line");
});

Deno.test("stripAnsi returns text without escapes unchanged", () => {
  const text = "src/a.ts:3:1 - error TS2322: Type 'x' [1/2]";
  assert.equal(stripAnsi(text), text);
});

Deno.test("escapeHtml escapes each HTML-significant character once", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&amp;'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;",
  );
  assert.equal(escapeHtml("plain"), "plain");
});
