/**
 * Fault localisation across languages, on real repositories: each case is a
 * small git repository whose failing test reaches the module that holds the
 * bug only through the import graph (a re-export, a package `__init__`, the
 * same Go or Java package, a crate path, `require_relative`), runs the real
 * toolchain on it, turns its genuine output into failures the way the gate
 * runner does, and builds the fixer's first prompt with the real prompt
 * builder. The prompt must show the module with the bug, by its
 * repository-relative path, and name no absolute path.
 */
import assert from "node:assert/strict";
import { buildFixerMessages } from "../../agents/fixer.ts";
import { extractChunks } from "../../gates/extract.ts";
import { extractFailures } from "../../gates/failures.ts";
import { repoRelativeFailure, repoRelativeText } from "../../gates/paths.ts";

interface LangCase {
  name: string;
  /** A tool that must be installed (the case is ignored without it). */
  tool: string;
  files: Record<string, string>;
  /** Runs the failing test (bash). */
  cmd: string;
  /** The file that holds the bug, and a line of it the prompt must show. */
  bug: string;
  marker: string;
}

const CASES: LangCase[] = [
  {
    name: "JavaScript: require of a directory index that re-exports the module",
    tool: "node",
    files: {
      "package.json": '{"name":"shop","version":"1.0.0"}\n',
      "src/index.js": 'module.exports = { ...require("./pricing/total.js") };\n',
      "src/pricing/total.js":
        "// BUG_MARKER_JS\nfunction total(items) {\n  return items.reduce((s, i) => s + i.price, 1);\n}\nmodule.exports = { total };\n",
      "test/total.test.js":
        'const test = require("node:test");\nconst assert = require("node:assert/strict");\nconst { total } = require("../src");\n\ntest("total adds prices", () => {\n  assert.equal(total([{ price: 2 }, { price: 3 }]), 5);\n});\n',
    },
    cmd: "node --test test/",
    bug: "src/pricing/total.js",
    marker: "BUG_MARKER_JS",
  },
  {
    name: "TypeScript: tsconfig paths alias and an ESM barrel",
    tool: "deno",
    files: {
      "deno.json": '{"imports":{"@/":"./src/"}}\n',
      "tsconfig.json":
        '{\n  // aliases, as in most TS projects\n  "compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]},},\n}\n',
      "src/money/index.ts": 'export { round } from "./round.ts";\n',
      "src/money/round.ts":
        "// BUG_MARKER_TS\nexport function round(x: number): number {\n  return Math.floor(x);\n}\n",
      "tests/round_test.ts":
        'import { round } from "@/money/index.ts";\n\nDeno.test("round to nearest", () => {\n  if (round(2.6) !== 3) throw new Error(`round(2.6) = ${round(2.6)}`);\n});\n',
    },
    cmd: "deno test --no-check -q tests/",
    bug: "src/money/round.ts",
    marker: "BUG_MARKER_TS",
  },
  {
    name: "Python: a package __init__ that imports from a submodule (relative import)",
    tool: "python3",
    files: {
      "shop/__init__.py": "from .pricing import total\n",
      "shop/pricing.py": "# BUG_MARKER_PY\ndef total(prices):\n    return sum(prices) + 1\n",
      "tests/test_total.py":
        'import unittest\n\nfrom shop import total\n\n\nclass TotalTest(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(total([2, 3]), 5)\n\n\nif __name__ == "__main__":\n    unittest.main()\n',
    },
    cmd: "python3 -m unittest tests.test_total",
    bug: "shop/pricing.py",
    marker: "BUG_MARKER_PY",
  },
  {
    name: "Python: from pkg.mod import x under src/",
    tool: "python3",
    files: {
      "src/shop/__init__.py": "",
      "src/shop/tax.py": "# BUG_MARKER_PY2\ndef vat(x):\n    return x * 1.02\n",
      "tests/test_tax.py":
        "from shop.tax import vat\n\n\ndef test_vat():\n    assert round(vat(100), 2) == 120.0\n\n\nif __name__ == '__main__':\n    test_vat()\n",
    },
    cmd: "PYTHONPATH=src python3 tests/test_tax.py",
    bug: "src/shop/tax.py",
    marker: "BUG_MARKER_PY2",
  },
  {
    name: "Go: the same package's file under test (go test prints a bare file name)",
    tool: "go",
    files: {
      "go.mod": "module example.com/shop\n\ngo 1.19\n",
      "pkg/calc/ratio.go":
        "package calc\n\n// BUG_MARKER_GO\nfunc Ratio(a, b int) float64 { return float64(a * b) }\n",
      "pkg/calc/ratio_test.go":
        'package calc\n\nimport "testing"\n\nfunc TestRatio(t *testing.T) {\n\tif got := Ratio(10, 4); got != 2.5 {\n\t\tt.Errorf("Ratio(10, 4) = %v, want 2.5", got)\n\t}\n}\n',
    },
    cmd: "GOFLAGS=-mod=mod GOPROXY=off go test ./...",
    bug: "pkg/calc/ratio.go",
    marker: "BUG_MARKER_GO",
  },
  {
    name: "Go: a package of the module imported by the failing test (nested go.mod)",
    tool: "go",
    files: {
      "services/api/go.mod": "module example.com/api\n\ngo 1.19\n",
      "services/api/internal/stats/mean.go":
        "package stats\n\n// BUG_MARKER_GO2\nfunc Mean(xs []float64) float64 {\n\ts := 0.0\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s / float64(len(xs)+1)\n}\n",
      "services/api/report/report_test.go":
        'package report\n\nimport (\n\t"testing"\n\n\t"example.com/api/internal/stats"\n)\n\nfunc TestMean(t *testing.T) {\n\tif m := stats.Mean([]float64{2, 4}); m != 3 {\n\t\tt.Fatalf("mean = %v", m)\n\t}\n}\n',
    },
    cmd: "cd services/api && GOFLAGS=-mod=mod GOPROXY=off go test ./...",
    bug: "services/api/internal/stats/mean.go",
    marker: "BUG_MARKER_GO2",
  },
  {
    name: "Rust: an integration test using the crate's module by its crate name",
    tool: "cargo",
    files: {
      "Cargo.toml": '[package]\nname = "shop-core"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/lib.rs": "pub mod stats;\n",
      "src/stats.rs":
        "// BUG_MARKER_RS\npub fn mean(xs: &[f64]) -> f64 {\n    xs.iter().sum::<f64>() / (xs.len() as f64 + 1.0)\n}\n",
      "tests/mean.rs":
        "use shop_core::stats::mean;\n\n#[test]\nfn mean_of_two() {\n    assert_eq!(mean(&[2.0, 4.0]), 3.0);\n}\n",
    },
    cmd: "cargo test -q --offline",
    bug: "src/stats.rs",
    marker: "BUG_MARKER_RS",
  },
  {
    name: "Java: the class under test in the same package of src/main/java",
    tool: "javac",
    files: {
      "src/main/java/com/acme/Calc.java":
        "package com.acme;\n\n// BUG_MARKER_JAVA\npublic class Calc {\n  public static int add(int a, int b) { return a - b; }\n}\n",
      "src/main/java/com/acme/Unused.java": "package com.acme;\n\npublic class Unused {}\n",
      "src/test/java/com/acme/CalcTest.java":
        'package com.acme;\n\npublic class CalcTest {\n  public static void main(String[] args) {\n    int got = Calc.add(2, 3);\n    if (got != 5) throw new AssertionError("add(2, 3) = " + got);\n  }\n}\n',
    },
    cmd:
      "javac -d out src/main/java/com/acme/*.java src/test/java/com/acme/CalcTest.java && java -cp out com.acme.CalcTest",
    bug: "src/main/java/com/acme/Calc.java",
    marker: "BUG_MARKER_JAVA",
  },
  {
    name: "Java: an imported class of another package",
    tool: "javac",
    files: {
      "src/main/java/com/acme/money/Rounding.java":
        "package com.acme.money;\n\n// BUG_MARKER_JAVA2\npublic class Rounding {\n  public static long cents(double x) { return (long) x; }\n}\n",
      "src/test/java/com/acme/app/InvoiceTest.java":
        'package com.acme.app;\n\nimport com.acme.money.Rounding;\n\npublic class InvoiceTest {\n  public static void main(String[] args) {\n    long c = Rounding.cents(2.5 * 100 + 0.6);\n    if (c != 251) throw new AssertionError("cents = " + c);\n  }\n}\n',
    },
    cmd:
      "javac -d out src/main/java/com/acme/money/Rounding.java src/test/java/com/acme/app/InvoiceTest.java && java -cp out com.acme.app.InvoiceTest",
    bug: "src/main/java/com/acme/money/Rounding.java",
    marker: "BUG_MARKER_JAVA2",
  },
  {
    name: "Ruby: require_relative from a minitest test",
    tool: "ruby",
    files: {
      "lib/shop/cart.rb":
        "# BUG_MARKER_RB\nmodule Shop\n  def self.total(prices)\n    prices.sum + 1\n  end\nend\n",
      "test/cart_test.rb":
        'require "minitest/autorun"\nrequire_relative "../lib/shop/cart"\n\nclass CartTest < Minitest::Test\n  def test_total\n    assert_equal 5, Shop.total([2, 3])\n  end\nend\n',
    },
    cmd: "ruby test/cart_test.rb",
    bug: "lib/shop/cart.rb",
    marker: "BUG_MARKER_RB",
  },
  {
    name: "JavaScript: a project frame of a stack trace deep in the call chain",
    tool: "node",
    files: {
      "package.json": '{"name":"app","version":"1.0.0","type":"module"}\n',
      "src/a.js":
        'import { parse } from "./util/parse.js";\nexport const run = (s) => parse(s).length;\n',
      "src/util/parse.js":
        "// BUG_MARKER_TRACE\nexport function parse(s) {\n  return s.config.items;\n}\n",
      "scripts/main.js": 'import { run } from "../src/a.js";\nconsole.log(run("x"));\n',
    },
    cmd: "node scripts/main.js",
    bug: "src/util/parse.js",
    marker: "BUG_MARKER_TRACE",
  },
  // Project frames of stack traces: the bug sits three imports deep, past
  // what import following reaches; only the trace names it.
  {
    name: "Python: a traceback frame three imports deep",
    tool: "python3",
    files: {
      "app/__init__.py": "",
      "app/main.py": "from app.a import run\n\nrun()\n",
      "app/a.py": "from app.b import step\n\n\ndef run():\n    step()\n",
      "app/b.py": "from app.c import parse\n\n\ndef step():\n    parse('')\n",
      "app/c.py": "# BUG_MARKER_PYTRACE\ndef parse(s):\n    return s.split(',')[1]\n",
    },
    cmd: "python3 -m app.main",
    bug: "app/c.py",
    marker: "BUG_MARKER_PYTRACE",
  },
  {
    name: "Go: a panic's frame in a package three imports deep",
    tool: "go",
    files: {
      "go.mod": "module example.com/app\n\ngo 1.19\n",
      "main.go": 'package main\n\nimport "example.com/app/a"\n\nfunc main() { a.Run() }\n',
      "a/a.go": 'package a\n\nimport "example.com/app/b"\n\nfunc Run() { b.Step() }\n',
      "b/b.go": 'package b\n\nimport "example.com/app/c"\n\nfunc Step() { c.Parse(nil) }\n',
      "c/c.go":
        "package c\n\n// BUG_MARKER_GOTRACE\nfunc Parse(xs []int) int {\n\treturn xs[1]\n}\n",
    },
    cmd: "GOFLAGS=-mod=mod GOPROXY=off go run .",
    bug: "c/c.go",
    marker: "BUG_MARKER_GOTRACE",
  },
  {
    name: "Java: an exception's frame in a class of another package",
    tool: "javac",
    files: {
      "src/main/java/com/acme/App.java":
        "package com.acme;\n\nimport com.acme.a.Runner;\n\npublic class App {\n  public static void main(String[] args) { Runner.run(); }\n}\n",
      "src/main/java/com/acme/a/Runner.java":
        "package com.acme.a;\n\nimport com.acme.b.Step;\n\npublic class Runner {\n  public static void run() { Step.step(); }\n}\n",
      "src/main/java/com/acme/b/Step.java":
        'package com.acme.b;\n\nimport com.acme.deep.Parser;\n\npublic class Step {\n  public static void step() { Parser.parse(""); }\n}\n',
      "src/main/java/com/acme/deep/Parser.java":
        'package com.acme.deep;\n\n// BUG_MARKER_JAVATRACE\npublic class Parser {\n  public static String parse(String s) { return s.split(",")[1]; }\n}\n',
    },
    cmd: "javac -d out $(find src -name '*.java') && java -cp out com.acme.App",
    bug: "src/main/java/com/acme/deep/Parser.java",
    marker: "BUG_MARKER_JAVATRACE",
  },
  {
    name: "Ruby: an exception's frame three requires deep",
    tool: "ruby",
    files: {
      "bin/run.rb": 'require_relative "../lib/a"\nA.run\n',
      "lib/a.rb": 'require_relative "b"\nmodule A\n  def self.run = B.step\nend\n',
      "lib/b.rb": 'require_relative "deep/c"\nmodule B\n  def self.step = C.parse(nil)\nend\n',
      "lib/deep/c.rb":
        "# BUG_MARKER_RBTRACE\nmodule C\n  def self.parse(s)\n    s.split(',')\n  end\nend\n",
    },
    cmd: "ruby bin/run.rb",
    bug: "lib/deep/c.rb",
    marker: "BUG_MARKER_RBTRACE",
  },
];

