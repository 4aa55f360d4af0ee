import assert from "node:assert/strict";
import { extractDiff, parsePatch } from "../../patch/patch.ts";

const DIFF = "--- a/src/x.ts\n+++ b/src/x.ts\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n";

Deno.test("extractDiff takes the diff out of prose and a diff fence", () => {
  const reply =
    `The bug is in x.ts. Here is the fix:\n\n\`\`\`diff\n${DIFF}\`\`\`\n\nThis keeps the API.`;
  assert.equal(extractDiff(reply), DIFF);
});

Deno.test("extractDiff accepts fences without a language, with patch, and with tildes", () => {
  for (const open of ["```", "```patch", "~~~"]) {
    const close = open.startsWith("~") ? "~~~" : "```";
    assert.equal(extractDiff(`Fix:\n${open}\n${DIFF}${close}\nDone.`), DIFF, open);
  }
});

Deno.test("extractDiff joins one fenced block per file and drops prose between", () => {
  const second = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hello\n";
  const reply = `First:\n\`\`\`diff\n${DIFF}\`\`\`\nAnd a new file:\n\`\`\`diff\n${second}\`\`\`\n`;
  assert.equal(extractDiff(reply), DIFF + second);
});

Deno.test("extractDiff does not close a fence on a context line that is a fence", () => {
  const md = "--- a/README.md\n+++ b/README.md\n@@ @@\n ```\n-old\n+new\n ```\n";
  assert.equal(extractDiff("```diff\n" + md + "```\n"), md);
});

Deno.test("extractDiff normalises CRLF replies and keeps an unfenced diff", () => {
  const reply = "Sure.\r\n" + DIFF.replaceAll("\n", "\r\n") + "\r\nHope this helps.\r\n";
  assert.equal(extractDiff(reply), DIFF);
});

Deno.test("extractDiff returns null when the reply holds no diff", () => {
  assert.equal(extractDiff("I could not find the problem.\n```ts\nconst x = 1;\n```\n"), null);
});

Deno.test("extractDiff adds a bare header when a body follows the file header directly", () => {
  const d = extractDiff("--- x\n+++ x\n one\n-two\n+2\n")!;
  assert.equal(d, "--- x\n+++ x\n@@ @@\n one\n-two\n+2\n");
});

Deno.test("parsePatch strips a/ b/ prefixes and keeps plain paths", () => {
  assert.equal(parsePatch(DIFF)[0]!.newPath, "src/x.ts");
  const plain = parsePatch("--- src/x.ts\n+++ src/x.ts\n@@ @@\n-a\n+b\n")[0]!;
  assert.equal(plain.oldPath, "src/x.ts");
  assert.equal(plain.kind, "modify");
});

Deno.test("parsePatch reads new and deleted files from /dev/null and git headers", () => {
  const files = parsePatch(
    "diff --git a/n.txt b/n.txt\nnew file mode 100644\n--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+x\n" +
      "diff --git a/d.txt b/d.txt\ndeleted file mode 100644\n--- a/d.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n" +
      "diff --git a/empty.txt b/empty.txt\nnew file mode 100644\n",
  );
  assert.deepEqual(
    files.map((f) => [f.kind, f.oldPath, f.newPath]),
    [["create", null, "n.txt"], ["delete", "d.txt", null], ["create", null, "empty.txt"]],
  );
});

Deno.test("parsePatch keeps bare headers, drops timestamps and unquotes paths", () => {
  const [f] = parsePatch(
    '--- "a/sp ace\\303\\251.txt"\t2024-01-01 00:00:00\n+++ "b/sp ace\\303\\251.txt"\n@@\n-a\n+b\n',
  );
  assert.equal(f!.newPath, "sp aceé.txt");
  assert.equal(f!.hunks[0]!.header, null);
  const [g] = parsePatch("--- x.txt 2024-01-01 10:00:00.000 +0000\n+++ x.txt\n@@ @@\n-a\n+b\n");
  assert.equal(g!.oldPath, "x.txt");
});

Deno.test("parsePatch reads the body past counts that are too small", () => {
  const [f] = parsePatch("--- a/x\n+++ b/x\n@@ -1,1 +1,1 @@\n one\n-two\n+2\n three\n");
  assert.equal(f!.hunks[0]!.lines.length, 4);
});

Deno.test("parsePatch ends a hunk at the next file even when counts are too large", () => {
  const files = parsePatch(
    "--- a/x\n+++ b/x\n@@ -1,9 +1,9 @@\n-a\n+b\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-c\n+d\n",
  );
  assert.equal(files.length, 2);
  assert.deepEqual(files[0]!.hunks[0]!.lines.map((l) => l.kind + l.text), ["-a", "+b"]);
});

Deno.test("parsePatch treats --- and +++ lines inside the counts as body", () => {
  const [f] = parsePatch("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n--- old\n+++ new\n a\n");
  assert.deepEqual(f!.hunks[0]!.lines.map((l) => l.kind + l.text), ["--- old", "+++ new", " a"]);
});

Deno.test("parsePatch records no-newline markers per side", () => {
  const [f] = parsePatch(
    "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n",
  );
  assert.equal(f!.hunks[0]!.oldNoNewline, true);
  assert.equal(f!.hunks[0]!.newNoNewline, false);
});

Deno.test("parsePatch rejects a hunk before any file header", () => {
  assert.throws(() => parsePatch("@@ -1 +1 @@\n-a\n+b\n"), /comes before any file header/);
});

Deno.test("extractDiff turns an elision line inside a hunk into a new bare hunk", () => {
  const d = extractDiff("```diff\n--- a/x\n+++ b/x\n@@ @@\n a\n-b\n+c\n...\n d\n-e\n+f\n```\n");
  assert.equal(d, "--- a/x\n+++ b/x\n@@ @@\n a\n-b\n+c\n@@ @@\n d\n-e\n+f\n");
});

Deno.test("extractDiff is idempotent, so callers may extract before applyPatch does", () => {
  const replies = [
    `Fix:\n\`\`\`diff\n${DIFF}\`\`\`\n`,
    "--- x\n+++ x\n one\n-two\n+2\n...\n four\n-five\n+5\n\nThanks!\n",
    "diff --git a/n b/n\nnew file mode 100644\n--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+x\n",
  ];
  for (const reply of replies) {
    const once = extractDiff(reply)!;
    assert.equal(extractDiff(once), once);
  }
});
