import assert from "node:assert/strict";
import { anyGlobMatcher, globMatch } from "../../core/glob.ts";
import { loadPolicy } from "../../policies/engine.ts";

// anyGlobMatcher must say exactly what `globs.some(globMatch)` says: the scan
// uses it for every rule's `files` and `match.path` globs.

let seed = 7;
const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
const SEGMENTS = [
  ".github",
  "workflows",
  "ci.yml",
  "src",
  "a",
  "B",
  ".npmrc",
  "package.json",
  "yarn.lock",
  "Dockerfile",
  "x.ts",
  ".env",
  ".env.local",
  "deploy",
  "main.tf",
  "azure-pipelines.yml",
  "id_rsa",
  "",
  "..",
  "c d",
];
const path = () =>
  Array.from({ length: 1 + rnd(4) }, () => SEGMENTS[rnd(SEGMENTS.length)]!).join("/");

Deno.test("anyGlobMatcher agrees with some(globMatch) on the default policy's globs", async () => {
  const engine = await loadPolicy({});
  const sets = engine.policy.rules.flatMap((r) => [r.match.path, r.files])
    .filter((g): g is string[] => Array.isArray(g) && g.length > 0);
  assert.ok(sets.length >= 5, `only ${sets.length} glob sets in the default policy`);
  let hits = 0;
  for (const globs of sets) {
    const folded = globs.map((g) => g.toLowerCase());
    const any = anyGlobMatcher(folded);
    for (let i = 0; i < 300; i++) {
      const p = path().toLowerCase();
      const want = folded.some((g) => globMatch(g, p));
      if (want) hits++;
      assert.equal(any(p), want, `${JSON.stringify(folded)} on ${p}`);
    }
  }
  assert.ok(hits > 50, `only ${hits} matching cases: the generator does not exercise matches`);
});

Deno.test("anyGlobMatcher: plain words, slashes, stand-ins and case options as globMatch", () => {
  const globs = ["Makefile", "**/.github/**", "*.lock", "docs/*.md", "a?c", "{x,y}.ts"];
  const texts = [
    "Makefile",
    "makefile",
    "a/.github/w.yml",
    ".github/x",
    "yarn.lock",
    "dir/yarn.lock",
    "docs/a.md",
    "docs/a/b.md",
    "abc",
    "a/c",
    "x.ts",
    "z.ts",
    "",
  ];
  for (const caseInsensitive of [false, true]) {
    const any = anyGlobMatcher(globs, { caseInsensitive });
    for (const t of texts) {
      assert.equal(
        any(t),
        globs.some((g) => globMatch(g, t, { caseInsensitive })),
        `${t} (caseInsensitive ${caseInsensitive})`,
      );
    }
  }
  assert.equal(anyGlobMatcher([])("anything"), false);
});
