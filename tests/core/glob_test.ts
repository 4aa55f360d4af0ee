import assert from "node:assert/strict";
import {
  compileGlob,
  globMatch,
  globMatcher,
  isPlainGlob,
  registerCompiledGlobs,
  runtimeCompiledGlobs,
} from "../../core/glob.ts";

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

Deno.test("a plain glob matches exactly its own text, as picomatch compiles it", () => {
  // isPlainGlob lets globMatcher skip picomatch: for every glob it accepts,
  // picomatch's own expression must accept exactly the glob's text.
  const alphabet = ["a", "B", "0", ".", "/", "-", "_", "=", ":", ",", "+", "@", "#", "$", "^", "%"]
    .concat(["~", "&", ";", "<", ">", "'", "`", " ", "\t", "ü", "K", "!", "*", "?", "[", "]"])
    .concat(["{", "}", "(", ")", "|", "\\", '"', "./", "//", "**"]);
  let seed = 7;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const globs = new Set(["foo", "foo/", "/foo", "a//b", "x/./y", "x/../y", ".", "..", "/", "-"]);
  while (globs.size < 3000) {
    let g = "";
    for (let i = 1 + rand(6); i > 0; i--) g += alphabet[rand(alphabet.length)];
    globs.add(g);
  }
  let plain = 0;
  for (const glob of globs) {
    if (!isPlainGlob(glob)) continue;
    plain++;
    const re = compileGlob(glob);
    const wordGlob = !glob.includes("/");
    const test = (s: string) => re.test(wordGlob ? s.replaceAll("/", "\u0000") : s);
    const subjects = [glob, `${glob}/`, `./${glob}`, glob.slice(1), glob.toUpperCase(), `x${glob}`];
    for (const s of subjects) {
      assert.equal(test(s), s === glob, `glob ${JSON.stringify(glob)} on ${JSON.stringify(s)}`);
      assert.equal(globMatch(glob, s), s === glob);
    }
  }
  assert.ok(plain > 500, `${plain} plain globs tried`);
  for (const g of ["", "./a", "a*", '"a"', "!a", "a\\b", "a(b)"]) assert.ok(!isPlainGlob(g), g);
});

Deno.test("a precompiled glob matches as picomatch does, without compiling at run time", () => {
  const globs = ["tmpfs-*.x", "pre/**/*.md", "{a,b}?c"];
  const subjects = [
    "tmpfs-1.x",
    "tmpfs-a/b.x",
    "pre/x/y.md",
    "pre/y.md",
    "pre/.y.md",
    "a1c",
    "bzc",
  ];
  const expected = globs.map((g) => subjects.map((s) => globMatch(g, s)));
  // Register different globs' sources under new names: the registered form
  // is what matches, so a table that were ignored would fail here.
  registerCompiledGlobs({ "T1*": compileGlob("tmpfs-*.x").source });
  const before = runtimeCompiledGlobs().length;
  assert.ok(globMatch("T1*", "tmpfs-1.x") && !globMatch("T1*", "T1x"));
  assert.equal(runtimeCompiledGlobs().length, before, "the registered glob was not recompiled");
  assert.ok(runtimeCompiledGlobs().includes("tmpfs-*.x"));
  assert.deepEqual(globs.map((g) => subjects.map((s) => globMatch(g, s))), expected);
});
