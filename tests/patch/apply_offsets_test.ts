// A file being patched is held as offsets into its text (patch/_source.ts),
// and a few wanted lines are found by searching the text instead of reading
// every line: the result must be byte for byte what the line-object version
// (frozen in _apply_v2.ts with its locator _locate_v2.ts) gave, or the same
// error. Generated LF, CRLF and mixed files, with and without a final
// newline, stray carriage returns, lines that are substrings of many others;
// git-made diffs with 0 to 3 context lines (hunks at the start and the end,
// deletions, insertions) damaged as model output is (shifted headers,
// whitespace, a context line dropped or altered, hunks out of order or
// repeated); creations and deletions written by hand.
import assert from "node:assert/strict";
import { createTwoFilesPatch } from "diff";
import { _applyFileText, type TextApplied } from "../../patch/_apply.ts";
import { SourceFile } from "../../patch/_source.ts";
import { parsePatch } from "../../patch/patch.ts";
import { type FilePatch, PatchError } from "../../patch/types.ts";
import { _applyFileText as applyV1 } from "./_apply_v1.ts";
import { _applyFileText as applyV2, _toLines as toLinesV2 } from "./_apply_v2.ts";

/** mulberry32: every bit of its output varies, so small ranges are fair. */
class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  int(n: number): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  tok(n: number): string {
    const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let s = "";
    for (let i = 0; i < n; i++) s += abc[this.int(abc.length)];
    return s;
  }
}

const WORDS = [
  "}",
  "",
  "a",
  "aa",
  "a a",
  "  return x;",
  "  const a = 1;",
  "if (a) {",
  "\tfoo();",
  "  // note",
  "end",
  "x\ry",
];

function line(r: Rng, i: number): string {
  const k = r.int(6);
  if (k === 0) return `${r.pick(WORDS)} ${r.tok(2)}`;
  if (k <= 2) return `  const v${i} = compute(${i}, "x");`;
  return r.pick(WORDS);
}

/** A file of `n` lines in one of the line-ending styles. */
function file(r: Rng, n: number): string {
  const style = r.int(3); // 0 LF, 1 CRLF, 2 mixed
  let text = "";
  for (let i = 0; i < n; i++) {
    const eol = style === 0 ? "\n" : style === 1 ? "\r\n" : r.pick(["\n", "\r\n", "\r\r\n"]);
    text += line(r, i) + eol;
  }
  const end = r.int(6);
  if (n > 0 && end === 0) text = text.replace(/\r?\n$/, ""); // no final newline
  else if (n > 0 && end === 1) text = text.replace(/\r?\n$/, "\r"); // a last line ending in CR
  return text;
}

function edited(r: Rng, text: string): string {
  const lines = text.split("\n");
  const edits = 1 + r.int(lines.length > 50 ? 8 : 4);
  for (let e = 0; e < edits; e++) {
    const at = r.pick([0, lines.length, r.int(lines.length + 1)]);
    const kind = r.int(5);
    if (kind === 0) lines.splice(at, 0, `added ${r.tok(4)}${r.int(2) ? "\r" : ""}`);
    else if (kind === 1) lines.splice(at, 1 + r.int(3));
    else if (kind === 2 && at < lines.length) lines[at] = `changed ${r.tok(4)}`;
    else if (kind === 3) lines.splice(at, 0, r.pick(WORDS)); // a line the file has elsewhere
    else lines.splice(lines.length - r.int(2), r.int(3)); // near the end
  }
  for (let k = 0; lines.length > 50 && k < 8; k++) lines[r.int(lines.length)] = `edit ${r.tok(3)}`;
  let out = lines.join("\n");
  const finalNl = r.int(3);
  if (finalNl === 0) out = out.replace(/\n$/, "");
  else if (finalNl === 1 && !out.endsWith("\n")) out += "\n";
  return out;
}

/** The hunks of a diff, each with its header line first. */
function hunksOf(lines: string[]): { head: string[]; hunks: string[][] } {
  const head: string[] = [];
  const hunks: string[][] = [];
  for (const l of lines) {
    if (l.startsWith("@@")) hunks.push([l]);
    else if (hunks.length > 0) hunks[hunks.length - 1]!.push(l);
    else head.push(l);
  }
  return { head, hunks };
}

