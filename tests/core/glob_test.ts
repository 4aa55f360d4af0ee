import assert from "node:assert/strict";
import { globMatch, globMatcher } from "../../core/glob.ts";

Deno.test("globMatch keeps regex operators literal", () => {
  for (const literal of ["file(1).txt", "a|b", "a.b+c", "^x$", "a[b"]) {
    assert.ok(globMatch(literal, literal), literal);
  }
  assert.ok(!globMatch("a|b", "a"));
  assert.ok(!globMatch("a.b", "axb"));
  assert.ok(!globMatch("(a|b)", "a"));
});

Deno.test("globMatch treats ?, { } and [ ] as glob syntax, not regex", () => {
  assert.ok(globMatch("a?c", "abc"));
  assert.ok(!globMatch("a?c", "ac"), "? is exactly one character, not an optional one");
  assert.ok(globMatch("*.{yml,yaml}", "build.yaml"));
  assert.ok(!globMatch("x{2}", "xx"), "{2} is no regex repetition");
  assert.ok(globMatch("[abc]x", "bx"));
  assert.ok(!globMatch("[abc]x", "dx"));
});

Deno.test("globMatch stops * at / in path globs and crosses / in word globs", () => {
  assert.ok(globMatch("src/*.ts", "src/a.ts"));
  assert.ok(!globMatch("src/*.ts", "src/a/b.ts"));
  assert.ok(globMatch("src/**/*.ts", "src/a/b.ts"));
  assert.ok(globMatch("src/**/*.ts", "src/b.ts"));
  assert.ok(globMatch(".git/**", ".git/hooks/pre-commit"), "dot files match");
  assert.ok(globMatch("*.sslverify=false", "http.https://x/.sslverify=false"));
  assert.ok(globMatch("azure-pipelines*.yml", "azure-pipelines.prod.yml"));
});

Deno.test("globMatch ignores case only when asked", () => {
  assert.ok(!globMatch("release*", "Release-1"));
  assert.ok(globMatch("release*", "Release-1", { caseInsensitive: true }));
  const matcher = globMatcher("*.PS1", { caseInsensitive: true });
  assert.ok(matcher("run.ps1") && matcher("dir/RUN.Ps1") && !matcher("run.ps"));
});

Deno.test("globMatch treats a leading ! as a literal, not a negation", () => {
  assert.ok(globMatch("!x", "!x"));
  assert.ok(!globMatch("!x", "y"));
});
