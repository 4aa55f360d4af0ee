import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { applyPatch, applyToText, parsePatch } from "../../patch/patch.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function sh(cmd: string, cwd: string): Promise<void> {
  const r = await exec.run(cmd, { cwd });
  assert.equal(r.code, 0, `${cmd}: ${r.output}`);
}

/** Code-like lines with the repeats real code has, so the index holds many positions per key. */
function codeLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    if (i % 10 === 9) return "}";
    if (i % 10 === 0) return "";
    return `  const v${i} = compute(${i}, "x");`;
  });
}

Deno.test("applyPatch many hunks in a large file give the same bytes as git apply", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-patch-large-" });
  try {
    const lines = codeLines(20_000);
    const text = lines.join("\n") + "\n";
    await Deno.writeTextFile(join(dir, "f.txt"), text);
    await sh("git init -q . && git add f.txt", dir);
    // One-line changes every 40 lines, some deleting a closing brace, plus an
    // added line: 600 hunks of git's own making.
    const edited = lines.flatMap((l, i) =>
      i % 40 === 13
        ? [l.replace('"x"', '"y"')]
        : i % 400 === 39
        ? []
        : i % 400 === 25
        ? [l, "// added"]
        : [l]
    );
    await Deno.writeTextFile(join(dir, "f.txt"), edited.join("\n") + "\n");
    await sh("git diff -- f.txt > p.diff && git checkout -q -- f.txt", dir);
    // The file gains lines at the top after the diff was made: every hunk
    // is found at an offset, by both appliers.
    const shifted = "// header 1\n// header 2\n" + text;
    await Deno.writeTextFile(join(dir, "f.txt"), shifted);
    await sh("git apply p.diff && mv f.txt git.txt", dir);
    await Deno.writeTextFile(join(dir, "f.txt"), shifted);
    const diff = await Deno.readTextFile(join(dir, "p.diff"));
    const r = await applyPatch(diff, { cwd: dir });
    assert.equal(r.ok, true);
    const hunks = r.ok ? r.files[0]!.hunks : [];
    assert.equal(hunks.length, 600);
    assert.ok(hunks.every((h) => h.strategy === "offset"));
    assert.equal(
      await Deno.readTextFile(join(dir, "f.txt")),
      await Deno.readTextFile(join(dir, "git.txt")),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyToText many hunks still place a whitespace-altered one among exact ones", () => {
  const lines = codeLines(5_000);
  const text = lines.join("\n") + "\n";
  const hunks: string[] = [];
  for (let at = 100; at < 5_000; at += 100) {
    const ctx = (i: number) =>
      at === 2_500 && i === at + 2 ? lines[i]!.replace("  ", "    ") : lines[i]!;
    hunks.push(
      `@@ -${at},5 +${at},5 @@\n ${ctx(at - 1)}\n ${ctx(at)}\n-${lines[at + 1]}\n+changed ${at}\n ${
        ctx(at + 2)
      }\n ${ctx(at + 3)}\n`,
    );
  }
  const fp = parsePatch(`--- a/f\n+++ b/f\n${hunks.join("")}`)[0]!;
  const out = applyToText(text, fp).split("\n");
  for (let at = 100; at < 5_000; at += 100) assert.equal(out[at + 1], `changed ${at}`);
  assert.equal(out.length, lines.length + 1);
});

Deno.test("applyToText refuses an ambiguous hunk in a large file, naming both places", () => {
  const lines = codeLines(20_000);
  // The same three lines at two places far apart; the header points at neither.
  lines[3_001] = "dup a";
  lines[3_002] = "dup b";
  lines[3_003] = "dup c";
  lines[15_001] = "dup a";
  lines[15_002] = "dup b";
  lines[15_003] = "dup c";
  const fp = parsePatch(
    "--- a/f\n+++ b/f\n@@ -9000,3 +9000,3 @@\n dup a\n-dup b\n+dup B\n dup c\n",
  )[0]!;
  assert.throws(
    () => applyToText(lines.join("\n") + "\n", fp),
    /hunk 1 .*its context matches exactly at 2 places \(lines 3002, 15002\)/,
  );
});

Deno.test("applyToText an all-brace hunk anchored by its header among thousands of braces", () => {
  const lines = codeLines(20_000);
  // Lines 10 and 19 (1-based 10..20) hold "}" and "": a hunk of only common lines.
  const fp = parsePatch(`--- a/f\n+++ b/f\n@@ -10,2 +10,2 @@\n }\n-\n+// was blank\n`)[0]!;
  const out = applyToText(lines.join("\n") + "\n", fp).split("\n");
  assert.equal(out[10], "// was blank");
  assert.equal(out[20], "");
});