/** A diff damaged the way model output is. */
function damaged(r: Rng, diff: string): string {
  const kind = r.int(8);
  if (kind === 0) return diff;
  const lines = diff.split("\n");
  if (kind === 5 || kind === 6) {
    const { head, hunks } = hunksOf(lines);
    if (hunks.length < 2) return diff;
    const i = r.int(hunks.length - 1);
    if (kind === 5) [hunks[i], hunks[i + 1]] = [hunks[i + 1]!, hunks[i]!]; // out of order
    else hunks.splice(i, 0, hunks[i]!); // repeated: overlaps
    return [...head, ...hunks.flat()].join("\n");
  }
  let dropped = false;
  return lines.flatMap((l) => {
    if (kind === 1 && l.startsWith("@@ ")) {
      return [l.replace(/-(\d+)/, (_, n) => `-${Math.max(1, Number(n) + r.int(7) - 3)}`)];
    }
    if (kind === 2 && l.startsWith(" ") && r.int(4) === 0) return [` ${l.slice(1)}  `];
    if (kind === 3 && l.startsWith("\\") && r.int(2) === 0) return [];
    if (kind === 4 && l.startsWith("-") && !l.startsWith("---") && r.int(3) === 0) {
      return [`-gone ${r.tok(6)}`];
    }
    if (kind === 7 && l.startsWith(" ") && !dropped && r.int(3) === 0) {
      dropped = true;
      return r.int(2) ? [] : [` altered ${r.tok(3)}`];
    }
    return [l];
  }).join("\n");
}

function creation(r: Rng): string {
  const n = 1 + r.int(5);
  const body = Array.from({ length: n }, (_, i) => `+${line(r, i)}`);
  const noEol = r.int(2) === 0 ? ["\\ No newline at end of file"] : [];
  const git = r.int(2) === 0 ? ["diff --git a/f.txt b/f.txt", "new file mode 100644"] : [];
  return [...git, "--- /dev/null", "+++ b/f.txt", `@@ -0,0 +1,${n} @@`, ...body, ...noEol, ""]
    .join("\n");
}

function deletion(r: Rng, before: string): string {
  const lines = before.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length > 0 && r.int(4) === 0) lines[r.int(lines.length)] = `other ${r.tok(3)}`;
  if (r.int(5) === 0) lines.push("more");
  const body = lines.map((l) => `-${l}`);
  return [
    "diff --git a/f.txt b/f.txt",
    "deleted file mode 100644",
    "--- a/f.txt",
    "+++ /dev/null",
    ...(body.length > 0 ? [`@@ -1,${body.length} +0,0 @@`, ...body] : []),
    "",
  ].join("\n");
}

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    if (e instanceof PatchError) return { error: e.message };
    throw e;
  }
}

function wantedTexts(fp: FilePatch): number {
  const wanted = new Set<string>();
  for (const h of fp.hunks) for (const l of h.lines) if (l.kind !== "+") wanted.add(l.text);
  return wanted.size;
}

