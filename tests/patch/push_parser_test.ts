// The push parser and the push line filter against the whole-text versions
// they replaced (frozen in _parse_v1.ts and _extract_v1.ts): every
// generated diff, reply and real corpus patch parses and extracts the same.
import assert from "node:assert/strict";
import { extractDiff, parsePatch, PatchParser } from "../../patch/patch.ts";
import type { FilePatch } from "../../patch/types.ts";
import { extractDiff as extractV1 } from "./_extract_v1.ts";
import { parsePatch as parseV1 } from "./_parse_v1.ts";
import { allInputs, diffLines, joinLines, Rng } from "../policies/_scan_inputs.ts";

const dec = new TextDecoder();

/** Diffs with the shapes the parser tolerates, cut and spliced at random. */
function mangled(r: Rng, n: number): string[] {
  const out: string[] = [];
  const bits = [
    "diff --git a/x b/x",
    "--- a/x",
    "+++ b/x",
    "@@ -1,2 +1,3 @@",
    "@@ @@",
    "@@ -3 +3 @@ ctx",
    " ctx",
    "+add",
    "-del",
    "",
    "\\ No newline at end of file",
    "\tTabbed context",
    "...",
    "new file mode 100644",
    "rename from a",
    "Binary files a and b differ",
    "prose line",
    "```diff",
    "```",
  ];
  for (let i = 0; i < n; i++) {
    const lines = Array.from({ length: 3 + r.int(25) }, () => r.pick(bits));
    out.push(lines.join(r.pick(["\n", "\r\n"])) + r.pick(["", "\n", "\n\n"]));
  }
  return out;
}

function texts(): string[] {
  const r = new Rng(77);
  return [
    ...mangled(r, 3000),
    ...Array.from({ length: 40 }, () => joinLines(r, diffLines(r, 1 + r.int(6), 5), "mixed")),
    ...allInputs().map((i) => dec.decode(i.bytes)),
  ];
}

const v1 = (text: string): FilePatch[] | string => {
  try {
    return parseV1(text);
  } catch (e) {
    return (e as Error).message;
  }
};
const v2 = (text: string): FilePatch[] | string => {
  try {
    return parsePatch(text);
  } catch (e) {
    return (e as Error).message;
  }
};

Deno.test("parsePatch reads every diff as the whole-text parser did", () => {
  let files = 0;
  for (const t of texts()) {
    const want = v1(t);
    assert.deepStrictEqual(v2(t), want, JSON.stringify(t.slice(0, 300)));
    if (Array.isArray(want)) files += want.length;
  }
  assert.ok(files > 1000, `only ${files} file sections`);
});

Deno.test("extractDiff keeps the lines the whole-text filter kept", () => {
  let kept = 0;
  for (const t of texts()) {
    const want = extractV1(t);
    assert.equal(extractDiff(t), want, JSON.stringify(t.slice(0, 300)));
    if (want !== null) kept++;
  }
  assert.ok(kept > 1000, `only ${kept} diffs extracted`);
});

Deno.test("PatchParser reports lines that rebuild the parsed hunks", () => {
  const r = new Rng(3);
  const text = joinLines(r, diffLines(r, 20, 6), "lf");
  const seen: string[] = [];
  const parser = new PatchParser({
    hunk: (fp, h) => seen.push(`@ ${fp.newPath} ${h.headerLine}`),
    line: (_fp, _h, l) => seen.push(l.kind + l.text),
  });
  for (const l of text.split("\n").slice(0, -1)) parser.push(l);
  parser.end();
  const whole = parsePatch(text).flatMap((fp) =>
    fp.hunks.flatMap((
      h,
    ) => [`@ ${fp.newPath} ${h.headerLine}`, ...h.lines.map((l) => l.kind + l.text)])
  );
  assert.deepStrictEqual(seen, whole);
});
