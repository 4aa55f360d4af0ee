import assert from "node:assert/strict";
import { applyToText, type FilePatch, parsePatch, PatchError } from "../../patch/patch.ts";
import { _applyFileText } from "../../patch/_apply.ts";

// 30 distinct lines: l1 … l30.
const FILE = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join("\n") + "\n";
const EXPECTED = FILE.replace("l15\n", "L15\nadded\n");

function one(diff: string): FilePatch {
  const files = parsePatch(diff);
  assert.equal(files.length, 1);
  return files[0]!;
}

function hunk(header: string, body: string): FilePatch {
  return one(`--- a/f.txt\n+++ b/f.txt\n${header}\n${body}`);
}

const BODY = " l12\n l13\n l14\n-l15\n+L15\n+added\n l16\n l17\n l18\n";

function strategies(diff: FilePatch, text = FILE): string[] {
  return _applyFileText(text, diff).hunks.map((h) => `${h.strategy}@${h.line}`);
}

Deno.test("applyToText places a correct hunk exactly", () => {
  const fp = hunk("@@ -12,7 +12,8 @@", BODY);
  assert.equal(applyToText(FILE, fp), EXPECTED);
  assert.deepEqual(strategies(fp), ["exact@12"]);
});

Deno.test("applyToText ignores wrong line numbers", () => {
  const fp = hunk("@@ -3,7 +3,8 @@", BODY);
  assert.equal(applyToText(FILE, fp), EXPECTED);
  assert.deepEqual(strategies(fp), ["offset@12"]);
});

Deno.test("applyToText recounts a hunk with wrong counts", () => {
  const fp = hunk("@@ -12,4 +12,2 @@", BODY);
  assert.equal(applyToText(FILE, fp), EXPECTED);
});

Deno.test("applyToText places a hunk with a bare header", () => {
  for (const header of ["@@ @@", "@@", "@@ ... @@"]) {
    assert.equal(applyToText(FILE, hunk(header, BODY)), EXPECTED, header);
  }
});

Deno.test("applyToText tolerates whitespace drift in context lines and keeps the file's version", () => {
  const text = FILE.replace("l13\n", "  l13;\n");
  const fp = hunk("@@ @@", " l12\n l13 ;\n\tl14  \n-l15\n+L15\n+added\n l16\n");
  assert.equal(applyToText(text, fp), EXPECTED.replace("l13\n", "  l13;\n"));
  assert.deepEqual(strategies(fp, text), ["whitespace@12"]);
});

Deno.test("applyToText tolerates a dropped context line fuzzily", () => {
  const fp = hunk("@@ -12,7 +12,8 @@", " l12\n l14\n-l15\n+L15\n+added\n l16\n l17\n");
  assert.equal(applyToText(FILE, fp), EXPECTED);
  assert.deepEqual(strategies(fp), ["fuzzy@12"]);
});

Deno.test("applyToText tolerates an altered context line fuzzily", () => {
  const fp = hunk("@@ @@", " l12\n l13 (changed)\n l14\n-l15\n+L15\n+added\n l16\n l17\n");
  assert.equal(applyToText(FILE, fp), EXPECTED);
});

Deno.test("applyToText refuses an ambiguous hunk naming the hunk, its lines and the places", () => {
  const text = "a\nx\nb\n\nc\nx\nd\n";
  const fp = hunk("@@ @@", "-x\n+y\n");
  assert.throws(
    () => applyToText(text, fp),
    (e: unknown) => {
      assert.ok(e instanceof PatchError);
      assert.equal(e.hunk, 1);
      assert.equal(
        e.message,
        'hunk 1 (@@ @@, starting "-x", "+y"): its context matches exactly at 2 places ' +
          "(lines 2, 6); add context lines that tell them apart",
      );
      return true;
    },
  );
});

Deno.test("applyToText takes the header's line when the context also matches elsewhere", () => {
  const text = "a\nx\nb\n\nc\nx\nd\n";
  assert.equal(applyToText(text, hunk("@@ -6 +6 @@", "-x\n+y\n")), "a\nx\nb\n\nc\ny\nd\n");
});

Deno.test("applyToText refuses when a left-out line makes the insertion point unknowable", () => {
  const fp = hunk("@@ @@", " l12\n l13\n+new\n l15\n l16\n");
  assert.throws(
    () => applyToText(FILE, fp),
    /hunk 1 \(@@ @@, starting " l12", " l13"\): the hunk leaves out file line 14 \("l14"\) next to the lines it adds/,
  );
});