Deno.test("applying a file patch held as offsets gives what the line objects gave", () => {
  const r = new Rng(20261205);
  const seen = { compared: 0, applied: 0, searched: 0, keyed: 0, created: 0, deleted: 0 };
  const strategies = new Map<string, number>();
  const compare = (what: string, before: string | null, diff: string) => {
    let patches;
    try {
      patches = parsePatch(diff);
    } catch {
      return; // a damaged diff the parser refuses: nothing to apply
    }
    for (const fp of patches) {
      const then = outcome(() => applyV2(before, fp));
      const now = outcome(() => _applyFileText(before, fp));
      const context = `${what}:\n${JSON.stringify(before)}\n${diff}`;
      assert.deepEqual(now, then, context);
      // The older line-object caller of the locator gets the same answer too.
      if (before !== null) assert.deepEqual(outcome(() => applyV1(before, fp)), then, context);
      seen.compared++;
      const ok = (now as { ok?: TextApplied }).ok;
      if (ok) {
        seen.applied++;
        for (const h of ok.hunks) strategies.set(h.strategy, (strategies.get(h.strategy) ?? 0) + 1);
        if (fp.kind === "create") seen.created++;
        if (ok.text === null) seen.deleted++;
      }
      if (wantedTexts(fp) <= 16) seen.searched++;
      else seen.keyed++;
    }
  };
  for (let i = 0; i < 4000; i++) {
    const n = r.int(10) === 0 ? 100 + r.int(300) : r.int(40);
    const before = file(r, n);
    const kind = r.int(10);
    if (kind === 0) {
      const diff = creation(r);
      compare(`creation ${i}`, r.pick([null, "", before]), diff);
      continue;
    }
    if (kind === 1) {
      compare(`deletion ${i}`, r.pick([null, before, before, before]), deletion(r, before));
      continue;
    }
    const after = edited(r, before);
    if (after === before) continue;
    const context = r.pick([0, 1, 2, 3, 3, 3]);
    const diff = createTwoFilesPatch("a/f.txt", "b/f.txt", before, after, "", "", { context });
    compare(`case ${i}`, r.int(40) === 0 ? null : before, damaged(r, diff));
  }
  // The generator must exercise every outcome and both ways of finding lines.
  assert.ok(seen.compared > 3000, `only ${seen.compared} comparisons`);
  assert.ok(seen.applied > 1200, `only ${seen.applied} applied`);
  assert.ok(seen.compared - seen.applied > 300, `only ${seen.compared - seen.applied} refusals`);
  assert.ok(seen.keyed > 200, `only ${seen.keyed} patches with more than 16 wanted texts`);
  assert.ok(seen.searched > 1000, `only ${seen.searched} patches with up to 16 wanted texts`);
  assert.ok(seen.created > 50, `only ${seen.created} creations`);
  assert.ok(seen.deleted > 50, `only ${seen.deleted} deletions`);
  for (const s of ["exact", "offset", "whitespace", "fuzzy"]) {
    assert.ok((strategies.get(s) ?? 0) > 50, `only ${strategies.get(s) ?? 0} hunks placed ${s}`);
  }
});

Deno.test("SourceFile splits a text as the line objects did and finds every whole line", () => {
  const r = new Rng(77);
  for (let i = 0; i < 1500; i++) {
    const text = i < 3 ? ["", "\n", "\r\n"][i]! : file(r, r.int(60));
    const lines = toLinesV2(text);
    const f = new SourceFile(text);
    assert.equal(f.length, lines.length);
    assert.equal(f.crlf, lines.filter((l) => l.eol === "\r\n").length);
    assert.equal(f.lf, lines.filter((l) => l.eol === "\n").length);
    assert.deepEqual(f.texts(), lines.map((l) => l.text));
    for (let k = 0; k < lines.length; k++) {
      assert.deepEqual(f.line(k), lines[k]);
      assert.equal(f.slice(k, k + 1), lines[k]!.text + lines[k]!.eol);
    }
    // Whole lines, substrings of lines, and texts spanning a line break.
    const probes = new Set([...lines.map((l) => l.text), "a", " ", "x", "\r", "}\n", "y"]);
    for (const s of probes) {
      const expected = lines.flatMap((l, k) => l.text === s ? [k] : []);
      assert.deepEqual(f.linesEqualTo(s), expected, `${JSON.stringify(text)} ${JSON.stringify(s)}`);
    }
  }
});

Deno.test("SourceFile: a text found far more often than there are lines is compared line by line", () => {
  // Every "a" of these lines is a hit of the search for "a", never a whole line.
  const text = Array.from({ length: 300 }, (_, i) => i === 150 ? "a" : "a".repeat(40)).join("\r\n");
  const f = new SourceFile(text);
  assert.deepEqual(f.linesEqualTo("a"), [150]);
  assert.deepEqual(f.linesEqualTo(""), []);
  assert.deepEqual(new SourceFile("\n\nx\n\n").linesEqualTo(""), [0, 1, 3]);
});
