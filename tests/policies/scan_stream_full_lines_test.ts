// A diff file's content checks read every added line up to 5000 lines and
// only the lines a rule's pattern picks past that. The streamed scan must
// agree with the whole-text scan on files just under, at and over 5000
// lines, with an encoded secret that only the every-line reading finds (a
// token split across two literals with a line without quotes between).
import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import { scanText } from "../../policies/scan.ts";
import { scanSource } from "../../policies/scan_stream.ts";

const engine = await loadPolicy({});

function diffOf(n: number, token: string, at: number[]): string {
  const lines: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (at.includes(i)) lines.push(`const a = "${token.slice(0, 12)}"`);
    else if (at.includes(i - 1)) lines.push("  +");
    else if (at.includes(i - 2)) lines.push(`  "${token.slice(12)}";`);
    else lines.push(`  x = y + ${i % 97};`);
  }
  return [
    "diff --git a/src/big.ts b/src/big.ts",
    "new file mode 100644",
    "--- /dev/null",
    "+++ b/src/big.ts",
    `@@ -0,0 +1,${n} @@`,
    ...lines.map((l) => "+" + l),
    "",
  ].join("\n");
}

Deno.test("streamed content checks agree with the whole scan around 5000 added lines", async () => {
  const token = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5";
  const path = await Deno.makeTempFile({ suffix: ".diff" });
  try {
    for (const n of [4960, 4999, 5000, 5001, 5003, 5040]) {
      const text = diffOf(n, token, [n - 3]);
      await Deno.writeTextFile(path, text);
      const want = scanText(engine, text);
      // Every line is read up to 5000 lines: the split token is found;
      // past that the line between its halves is not picked and it is not.
      assert.equal(want.some((f) => f.rule === "secret.encoded"), n <= 5000, `${n} lines`);
      for (const fileCap of [1 << 20, 4096]) {
        const got = await scanSource(engine, { path }, { wholeBelow: 0, fileCap });
        assert.equal(got.mode, "diff");
        assert.deepStrictEqual(got.findings, want, `${n} lines, fileCap ${fileCap}`);
      }
    }
  } finally {
    await Deno.remove(path);
  }
});
