import assert from "node:assert/strict";
import type { Failure } from "../../core/types.ts";
import { focusPoints, importsOf, rankContext, resolveMention } from "../../agents/context.ts";
import { type AttemptRecord, formatHistory } from "../../agents/prompts.ts";
import { repoRelativeFailure, repoRelativeText } from "../../gates/paths.ts";

const ROOT = "/srv/ci/repo/.git/fleet-orch/worktrees/abc";

function failure(over: Partial<Failure>): Failure {
  return { gate: "test", tool: "generic", message: "m", excerpt: "", fingerprint: "f", ...over };
}

const count = (t: string) => Math.ceil(t.length / 4);

Deno.test("focusPoints reads project frames of stack traces in many languages", () => {
  const known = new Set([
    "src/efficiency.js",
    "app/calc.py",
    "src/main/java/com/acme/Calc.java",
    "pkg/calc/calc.go",
    "src/lib.rs",
    "lib/calc.rb",
  ]);
  const log = [
    `    at ratio (file://${ROOT}/src/efficiency.js:7:11)`,
    `  File "/home/runner/work/app/app/app/calc.py", line 12, in ratio`,
    `\tat com.acme.Calc.ratio(Calc.java:42)`,
    `    /home/runner/go/src/x/pkg/calc/calc.go:19 +0x1d`,
    `thread 'main' panicked at src/lib.rs:8:5:`,
    `/ci/lib/calc.rb:3:in 'ratio'`,
    `    at node:internal/test_runner/runner:120:5`,
    `  File "/usr/lib/python3.11/unittest/case.py", line 57, in testPartExecutor`,
  ].join("\n");
  const points = focusPoints(ROOT, [], log, known);
  const byFile = new Map(points.map((p) => [p.file, p.lines]));
  assert.deepEqual(byFile.get("src/efficiency.js"), [7]);
  assert.deepEqual(byFile.get("app/calc.py"), [12]);
  assert.deepEqual(byFile.get("src/main/java/com/acme/Calc.java"), [42]);
  assert.deepEqual(byFile.get("pkg/calc/calc.go"), [19]);
  assert.deepEqual(byFile.get("src/lib.rs"), [8]);
  assert.deepEqual(byFile.get("lib/calc.rb"), [3]);
  assert.equal(points.length, 6, "frames outside the project are left out");
});

Deno.test("resolveMention prefers the longest known suffix and refuses outsiders", () => {
  const known = new Set(["a/x.js", "b/a/x.js"]);
  assert.equal(resolveMention(ROOT, "/elsewhere/b/a/x.js", known), "b/a/x.js");
  assert.equal(resolveMention(ROOT, `${ROOT}/a/x.js`, known), "a/x.js");
  assert.equal(resolveMention(ROOT, "/usr/lib/node/y.js", known), null);
});

Deno.test("importsOf follows JS/TS, Python, Go and Rust imports to repository files", () => {
  const known = new Set([
    "src/efficiency.js",
    "src/util.ts",
    "src/lib/index.ts",
    "app/calc.py",
    "app/__init__.py",
    "app/helpers.py",
    "pkg/calc/calc.go",
    "pkg/calc/calc_test.go",
    "src/parser.rs",
    "src/model/mod.rs",
  ]);
  assert.deepEqual(
    importsOf(
      "test/efficiency.test.js",
      `import { ratio } from "../src/efficiency.js";\nconst u = require("../src/util.js");\nimport x from "../src/lib";\nimport fs from "node:fs";`,
      known,
    ).sort(),
    ["src/efficiency.js", "src/lib/index.ts", "src/util.ts"],
  );
  assert.deepEqual(
    importsOf("tests/test_calc.py", "from app.calc import ratio\nfrom app import helpers\n", known)
      .sort(),
    ["app/__init__.py", "app/calc.py", "app/helpers.py"],
  );
  assert.deepEqual(
    importsOf(
      "cmd/main.go",
      `import (\n  "fmt"\n  "example.com/m/pkg/calc"\n)`,
      known,
      "example.com/m",
    ),
    ["pkg/calc/calc.go"],
  );
  assert.deepEqual(
    importsOf("src/lib.rs", "mod parser;\nuse crate::model::Thing;\n", known).sort(),
    ["src/model/mod.rs", "src/parser.rs"],
  );
});

Deno.test("rankContext puts the module the failing test imports right after the test", async () => {
  const known = new Set([
    "test/efficiency.test.js",
    "src/efficiency.js",
    "src/other.js",
    "README.md",
  ]);
  const files: Record<string, string> = {
    "test/efficiency.test.js": `import { ratio } from "../src/efficiency.js";\n`,
    "src/efficiency.js": "export const ratio = (a, b) => a * b;\n",
  };
  const points = await rankContext(
    ROOT,
    [failure({ file: "test/efficiency.test.js", line: 5 })],
    "not ok 1 - ratio\n",
    known,
    { readFile: (p) => Promise.resolve(files[p] ?? null), changed: ["src/other.js"] },
  );
  assert.deepEqual(points.map((p) => p.file), [
    "test/efficiency.test.js",
    "src/efficiency.js",
    "src/other.js",
  ]);
});

Deno.test("repoRelativeText strips the worktree root from paths and file URLs", () => {
  const text = `at t (file://${ROOT}/test/x.test.js:4:3)\n${ROOT}/src/a.js:1\nfile:///other/b.js`;
  assert.equal(
    repoRelativeText(text, ROOT),
    "at t (test/x.test.js:4:3)\nsrc/a.js:1\nfile:///other/b.js",
  );
  const f = repoRelativeFailure(
    failure({ file: `file://${ROOT}/test/x.test.js`, excerpt: `${ROOT}/test/x.test.js:4` }),
    ROOT,
  );
  assert.equal(f.file, "test/x.test.js");
  assert.equal(f.excerpt, "test/x.test.js:4");
  assert.equal(repoRelativeText("/a/b", "/"), "/a/b", "a root of / changes nothing");
});

Deno.test("formatHistory describes earlier attempts by outcome: applied fixes are not 'do not repeat'", () => {
  const history: AttemptRecord[] = [
    {
      iteration: 1,
      summary: "Fix the lint error",
      diff: "",
      outcome: "applied",
      reasons: ["test: 1 !== 2"],
    },
    {
      iteration: 2,
      summary: "Weaken the test",
      diff: "",
      outcome: "rejected",
      reasons: ["weakens"],
    },
    { iteration: 3, summary: "Break it", diff: "", outcome: "reverted", reasons: [] },
  ];
  const text = formatHistory(history, 2000, count);
  assert.match(text, /Fix the lint error\nOutcome: applied: it is in the code now/);
  assert.doesNotMatch(text.split("iteration 2")[0]!, /do not repeat/);
  assert.match(text, /Weaken the test\nOutcome: rejected by the reviewer[^\n]*do not repeat it/);
  assert.match(text, /Break it\nOutcome: reverted/);
});
