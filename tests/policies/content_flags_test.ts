import assert from "node:assert/strict";
import {
  bidiFlags,
  decodeEscapes,
  encodedSecretFlags,
  homoglyphFlags,
  homoglyphPath,
  zeroWidthFlags,
} from "../../policies/content_flags.ts";
import { loadPolicy } from "../../policies/engine.ts";
import { toSarif } from "../../policies/sarif.ts";

const L = (...texts: string[]) => texts.map((text, i) => ({ line: i + 1, text }));
const GHP = "ghp_" + "Wq7Lm3Xv9Tb2Rk8Nz4Hc6Pd1Fs5Jy0GaEuIo";

Deno.test("content flags find bidi controls and leave plain text alone", () => {
  assert.equal(bidiFlags(L("const a = 1;", "// \u202Eevil")).length, 1);
  assert.match(bidiFlags(L("x\u2066y"))[0]!.detail, /U\+2066/);
  assert.deepEqual(bidiFlags(L("const a = 'ok';")), []);
});

Deno.test("content flags find zero-width characters but allow a leading BOM and emoji joiners", () => {
  assert.equal(zeroWidthFlags(L("let is\u200BAdmin")).length, 1);
  assert.equal(zeroWidthFlags(L("x", "'\uFEFF'")).length, 1);
  assert.deepEqual(zeroWidthFlags(L("\uFEFFexport {};")), []);
  assert.deepEqual(zeroWidthFlags(L("\u{1F468}\u200D\u{1F469}\u200D\u{1F467}")), []);
  assert.deepEqual(zeroWidthFlags(L("\u0645\u200C\u06CC")), []); // Persian ZWNJ
});

Deno.test("content flags find words mixing Latin with Cyrillic or Greek", () => {
  assert.equal(homoglyphFlags(L("const p\u0430ypal = 1;")).length, 1);
  assert.deepEqual(homoglyphFlags(L("const \u043F\u0440\u0438\u0432\u0435\u0442 = 'мир';")), []);
  assert.deepEqual(homoglyphFlags(L("const \u03BB = 0.5;")), []);
  assert.equal(homoglyphPath("src/c\u043Enfig.ts"), "c\u043Enfig.ts");
  assert.equal(homoglyphPath("src/config.ts"), null);
});

Deno.test("content flags decode escapes, joins, reversals, base64 and hex to find a token", () => {
  const hex = [...GHP].map((c) => "\\x" + c.charCodeAt(0).toString(16)).join("");
  assert.equal(decodeEscapes(hex), GHP);
  const forms = [
    `t = "${hex}"`,
    `t = "${GHP.slice(0, 3)}" + "${GHP.slice(3)}"`,
    `t = ["${GHP.slice(0, 9)}", "${GHP.slice(9, 20)}", "${GHP.slice(20)}"].join("")`,
    `t = "${[...GHP].reverse().join("")}"`,
    `t = "${btoa(GHP)}"`,
    `t: ${[...GHP].map((c) => c.charCodeAt(0).toString(16)).join("")}`,
  ];
  for (const f of forms) assert.equal(encodedSecretFlags(L(f)).length, 1, f);
  // Plain tokens are the plain detectors' business; ordinary code is clean.
  assert.deepEqual(encodedSecretFlags(L(`t = "${GHP}"`)), []);
  assert.deepEqual(encodedSecretFlags(L('const m = "a" + b + "c";', "x = [1, 2].join(',')")), []);
});

Deno.test("content flags appear in policy scan findings and SARIF with their rule ids", async () => {
  const engine = await loadPolicy({});
  const diff =
    "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1 +1,3 @@\n x\n+// \u202E\n+const p\u0430ss = 1;\n";
  const findings = engine.scan(diff);
  const rules = findings.map((f) => f.rule).sort();
  assert.deepEqual(rules, ["content.bidi", "content.homoglyph"]);
  const sarif = JSON.stringify(toSarif(findings, engine.policy.rules));
  assert.match(sarif, /content\.bidi/);
  assert.match(sarif, /content\.homoglyph/);
});

Deno.test("content flags do not glue a whole token in one literal to its neighbours", () => {
  // The token sits in one literal (plain detectors judge it); the list around it is data.
  const lines = L(`const xs = ["alpha", "${GHP.slice(0, 4)}-not-a-token", "beta"];`);
  assert.deepEqual(encodedSecretFlags(lines), []);
  const doc = L('const examples = ["AKIAIOSFODNN7EXAMPLE", "other"];');
  assert.deepEqual(encodedSecretFlags(doc), []);
});
