import assert from "node:assert/strict";
import { join } from "node:path";
import { applyPatch, extractDiff, MAX_PATCH_CHARS, parsePatch } from "../../patch/patch.ts";

async function dirWith(text: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-large-" });
  await Deno.writeTextFile(join(dir, "x.txt"), text);
  return dir;
}

/** A reply of about `mb` MB: prose, then one fenced hunk adding `lines` lines. */
function reply(mb: number): string {
  const line = "+" + "y".repeat(63) + "\n";
  const n = Math.floor((mb * 1024 * 1024) / line.length);
  return "Here is the fix:\n```diff\n--- a/x.txt\n+++ b/x.txt\n@@ -1,3 +1,3 @@\n a\n-b\n" +
    line.repeat(n) + " c\n```\nDone.\n";
}

Deno.test("applyPatch refuses a 57 MB reply with a clear error, without parsing it", async () => {
  const dir = await dirWith("a\nb\nc\n");
  try {
    const big = reply(57);
    assert.ok(big.length > MAX_PATCH_CHARS);
    const r = await applyPatch(big, { cwd: dir });
    assert.equal(r.ok, false);
    assert.match(r.error!, /57\.\d MB; the applier accepts at most 16\.0 MB/);
    assert.equal(await Deno.readTextFile(join(dir, "x.txt")), "a\nb\nc\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyPatch handles a 57 MB reply when allowed to, without a stack overflow", async () => {
  const dir = await dirWith("a\nb\nc\n");
  try {
    const big = reply(57);
    const r = await applyPatch(big, { cwd: dir, check: true, maxChars: big.length });
    assert.equal(r.ok, true, r.error);
    assert.equal(r.files[0]!.path, "x.txt");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("extractDiff and parsePatch stay linear on pathological long lines", () => {
  const fence = "```" + " ".repeat(2_000_000) + "x\n";
  const header = "@@ " + " ".repeat(2_000_000) + "x\n";
  // The fence is too long to be one; the header line is kept as a hunk header.
  assert.ok(extractDiff(fence + header)!.startsWith("@@ "));
  assert.throws(() => parsePatch(header), /comes before any file header/);
  const [fp] = parsePatch("--- a/x\n+++ b/x\n" + header + " a\n");
  assert.equal(fp!.hunks[0]!.header, null);
});

Deno.test("a hunk of 200k unmatched lines fails with a clear error instead of a fuzzy search", async () => {
  const dir = await dirWith("a\nb\nc\n");
  try {
    const ctx = " nope\n".repeat(200_000);
    const r = await applyPatch(`--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n${ctx}-b\n+B\n`, {
      cwd: dir,
    });
    assert.equal(r.ok, false);
    assert.match(r.error!, /too large to search fuzzily|not in the file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
