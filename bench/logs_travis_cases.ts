/**
 * The cases of the second, independent log corpus (bench/corpus/travis/):
 * small broken projects, other than those of bench/logs_multilang_cases.ts,
 * and the command a CI job runs on them. bench/logs_travis_gen.ts runs them
 * with the real toolchains and wraps the output in Travis CI job logs,
 * Jenkins console logs, bare tool output followed by cleanup, or jobs with
 * several failing steps and noise after the failure.
 *
 * @module
 */

/** One broken project and the command that fails on it. */
export interface Case {
  /** Log name, `<toolchain>_<what>`. */
  name: string;
  /** Toolchain the per-toolchain figures use. */
  tool: string;
  /** Files written into the job's working directory. */
  files: Record<string, string>;
  /** Shell command (bash), run in the working directory. */
  cmd: string;
  /** A second command of the same job that fails too (its output is labelled as well). */
  cmd2?: string;
  /**
   * Round the case was added in: round 2 came after the extractor was tuned
   * on round 1's probe half, and is split on its own.
   */
  round?: 2;
}

const MK_OK = "int twice(int x) { return 2 * x; }\n";

/** All cases. Names must be unique. */
export const CASES: Case[] = [
  // ---- C / C++ / make / cmake ----
  {
    name: "c_implicit_decl",
    tool: "c",
    files: {
      "Makefile":
        "CC=gcc\nCFLAGS=-std=c11 -Wall -Wextra -Werror=implicit-function-declaration\nOBJS=twice.o unused.o report.o\nall: report\nreport: $(OBJS)\n\t$(CC) -o $@ $^\n%.o: %.c\n\t$(CC) $(CFLAGS) -c $< -o $@\n",
      "twice.c": MK_OK,
      "unused.c": "int unused(int a, int b) { int t = a; return b; }\n",
      "report.c":
        '#include <stdio.h>\nint twice(int);\nint main(void) {\n  printf("%d\\n", twice(4));\n  printf("%d\\n", triple(4));\n  return 0;\n}\n',
    },
    cmd: "make -j1",
  },
  {
    name: "c_clang_werror",
    tool: "c",
    files: {
      "src/queue.c":
        "#include <stdlib.h>\n\nstruct queue { int *items; int len; };\n\nint queue_pop(struct queue *q) {\n  int dropped = 0;\n  if (q->len == 0) return -1;\n  return q->items[--q->len];\n}\n",
    },
    cmd: "clang -Wall -Werror -c src/queue.c -o queue.o",
  },
  {
    name: "cpp_missing_include",
    tool: "c++",
    files: {
      "lib/stats.cpp":
        "#include <numeric>\n\ndouble mean(const std::vector<double>& xs) {\n  return std::accumulate(xs.begin(), xs.end(), 0.0) / xs.size();\n}\n",
    },
    cmd: "g++ -std=c++17 -c lib/stats.cpp -o stats.o",
  },
  {
    name: "make_no_rule",
    tool: "make",
    files: {
      "Makefile":
        "SRCS=main.c parser.c lexer.c\nOBJS=$(SRCS:.c=.o)\nall: tool\ntool: $(OBJS)\n\tgcc -o $@ $^\n%.o: %.c\n\tgcc -c $< -o $@\n",
      "main.c": "int parse(void);\nint main(void) { return parse(); }\n",
      "parser.c": "int parse(void) { return 0; }\n",
    },
    cmd: "make",
  },
  {
    name: "cmake_unknown_command",
    tool: "cmake",
    files: {
      "CMakeLists.txt":
        "cmake_minimum_required(VERSION 3.10)\nproject(geo C)\nadd_library(geo src/geo.c)\ntarget_enable_warnings(geo STRICT)\n",
      "src/geo.c": MK_OK,
    },
    cmd: "cmake -S . -B build",
  },
  {
    name: "cpp_runtime_abort",
    tool: "c++",
    files: {
      "tests/ring_test.cpp":
        '#include <cstdio>\n#include <stdexcept>\n#include <vector>\n\nstatic int at(const std::vector<int>& v, size_t i) { return v.at(i); }\n\nint main() {\n  std::vector<int> ring{1, 2, 3};\n  std::puts("[ RUN      ] Ring.wraps");\n  std::printf("value %d\\n", at(ring, 3));\n  std::puts("[       OK ] Ring.wraps");\n  return 0;\n}\n',
    },
    cmd: "g++ -g -o ring_test tests/ring_test.cpp && ./ring_test",
  },
  // ---- Perl ----
  {
    name: "perl_is_deeply",
    tool: "perl",
    files: {
      "lib/Slug.pm":
        "package Slug;\nuse strict; use warnings;\nsub slugify { my $s = lc shift; $s =~ s/\\s+/-/g; return $s; }\nsub words { my $s = shift; return [split / /, $s]; }\n1;\n",
      "t/01-slug.t":
        "use strict; use warnings;\nuse Test::More tests => 5;\nuse lib 'lib';\nuse Slug;\nis(Slug::slugify('Hello World'), 'hello-world', 'slugify handles error pages');\nis(Slug::slugify('a  b'), 'a-b', 'slugify collapses spaces');\nis_deeply(Slug::words('a  b'), ['a', 'b'], 'words drops empty fields');\nok(1, 'error handler loaded');\nis(Slug::slugify('Ünïcode'), 'unicode', 'slugify strips accents');\n",
    },
    cmd: "prove -l -v t/",
  },
  {
    name: "perl_undefined_sub",
    tool: "perl",
    files: {
      "bin/report.pl":
        '#!/usr/bin/perl\nuse strict;\nuse warnings;\n\nmy @rows = (3, 4);\nprint "rows: @rows\\n";\nmy $total = summarise(@rows);\nprint "total: $total\\n";\n',
    },
    cmd: "perl -c bin/report.pl && perl bin/report.pl",
  },
  // ---- Haskell ----
  {
    name: "ghc_no_instance",
    tool: "haskell",
    files: {
      "src/Shape.hs":
        "module Main where\n\ndata Shape = Circle Double | Square Double\n\narea :: Shape -> Double\narea (Circle r) = pi * r * r\narea (Square s) = s * s\n\nmain :: IO ()\nmain = do\n  let shapes = [Circle 1, Square 2]\n  print shapes\n  print (map area shapes)\n",
    },
    cmd: "ghc -outputdir build -o shape src/Shape.hs",
  },
  {
    name: "ghc_parse_error",
    tool: "haskell",
    files: {
      "app/Main.hs":
        'module Main where\n\nimport Data.List (sortOn)\n\nmain :: IO ()\nmain = do\n  let xs = sortOn negate [3, 1, 2]\n  if null xs\n    then putStrLn "empty"\n  print xs\n',
    },
    cmd: "ghc -outputdir build -o app app/Main.hs",
  },
  // ---- R ----
  {
    name: "r_missing_package",
    tool: "r",
    files: {
      "analysis/run.R":
        'message("loading data")\ndf <- data.frame(x = 1:3, y = c(2, 4, 6))\nlibrary(ggplotx)\nprint(summary(df))\n',
    },
    cmd: "Rscript analysis/run.R",
  },
  {
    name: "r_object_not_found",
    tool: "r",
    files: {
      "tests/check.R":
        'scale01 <- function(v) (v - min(v)) / (max(v) - min(v))\nres <- scale01(c(1, 2, 3))\ncat("scaled:", res, "\\n")\nnormalise <- function(df) {\n  df$z <- scale01(df$y) * weight\n  df\n}\nout <- normalise(data.frame(y = c(5, 10)))\nprint(out)\n',
    },
    cmd: "Rscript tests/check.R",
  },
  // ---- TeX ----
  {
    name: "tex_missing_input",
    tool: "tex",
    files: {
      "paper.tex":
        "\\documentclass{article}\n\\begin{document}\n\\section{Intro}\nSome text.\n\\input{sections/method}\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -halt-on-error paper.tex",
  },
  {
    name: "tex_extra_brace",
    tool: "tex",
    files: {
      "notes.tex":
        "\\documentclass{article}\n\\begin{document}\nFirst paragraph with \\emph{emphasis}.\n\nSecond paragraph}\nwith an extra brace.\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -halt-on-error notes.tex",
  },
  // ---- Lua ----
  {
    name: "lua_error_call",
    tool: "lua",
    files: {
      "config.lua":
        'local M = {}\nfunction M.load(t)\n  if not t.port then\n    error("config: port is required")\n  end\n  return t\nend\nreturn M\n',
      "spec/config_test.lua":
        'package.path = "./?.lua;" .. package.path\nlocal config = require("config")\nprint("ok 1 - loads defaults")\nlocal c = config.load({ host = "x" })\nprint("ok 2 - port", c.port)\n',
    },
    cmd: "lua spec/config_test.lua",
  },
  {
    name: "lua_arith_nil",
    tool: "lua",
    files: {
      "cart.lua":
        'local items = { { price = 3 }, { price = 4 }, { cost = 5 } }\nlocal total = 0\nfor i, it in ipairs(items) do\n  total = total + it.price\nend\nprint("total", total)\n',
    },
    cmd: "lua cart.lua",
  },
  // ---- Ruby ----
  {
    name: "ruby_rspec_hash_diff",
    tool: "ruby",
    files: {
      "lib/parser.rb":
        "module Parser\n  def self.pairs(s)\n    s.split(',').map { |kv| kv.split('=') }.to_h\n  end\n  def self.error_message(code)\n    \"E#{code}\"\n  end\nend\n",
      "spec/parser_spec.rb":
        "require_relative '../lib/parser'\n\nRSpec.describe Parser do\n  it 'formats error messages' do\n    expect(Parser.error_message(4)).to eq('E4')\n  end\n  it 'parses pairs' do\n    expect(Parser.pairs('a=1,b=2')).to eq('a' => 1, 'b' => 2)\n  end\n  it 'handles errors in empty input' do\n    expect(Parser.pairs('')).to eq({})\n  end\nend\n",
    },
    cmd: "rspec --format documentation",
  },
  {
    name: "ruby_name_error",
    tool: "ruby",
    files: {
      "Rakefile":
        "task default: [:build]\ntask :build do\n  puts 'building assets'\n  AssetPipeline.new.run\nend\n",
    },
    cmd: "rake",
  },
  // ---- Python ----
  {
    name: "py_fixture_missing",
    tool: "python",
    files: {
      "tests/test_store.py":
        "import pytest\n\n\ndef test_error_codes_are_ints():\n    assert isinstance(404, int)\n\n\ndef test_save(db):\n    db.save({'id': 1})\n    assert db.count() == 1\n\n\n@pytest.mark.parametrize('n', range(12))\ndef test_failover_retries(n):\n    assert n >= 0\n",
    },
    cmd: "python3 -m pytest -v -p no:cacheprovider tests",
  },
  {
    name: "py_collect_import",
    tool: "python",
    files: {
      "pkg/__init__.py": "",
      "pkg/units.py": "def km(m):\n    return m / 1000\n",
      "tests/test_units.py":
        "from pkg.units import km, miles\n\n\ndef test_km():\n    assert km(1000) == 1\n",
      "tests/test_ok.py":
        "def test_error_free():\n    assert True\n\n\ndef test_fail_safe():\n    assert 1\n",
    },
    cmd: "python3 -m pytest -p no:cacheprovider tests",
  },
  {
    name: "py_doctest",
    tool: "python",
    files: {
      "money.py":
        'def cents(amount):\n    """Return whole cents.\n\n    >>> cents(1.5)\n    150\n    >>> cents(0.29)\n    29\n    """\n    return int(amount * 100)\n',
    },
    cmd: "python3 -m doctest -v money.py",
  },
  // ---- Go ----
  {
    name: "go_subtests",
    tool: "go",
    files: {
      "go.mod": "module example.com/units\n\ngo 1.19\n",
      "units.go":
        'package units\n\nimport "strings"\n\nfunc Parse(s string) (int, string) {\n\tf := strings.Fields(s)\n\tif len(f) != 2 {\n\t\treturn 0, "error"\n\t}\n\tif f[1] == "kb" {\n\t\treturn 1000, f[1]\n\t}\n\treturn 1, f[1]\n}\n',
      "units_test.go":
        'package units\n\nimport "testing"\n\nfunc TestParse(t *testing.T) {\n\tcases := []struct {\n\t\tin   string\n\t\twant int\n\t}{\n\t\t{"1 b", 1},\n\t\t{"1 kb", 1024},\n\t\t{"error input", 1},\n\t\t{"2 mb", 1000000},\n\t}\n\tfor _, c := range cases {\n\t\tt.Run(c.in, func(t *testing.T) {\n\t\t\tif got, _ := Parse(c.in); got != c.want {\n\t\t\t\tt.Errorf("Parse(%q) = %d, want %d", c.in, got, c.want)\n\t\t\t}\n\t\t})\n\t}\n}\n\nfunc TestParseErrorShape(t *testing.T) {\n\tif _, u := Parse("x"); u != "error" {\n\t\tt.Fatal("no error unit")\n\t}\n}\n',
    },
    cmd: "go test -v ./...",
  },
  {
    name: "go_unused_import",
    tool: "go",
    files: {
      "go.mod": "module example.com/srv\n\ngo 1.19\n",
      "main.go":
        'package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"strings"\n)\n\nfunc main() {\n\tfmt.Println(strings.ToUpper("up"))\n}\n',
    },
    cmd: "go build ./...",
  },
  // ---- Rust ----
  {
    name: "rust_deny_warnings",
    tool: "rust",
    files: {
      "Cargo.toml": '[package]\nname = "tally"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/lib.rs":
        "#![deny(warnings)]\n\npub fn tally(xs: &[u32]) -> u32 {\n    let mut seen = 0;\n    xs.iter().sum()\n}\n",
    },
    cmd: "cargo build --offline --color always",
  },
  {
    name: "rust_unwrap_none",
    tool: "rust",
    files: {
      "Cargo.toml": '[package]\nname = "cfg"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/lib.rs":
        'pub fn port(s: &str) -> u16 {\n    s.split(\':\').nth(1).unwrap().parse().unwrap()\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn error_free_host_port() { assert_eq!(port("a:80"), 80); }\n    #[test]\n    fn bare_host() { assert_eq!(port("localhost"), 0); }\n}\n',
    },
    cmd: "cargo test --offline",
  },
  // ---- Java ----
  {
    name: "java_incompatible_types",
    tool: "java",
    files: {
      "src/Invoice.java":
        'public class Invoice {\n    private int total;\n    public void add(String amount) {\n        total += amount;\n        int cents = amount;\n    }\n    public static void main(String[] a) { System.out.println("ok"); }\n}\n',
    },
    cmd: "mkdir -p out && javac -d out src/Invoice.java",
  },
  {
    name: "maven_offline_plugin",
    tool: "java",
    files: {
      "pom.xml":
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>strs</artifactId>\n  <version>1.0</version>\n  <properties>\n    <maven.compiler.source>17</maven.compiler.source>\n    <maven.compiler.target>17</maven.compiler.target>\n    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>\n  </properties>\n  <build><plugins>\n    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>\n    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>\n    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>\n  </plugins></build>\n  <dependencies>\n    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>\n  </dependencies>\n</project>\n',
      "src/main/java/com/acme/Strs.java":
        "package com.acme;\n\npublic class Strs {\n    public static String title(String s) {\n        return s.substring(0, 1).toUpperCase() + s.substring(1);\n    }\n}\n",
      "src/test/java/com/acme/StrsTest.java":
        'package com.acme;\n\nimport static org.junit.Assert.assertEquals;\nimport org.junit.Test;\n\npublic class StrsTest {\n    @Test public void titleWord() { assertEquals("Hello", Strs.title("hello")); }\n    @Test public void titleErrorPage() { assertEquals("Error", Strs.title("error")); }\n    @Test public void titleLower() { assertEquals("Abc", Strs.title("aBC")); }\n}\n',
    },
    cmd: "mvn -o -B test",
  },
  // ---- Shell ----
  {
    name: "shellcheck_findings",
    tool: "shell",
    files: {
      "bin/backup.sh":
        '#!/bin/bash\nSRC=$1\ncd $SRC\nfiles=`find . -name "*.db"`\nfor f in $files; do\n  cp $f /backup/\ndone\nread name\necho "done $name"\n',
    },
    cmd: "shellcheck bin/backup.sh",
  },
  {
    name: "bats_setup_fail",
    tool: "shell",
    files: {
      "bin/sum": "#!/bin/bash\necho $(( $1 + $2 ))\n",
      "test/sum.bats":
        '#!/usr/bin/env bats\n\n@test "sum reports error on missing args" {\n  run bin/sum\n  [ "$status" -ne 0 ]\n}\n\n@test "sum adds" {\n  run bin/sum 2 3\n  [ "$output" -eq 5 ]\n}\n\n@test "sum adds negatives" {\n  run bin/sum -2 -3\n  [ "$output" -eq -6 ]\n}\n\n@test "sum of error codes" {\n  run bin/sum 1 1\n  [ "$output" -eq 2 ]\n}\n',
    },
    cmd: "chmod +x bin/sum && bats test",
  },
  {
    name: "bash_command_not_found",
    tool: "shell",
    files: {
      "ci/release.sh":
        '#!/bin/bash\nset -e\necho "reading version"\nVERSION=$(cat VERSION)\necho "version $VERSION"\nCHANGES=$(jqq -r .changes meta.json)\necho "$CHANGES"\n',
      "VERSION": "1.4.2\n",
    },
    cmd: "bash ci/release.sh",
  },
  // ---- VimL ----
  {
    name: "vim_unknown_function",
    tool: "viml",
    files: {
      "plugin/wrap.vim":
        "function! s:Wrap(text) abort\n  return '[' . a:text . ']'\nendfunction\n\nfunction! WrapAll(xs) abort\n  return map(copy(a:xs), 'Wrapp(v:val)')\nendfunction\n",
      "test/run.vim": "set rtp+=.\nruntime plugin/wrap.vim\necho WrapAll(['a'])\nqall!\n",
    },
    cmd: "vim -Nu NONE -i NONE -Es -V1 -S test/run.vim </dev/null; exit 1",
  },
  {
    name: "vim_assert_errors",
    tool: "viml",
    files: {
      "test/trim.vim":
        "function! Trim(s) abort\n  return substitute(a:s, '^\\s\\+', '', '')\nendfunction\nlet v:errors = []\ncall assert_equal('a', Trim('  a'))\ncall assert_equal('b', Trim('b  '))\nfor e in v:errors\n  echo e\nendfor\nif len(v:errors)\n  cquit!\nendif\nqall!\n",
    },
    cmd: "vim -Nu NONE -i NONE -Es -V1 -S test/trim.vim </dev/null",
  },
  // ---- Lisp ----
  {
    name: "sbcl_unbound_variable",
    tool: "lisp",
    files: {
      "run.lisp":
        '(defun total (xs) (reduce #\'+ xs))\n(format t "total ~a~%" (total \'(1 2 3)))\n(defun scaled (xs) (mapcar (lambda (x) (* x factor)) xs))\n(format t "scaled ~a~%" (scaled \'(1 2)))\n',
    },
    cmd: "sbcl --non-interactive --no-userinit --load run.lisp",
  },
  // ---- PHP ----
  {
    name: "php_assertion",
    tool: "php",
    files: {
      "tests/money_test.php":
        '<?php\nfunction cents(float $x): int { return (int) ($x * 100); }\necho "test cents ok\\n";\nassert(cents(1.5) === 150);\nassert(cents(0.29) === 29, \'cents rounds 0.29\');\necho "all good\\n";\n',
    },
    cmd: "php -d zend.assertions=1 -d assert.exception=1 tests/money_test.php",
  },
  {
    name: "php_type_error",
    tool: "php",
    files: {
      "src/Report.php":
        "<?php\ndeclare(strict_types=1);\nfunction pad(string $s, int $n): string { return str_pad($s, $n); }\nfunction row(array $r): string { return pad($r['name'], '10'); }\necho row(['name' => 'ann']), \"\\n\";\n",
    },
    cmd: "php src/Report.php",
  },
  // ---- JavaScript / TypeScript ----
  {
    name: "node_test_assert",
    tool: "javascript",
    files: {
      "package.json": '{"name":"q","version":"1.0.0","scripts":{"test":"node --test test/"}}\n',
      "src/range.js":
        "exports.range = (a, b) => { const r = []; for (let i = a; i < b; i++) r.push(i); return r; };\n",
      "test/range.test.js":
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { range } = require('../src/range.js');\ntest('range error-free on empty', () => { assert.deepStrictEqual(range(1, 1), []); });\ntest('range is inclusive', () => { assert.deepStrictEqual(range(1, 3), [1, 2, 3]); });\n",
    },
    cmd: "npm test",
  },
  {
    name: "node_reference_error",
    tool: "javascript",
    files: {
      "package.json":
        '{"name":"build","version":"1.0.0","scripts":{"build":"node scripts/build.js"}}\n',
      "scripts/build.js":
        "const path = require('path');\nconsole.log('bundling', path.basename(__dirname));\nfunction bundle(entries) {\n  return entries.map((e) => outDir + '/' + e);\n}\nconsole.log(bundle(['a.js']));\n",
    },
    cmd: "npm run build",
  },
  {
    name: "deno_check_types",
    tool: "typescript",
    files: {
      "mod.ts":
        "export interface User { id: number; name: string }\nexport function label(u: User): string {\n  return u.id + ': ' + u.name;\n}\nexport const admin: User = { id: '1', name: 'root' };\n",
    },
    cmd: "NO_COLOR=1 deno check mod.ts",
  },
  {
    name: "deno_test_equals",
    tool: "typescript",
    files: {
      "slug.ts":
        "export function slug(s: string): string {\n  return s.toLowerCase().replace(/ /g, '-');\n}\n",
      "slug_test.ts":
        "import { slug } from './slug.ts';\nfunction assertEquals(a: unknown, b: unknown) {\n  if (JSON.stringify(a) !== JSON.stringify(b)) {\n    throw new Error(`Values are not equal:\\n  actual: ${JSON.stringify(a)}\\n  expected: ${JSON.stringify(b)}`);\n  }\n}\nDeno.test('slug handles error page titles', () => assertEquals(slug('Error Page'), 'error-page'));\nDeno.test('slug trims', () => assertEquals(slug(' a b '), 'a-b'));\n",
    },
    cmd: "NO_COLOR=1 deno test slug_test.ts",
  },
  {
    name: "deno_lint_findings",
    tool: "typescript",
    files: {
      "util.ts":
        "export function first(xs: any[]) {\n  let out = xs[0];\n  return out;\n}\nexport function noop() {\n  try { first([]); } catch (e) {}\n}\n",
    },
    cmd: "NO_COLOR=1 deno lint util.ts",
  },
  // ---- several failing steps in one job ----
  {
    name: "multi_shellcheck_then_pytest",
    tool: "python",
    files: {
      "ci/lint.sh": "#!/bin/sh\nfor f in $(ls *.py); do\n  echo $f\ndone\n",
      "calc.py": "def div(a, b):\n    return a // b\n",
      "test_calc.py":
        "from calc import div\n\n\ndef test_div_error_free():\n    assert div(4, 2) == 2\n\n\ndef test_div_fraction():\n    assert div(1, 2) == 0.5\n",
    },
    cmd: "shellcheck ci/lint.sh",
    cmd2: "python3 -m pytest -p no:cacheprovider -q",
  },
  {
    name: "multi_gcc_then_ctest",
    tool: "c",
    files: {
      "a.c": '#include <stdio.h>\nint main(void) { long n = 3; printf("%d\\n", n); return 1; }\n',
    },
    cmd: "gcc -Wall -Werror=format -o a a.c",
    cmd2:
      "gcc -o a2 -x c - <<'EOF' && ./a2\n#include <stdio.h>\nint main(void){ fprintf(stderr, \"selftest: checksum mismatch: got 0x1f expected 0x2e\\n\"); return 2; }\nEOF",
  },
  // ---- round 2: added after tuning on round 1's probe half ----
  {
    name: "tex_runaway_argument",
    tool: "tex",
    round: 2,
    files: {
      "report.tex":
        "\\documentclass{article}\n\\begin{document}\nIntro text.\n\n\\textbf{bold start\n\nSecond paragraph.\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -halt-on-error report.tex",
  },
  {
    name: "tex_undefined_environment",
    tool: "tex",
    round: 2,
    files: {
      "list.tex":
        "\\documentclass{article}\n\\begin{document}\n\\begin{itemze}\n\\item one\n\\end{itemze}\n\\end{document}\n",
    },
    cmd: "pdflatex -file-line-error -interaction=nonstopmode -halt-on-error list.tex",
  },
  {
    name: "vim_uncaught_throw",
    tool: "viml",
    round: 2,
    files: {
      "autoload/cfg.vim":
        "function! cfg#get(key) abort\n  if a:key !=# 'name'\n    throw 'cfg: unknown key ' . a:key\n  endif\n  return 'x'\nendfunction\n",
      "test/run.vim": "set rtp+=.\necho cfg#get('name')\necho cfg#get('size')\nqall!\n",
    },
    cmd: "vim -Nu NONE -i NONE -Es -V1 -S test/run.vim </dev/null; exit 1",
  },
  {
    name: "vim_invalid_expression",
    tool: "viml",
    round: 2,
    files: {
      "plugin/calc.vim": "let g:calc_total = 1 +\nlet g:calc_ready = 1\n",
    },
    cmd: "vim -Nu NONE -i NONE -Es -V1 -c 'source plugin/calc.vim' -c 'qall!' </dev/null; exit 1",
  },
  {
    name: "sbcl_division_by_zero",
    tool: "lisp",
    round: 2,
    files: {
      "stats.lisp":
        '(defun mean (xs) (/ (reduce #\'+ xs) (length xs)))\n(format t "mean ~a~%" (mean \'(1 2 3)))\n(format t "mean ~a~%" (mean \'()))\n',
    },
    cmd: "sbcl --script stats.lisp",
  },
  {
    name: "sbcl_undefined_function",
    tool: "lisp",
    round: 2,
    files: {
      "main.lisp":
        '(defun greet (n) (format nil "hi ~a" n))\n(format t "~a~%" (greet "ann"))\n(format t "~a~%" (greet-all \'("a" "b")))\n',
    },
    cmd: "sbcl --non-interactive --no-userinit --load main.lisp",
  },
  {
    name: "c_asan_overflow",
    tool: "c",
    round: 2,
    files: {
      "buf.c":
        '#include <stdlib.h>\n#include <string.h>\n#include <stdio.h>\n\nstatic char *dup(const char *s) {\n  char *d = malloc(strlen(s));\n  strcpy(d, s);\n  return d;\n}\n\nint main(void) {\n  char *d = dup("hello");\n  puts(d);\n  free(d);\n  return 0;\n}\n',
    },
    cmd: "gcc -g -fsanitize=address -o buf buf.c && ./buf",
  },
  {
    name: "c_make_check_fail",
    tool: "c",
    round: 2,
    files: {
      "Makefile": "check: t_parse\n\t./t_parse\nt_parse: t_parse.c\n\tcc -o $@ $<\n",
      "t_parse.c":
        '#include <stdio.h>\n#include <stdlib.h>\nstatic int fails;\n#define CHECK(c, msg) do { if (c) printf("PASS: %s\\n", msg); else { printf("FAIL: %s (%s:%d)\\n", msg, __FILE__, __LINE__); fails++; } } while (0)\nint main(void) {\n  CHECK(atoi("12") == 12, "parse_int");\n  CHECK(atoi(" 7") == 7, "parse_leading_space");\n  CHECK(atoi("0x10") == 16, "parse_hex");\n  CHECK(atoi("-3") == -3, "parse_negative");\n  printf("%d failed\\n", fails);\n  return fails ? 1 : 0;\n}\n',
    },
    cmd: "make check",
  },
  {
    name: "perl_global_symbol",
    tool: "perl",
    round: 2,
    files: {
      "lib/Cart.pm":
        "package Cart;\nuse strict;\nuse warnings;\nsub total {\n  my @items = @_;\n  $sum = 0;\n  $sum += $_ for @items;\n  return $sum;\n}\n1;\n",
      "t/cart.t":
        "use strict; use warnings;\nuse Test::More;\nuse lib 'lib';\nuse Cart;\nis(Cart::total(1, 2), 3);\ndone_testing;\n",
    },
    cmd: "prove -l t/",
  },
  {
    name: "perl_test_died",
    tool: "perl",
    round: 2,
    files: {
      "t/io.t":
        "use strict; use warnings;\nuse Test::More tests => 3;\nok(1, 'opens error log');\nok(1, 'reads header');\nopen(my $fh, '<', 'data/missing.csv') or die \"cannot open data/missing.csv: $!\";\nok(1, 'parses rows');\n",
    },
    cmd: "prove -v t/",
  },
  {
    name: "objc_missing_semicolon",
    tool: "objective-c",
    round: 2,
    files: {
      "src/Point.m":
        "#include <stdio.h>\n\nstruct point { int x; int y; };\n\nint norm1(struct point p) {\n  int ax = p.x < 0 ? -p.x : p.x\n  return ax + (p.y < 0 ? -p.y : p.y);\n}\n",
    },
    cmd: "gcc -x objective-c -c src/Point.m -o point.o",
  },
  {
    name: "r_warning_as_error",
    tool: "r",
    round: 2,
    files: {
      "R/run.R":
        'options(warn = 2)\nparse_ids <- function(v) as.integer(v)\nids <- parse_ids(c("1", "2"))\ncat("ids:", ids, "\\n")\nids <- parse_ids(c("3", "x4"))\n',
    },
    cmd: "Rscript R/run.R",
  },
  {
    name: "shell_unbound_variable",
    tool: "shell",
    round: 2,
    files: {
      "ci/deploy.sh":
        '#!/bin/bash\nset -euo pipefail\necho "deploying build $(date +%F)"\necho "target: $DEPLOY_ENV"\n',
    },
    cmd: "bash ci/deploy.sh",
  },
  {
    name: "lua_error_table",
    tool: "lua",
    round: 2,
    files: {
      "validate.lua":
        'local function check(t)\n  if type(t.port) ~= "number" then\n    error({ code = "EPORT", msg = "port must be a number" })\n  end\nend\nprint("checking config")\ncheck({ port = "80" })\n',
    },
    cmd: "lua validate.lua",
  },
  {
    name: "ruby_load_error",
    tool: "ruby",
    round: 2,
    files: {
      "bin/export.rb": "require 'json'\nrequire 'csvx'\nputs JSON.generate({ ok: true })\n",
    },
    cmd: "ruby bin/export.rb",
  },
  {
    name: "py_unittest_error",
    tool: "python",
    round: 2,
    files: {
      "cfg.py":
        "import json\n\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n",
      "test_cfg.py":
        "import unittest\n\nimport cfg\n\n\nclass CfgTest(unittest.TestCase):\n    def test_error_keys_known(self):\n        self.assertIn('error', ['error', 'warn'])\n\n    def test_load(self):\n        self.assertEqual(cfg.load('conf/app.json')['name'], 'app')\n\n\nif __name__ == '__main__':\n    unittest.main()\n",
    },
    cmd: "python3 -m unittest -v test_cfg",
  },
  {
    name: "go_test_timeout",
    tool: "go",
    round: 2,
    files: {
      "go.mod": "module example.com/poll\n\ngo 1.19\n",
      "poll.go":
        'package poll\n\nimport "time"\n\nfunc Wait(done <-chan struct{}) {\n\tfor {\n\t\tselect {\n\t\tcase <-done:\n\t\t\treturn\n\t\tdefault:\n\t\t\ttime.Sleep(10 * time.Millisecond)\n\t\t}\n\t}\n}\n',
      "poll_test.go":
        'package poll\n\nimport "testing"\n\nfunc TestWaitReturns(t *testing.T) {\n\tdone := make(chan struct{})\n\tWait(done)\n}\n',
    },
    cmd: "go test -timeout 2s ./...",
  },
  {
    name: "rust_unresolved_import",
    tool: "rust",
    round: 2,
    files: {
      "Cargo.toml": '[package]\nname = "fmtx"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/main.rs":
        'use std::collections::HashMapp;\n\nfn main() {\n    let mut m: HashMapp<&str, i32> = HashMapp::new();\n    m.insert("a", 1);\n    println!("{:?}", m);\n}\n',
    },
    cmd: "cargo build --offline",
  },
  {
    name: "java_junit_console",
    tool: "java",
    round: 2,
    files: {
      "src/Temp.java":
        "public class Temp {\n    public static double toF(double c) { return c * 9 / 5 + 23; }\n}\n",
      "test/TempTest.java":
        "import static org.junit.Assert.assertEquals;\nimport org.junit.Test;\n\npublic class TempTest {\n    @Test public void freezing() { assertEquals(32.0, Temp.toF(0), 0.001); }\n    @Test public void errorMarginIsSmall() { assertEquals(0.0, 0.0, 0.001); }\n}\n",
    },
    cmd:
      "mkdir -p out && javac -d out -cp $HOME/.m2/repository/junit/junit/4.13.2/junit-4.13.2.jar:$HOME/.m2/repository/org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar src/Temp.java test/TempTest.java && java -cp out:$HOME/.m2/repository/junit/junit/4.13.2/junit-4.13.2.jar:$HOME/.m2/repository/org/hamcrest/hamcrest-core/1.3/hamcrest-core-1.3.jar org.junit.runner.JUnitCore TempTest",
  },
  {
    name: "npm_missing_script",
    tool: "javascript",
    round: 2,
    files: {
      "package.json": '{"name":"site","version":"1.0.0","scripts":{"build":"echo build"}}\n',
    },
    cmd: "npm run build && npm run lint",
  },
  {
    name: "node_syntax_error",
    tool: "javascript",
    round: 2,
    files: {
      "src/server.js":
        "const http = require('http');\nconst routes = {\n  '/': () => 'home',\n  '/about': () => 'about'\n  '/error': () => 'error page',\n};\nhttp.createServer((q, s) => s.end(routes[q.url]())).listen(0);\n",
    },
    cmd: "node --check src/server.js",
  },
  {
    name: "php_undefined_function",
    tool: "php",
    round: 2,
    files: {
      "bin/report.php":
        "<?php\nfunction fmt_row(array $r): string { return implode(',', $r); }\necho fmt_row(['a', 'b']), \"\\n\";\necho fmt_rows([['c']]), \"\\n\";\n",
    },
    cmd: "php bin/report.php",
  },
  {
    name: "ghc_missing_module",
    tool: "haskell",
    round: 2,
    files: {
      "Main.hs":
        'module Main where\n\nimport qualified Data.Text.Extra as T\n\nmain :: IO ()\nmain = putStrLn (T.unpack (T.pack "hi"))\n',
    },
    cmd: "ghc -outputdir build -o main Main.hs",
  },
  {
    name: "deno_fmt_check",
    tool: "typescript",
    round: 2,
    files: {
      "src/a.ts": "export const a = 1;\n",
      "src/b.ts": "export function b( x:number ){return x*2}\n",
    },
    cmd: "NO_COLOR=1 deno fmt --check src/",
  },
];
