// Applying a file patch copies untouched stretches of the original as whole
// slices; the result must be byte for byte what the per-line assembly it
// replaced (frozen in _apply_v1.ts) produced, or the same error: LF, CRLF and
// mixed files, with and without a final newline, hunks at the start and the
// end, deletions to the end, insertions at the end, shifted and fuzzed hunks.
import assert from "node:assert/strict";
import { createTwoFilesPatch } from "diff";
import { _applyFileText } from "../../patch/_apply.ts";
import { parsePatch } from "../../patch/patch.ts";
import { PatchError } from "../../patch/types.ts";
import { _applyFileText as applyV1 } from "./_apply_v1.ts";
import { Rng } from "../policies/_scan_inputs.ts";

const WORDS = [
  "}",
  "",
  "  return x;",
  "  const a = 1;",
  "if (a) {",
  "\tfoo();",
  "  // note",
  "end",
];

function file(r: Rng): string {
  const n = r.int(40);
  const style = r.int(3); // 0 LF, 1 CRLF, 2 mixed
  let text = "";
  for (let i = 0; i < n; i++) {
    const eol = style === 0 ? "\n" : style === 1 ? "\r\n" : r.pick(["\n", "\r\n"]);
    text += (r.int(4) === 0 ? `${r.pick(WORDS)} ${r.tok(3)}` : r.pick(WORDS)) + eol;
  }
  if (n > 0 && r.int(3) === 0) text = text.replace(/\r?\n$/, "");
  return text;
}

function edited(r: Rng, text: string): string {
  const lines = text.split("\n");
  const edits = 1 + r.int(4);
  for (let e = 0; e < edits; e++) {
    const at = r.int(lines.length + 1);
    const kind = r.int(4);
    if (kind === 0) lines.splice(at, 0, `added ${r.tok(4)}${r.int(2) ? "\r" : ""}`);
    else if (kind === 1) lines.splice(at, 1 + r.int(3));
    else if (kind === 2 && at < lines.length) lines[at] = `changed ${r.tok(4)}`;
    else lines.splice(lines.length - r.int(2), r.int(3)); // near the end
  }
  let out = lines.join("\n");
  const finalNl = r.int(3);
  if (finalNl === 0) out = out.replace(/\n$/, "");
  else if (finalNl === 1 && !out.endsWith("\n")) out += "\n";
  return out;
}

/** A diff damaged the way model output is: shifted headers, fuzzed context. */
function damaged(r: Rng, diff: string): string {
  const lines = diff.split("\n");
  const kind = r.int(5);
  if (kind === 0) return diff;
  return lines.map((l) => {
    if (kind === 1 && l.startsWith("@@ ")) {
      return l.replace(/-(\d+)/, (_, n) => `-${Math.max(1, Number(n) + r.int(7) - 3)}`);
    }
    if (kind === 2 && l.startsWith(" ") && r.int(4) === 0) return ` ${l.slice(1)}  `;
    if (kind === 3 && l.startsWith("\\") && r.int(2) === 0) return "";
    if (kind === 4 && l.startsWith("-") && !l.startsWith("---")) return `-gone ${r.tok(6)}`;
    return l;
  }).join("\n");
}

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof PatchError) return { error: e.message };
    throw e;
  }
}

Deno.test("applying a file patch: slices of the original give what the per-line assembly gave", () => {
  const r = new Rng(20261204);
  let compared = 0;
  let applied = 0;
  for (let i = 0; i < 3000; i++) {
    const before = file(r);
    const after = edited(r, before);
    if (after === before) continue;
    const diff = damaged(r, createTwoFilesPatch("a/f.txt", "b/f.txt", before, after));
    let patches;
    try {
      patches = parsePatch(diff);
    } catch {
      continue; // a damaged diff the parser refuses: nothing to apply
    }
    for (const fp of patches) {
      const now = outcome(() => _applyFileText(before, fp));
      const then = outcome(() => applyV1(before, fp));
      assert.deepEqual(now, then, `case ${i}:\n${JSON.stringify(before)}\n${diff}`);
      compared++;
      if ((now as { ok?: unknown }).ok) applied++;
    }
  }
  // The generator must exercise both outcomes in quantity.
  assert.ok(compared > 2000, `only ${compared} comparisons`);
  assert.ok(applied > 1000, `only ${applied} applied`);
  assert.ok(compared - applied > 50, `only ${compared - applied} refusals`);
});

Deno.test("applying a file patch: an untouched original is copied with its own line endings", () => {
  const before = "a\r\nb\nc\r\nd\ne";
  const fp = parsePatch("--- a/f\n+++ b/f\n@@ -2,1 +2,1 @@\n-b\n+B\n")[0]!;
  assert.equal(_applyFileText(before, fp).text, "a\r\nB\nc\r\nd\ne");
});
