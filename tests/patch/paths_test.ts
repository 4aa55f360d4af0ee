import assert from "node:assert/strict";
import { canonicalPath, decodeGitQuoted, parsePatch } from "../../patch/patch.ts";

Deno.test("canonicalPath gives one spelling per file", () => {
  const same: Array<[string, string]> = [
    ["./.github/workflows/ci.yml", ".github/workflows/ci.yml"],
    [".github//workflows/ci.yml", ".github/workflows/ci.yml"],
    [".github/./workflows/ci.yml", ".github/workflows/ci.yml"],
    ["src/../fleet-orch.yaml", "fleet-orch.yaml"],
    [".github\\workflows\\ci.yml", ".github/workflows/ci.yml"],
    ['"\\303\\244.txt"', "\u00e4.txt"],
    ["a\u0308.txt", "\u00e4.txt"], // NFD to NFC
  ];
  for (const [raw, want] of same) {
    const c = canonicalPath(raw);
    assert.ok(c.ok, raw);
    assert.equal(c.path, want, raw);
  }
});

Deno.test("canonicalPath refuses absolute, outside, .git and control-character paths", () => {
  const refused: Array<[string, RegExp]> = [
    ["/etc/passwd", /absolute/],
    ["C:/Windows/x", /absolute/],
    ["../x", /leaves the repository/],
    ["src/../../x", /leaves the repository/],
    [".git/config", /\.git/],
    ["sub/.GIT/hooks/x", /\.git/],
    [".git./config", /\.git/],
    ["GIT~1/config", /\.git/],
    ["a\nb", /control character/],
    ["", /empty/],
  ];
  for (const [raw, why] of refused) {
    const c = canonicalPath(raw);
    assert.equal(c.ok, false, raw);
    if (!c.ok) assert.match(c.reason, why, raw);
  }
});

Deno.test("decodeGitQuoted decodes octal UTF-8 bytes and named escapes", () => {
  assert.equal(decodeGitQuoted('a/\\303\\244\\tb\\"c\\\\'), 'a/\u00e4\tb"c\\');
});

Deno.test("parsePatch canonicalises both sides and keeps every spelling the headers used", () => {
  const [fp] = parsePatch(
    'diff --git "a/\\056github/workflows/ci.yml" "b/\\056github/workflows/ci.yml"\n' +
      '--- "a/\\056github/workflows/ci.yml"\n+++ "b/\\056github/workflows/ci.yml"\n@@ -1 +1 @@\n-a\n+b\n',
  );
  assert.equal(fp!.newPath, ".github/workflows/ci.yml");
  assert.ok(fp!.names.includes(".github/workflows/ci.yml"));
  assert.equal(fp!.refused, null);
  const [half] = parsePatch("--- x.txt\n+++ b/.github/workflows/ci.yml\n@@ -1 +1 @@\n-a\n+b\n");
  assert.ok(half!.names.includes(".github/workflows/ci.yml"), JSON.stringify(half!.names));
});

Deno.test("parsePatch marks a section whose prefix hides a .. as refused", () => {
  const [fp] = parsePatch('--- "a/../x.txt"\n+++ "b/../x.txt"\n@@ -1 +1 @@\n-a\n+b\n');
  assert.match(fp!.refused ?? "", /leaves the repository/);
  const [git] = parsePatch("--- a/sub/.git/hooks/x\n+++ b/sub/.git/hooks/x\n@@ -1 +1 @@\n-a\n+b\n");
  assert.match(git!.refused ?? "", /\.git/);
});