Deno.test("applyToText anchors a hunk without trailing context at the end of the file", () => {
  assert.equal(applyToText("a\nb\nc\n", hunk("@@ @@", " b\n c\n+d\n")), "a\nb\nc\nd\n");
  assert.throws(
    () => applyToText("a\nb\nc\nz\n", hunk("@@ @@", " b\n c\n+d\n")),
    /no context after its changes, which means the end of the file/,
  );
});

Deno.test("applyToText reports a context line that is not in the file", () => {
  assert.throws(
    () => applyToText(FILE, hunk("@@ @@", " l12\n-nothing\n+x\n l13\n")),
    /its removed line "nothing" is not in the file/,
  );
});

Deno.test("applyToText keeps CRLF line endings of a CRLF file", () => {
  const crlf = FILE.replaceAll("\n", "\r\n");
  assert.equal(
    applyToText(crlf, hunk("@@ -12,7 +12,8 @@", BODY)),
    EXPECTED.replaceAll("\n", "\r\n"),
  );
});

Deno.test("applyToText applies a CRLF diff to an LF file", () => {
  const fp = one(`--- a/f.txt\n+++ b/f.txt\n@@ -12,7 +12,8 @@\n${BODY}`.replaceAll("\n", "\r\n"));
  assert.equal(applyToText(FILE, fp), EXPECTED);
});

Deno.test("applyToText keeps a missing final newline unless the patch changes it", () => {
  const text = "a\nb\nc";
  assert.equal(applyToText(text, hunk("@@ @@", " a\n-b\n+B\n c\n")), "a\nB\nc");
  assert.equal(applyToText(text, hunk("@@ @@", " b\n c\n+d\n")), "a\nb\nc\nd");
  const adds = hunk("@@ -2,2 +2,2 @@", " b\n-c\n\\ No newline at end of file\n+c\n");
  assert.equal(applyToText(text, adds), "a\nb\nc\n");
  const drops = hunk("@@ -2,2 +2,2 @@", " b\n-c\n+c\n\\ No newline at end of file\n");
  assert.equal(applyToText("a\nb\nc\n", drops), "a\nb\nc");
});

Deno.test("applyToText applies several hunks in order and refuses overlapping ones", () => {
  const fp = hunk(
    "@@ -2,3 +2,3 @@",
    " l2\n-l3\n+L3\n l4\n@@ -20,3 +20,3 @@\n l20\n-l21\n+L21\n l22\n",
  );
  assert.equal(applyToText(FILE, fp), FILE.replace("l3\n", "L3\n").replace("l21\n", "L21\n"));
  const overlap = hunk("@@ -2,3 +2,3 @@", " l2\n-l3\n+L3\n l4\n@@ @@\n l1\n l2\n-l3\n+X\n");
  assert.throws(() => applyToText(FILE, overlap), PatchError);
});

Deno.test("applyToText creates and deletes whole files", () => {
  const create = one("--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  assert.equal(applyToText("", create), "a\nb\n");
  const del = one("--- a/d.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
  assert.equal(_applyFileText("a\nb\n", del).text, null);
  assert.throws(() => _applyFileText("a\nc\n", del), /differs from the patch's content at line 2/);
});

Deno.test("applyToText splits a hunk at an elision line and places both parts", () => {
  for (const elision of ["...", "// ...", "…"]) {
    const fp = hunk("@@ @@", ` l2\n-l3\n+L3\n l4\n${elision}\n l20\n-l21\n+L21\n l22\n`);
    assert.equal(fp.hunks.length, 2, elision);
    assert.equal(applyToText(FILE, fp), FILE.replace("l3\n", "L3\n").replace("l21\n", "L21\n"));
  }
});

Deno.test("applyToText keeps an indented ellipsis as a context line", () => {
  const text = "def f():\n    ...\n\nx = 1\n";
  const fp = hunk("@@ @@", " def f():\n     ...\n \n-x = 1\n+x = 2\n");
  assert.equal(applyToText(text, fp), "def f():\n    ...\n\nx = 2\n");
});

Deno.test("applyToText prefers the header's near-copy over a whitespace-only match elsewhere", () => {
  const text = [
    "class A {",
    "  /**",
    "   * @return {string}",
    "   * @api private",
    "   */",
    "}",
    "/**",
    " * @param {string} str",
    " * @return {string}",
    " * @api private",
    " */",
    "",
  ].join("\n");
  const body = " /**\n  * @return {string}\n- * @api private\n+ * @private\n  */\n";
  const fixed = text.replace(" * @api private\n */", " * @private\n */");
  assert.equal(applyToText(text, hunk("@@ -7,5 +7,5 @@", body)), fixed);
  assert.throws(
    () => applyToText(text, hunk("@@ @@", body)),
    /its context matches ignoring whitespace or with a line off at 2 places \(lines 2, 7\)/,
  );
});