/**
 * Whether the tool runs, not only whether its name is on PATH: a rustup shim
 * with no default toolchain (or HOME moved away from it) is on PATH and fails.
 */
async function have(tool: string): Promise<boolean> {
  const probe = `command -v ${tool} && { ${tool} --version || ${tool} version; }`;
  return (await new Deno.Command("bash", {
    args: ["-c", probe],
    stdout: "null",
    stderr: "null",
  }).output()).success;
}

async function sh(cwd: string, cmd: string): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command("bash", {
    args: ["-c", `exec 2>&1; ${cmd}`],
    cwd,
    stdout: "piped",
    env: { NO_COLOR: "1", GOCACHE: `${cwd}/.cache/go`, CARGO_TARGET_DIR: `${cwd}/.cache/target` },
  }).output();
  return { code: out.code, output: new TextDecoder().decode(out.stdout) };
}

const count = (t: string) => Math.ceil(t.length / 4);

for (const c of CASES) {
  Deno.test({
    name: `fixer's first prompt shows the module with the bug — ${c.name}`,
    ignore: !(await have(c.tool)),
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "fleet-orch-loc-" });
      try {
        for (const [p, text] of Object.entries(c.files)) {
          await Deno.mkdir(`${root}/${p}`.slice(0, `${root}/${p}`.lastIndexOf("/")), {
            recursive: true,
          });
          await Deno.writeTextFile(`${root}/${p}`, text);
        }
        await Deno.writeTextFile(`${root}/.gitignore`, ".cache/\nout/\ntarget/\n");
        const init = await sh(
          root,
          "git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm init",
        );
        assert.equal(init.code, 0, init.output);
        const run = await sh(root, c.cmd);
        assert.notEqual(run.code, 0, `the test must fail:\n${run.output}`);
        // What the gate runner does with a gate's output.
        const output = repoRelativeText(run.output, root);
        const failures = extractFailures("test", output).map((f) => repoRelativeFailure(f, root));
        const logChunk = extractChunks(output)[0]?.text;
        const files = (await sh(root, "git ls-files")).output.trim().split("\n");
        const messages = await buildFixerMessages({
          failures,
          ...(logChunk !== undefined ? { logChunk } : {}),
          repoRoot: root,
          readFile: async (p) => {
            try {
              return await Deno.readTextFile(`${root}/${p}`);
            } catch {
              return null;
            }
          },
          listFiles: () => Promise.resolve(files),
          history: [],
          redact: (t) => t,
        }, count);
        const prompt = messages.map((m) => m.content).join("\n");
        const section = prompt.split("## Files the failures point at\n")[1]?.split("\n## ")[0] ??
          "";
        assert.ok(
          section.includes(`### ${c.bug} `) && section.includes(c.marker),
          `the prompt's file windows lack ${c.bug}:\n${
            section.slice(0, 3000)
          }\n--- output:\n${run.output}`,
        );
        assert.ok(!prompt.includes(root), "an absolute path of the repository reached the prompt");
        for (const f of failures) {
          assert.ok(!f.file?.startsWith("/"), `absolute failure file ${f.file}`);
        }
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}
