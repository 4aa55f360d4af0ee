/**
 * The cases of the multi-language log corpus (bench/corpus/multilang/): for
 * each, a toolchain, a few small broken source files and the command a CI
 * job would run on them. bench/logs_multilang_gen.ts runs them with the real
 * toolchains and wraps their output the way CI systems print it.
 *
 * @module
 */

/** One broken input and the command that fails on it. */
export interface Case {
  /** Log name, `<toolchain>_<what>`. */
  name: string;
  /** Toolchain (language or build system) the per-toolchain figures use. */
  tool: string;
  /** Files written into the job's working directory. */
  files: Record<string, string>;
  /** Shell command (bash), run in the working directory. */
  cmd: string;
  /** Passing steps run first (their output is genuine noise before the failure). */
  pre?: string;
}

const C_OK = `#include <stdio.h>\nint add(int a, int b) { return a + b; }\n`;

/** All cases. Names must be unique. */
export const CASES: Case[] = [
  // ---- C (gcc, make) ----
  {
    name: "c_gcc_undeclared",
    tool: "c",
    files: {
      "src/util.c": C_OK,
      "src/main.c":
        `#include <stdio.h>\n\nint add(int a, int b);\n\nint main(void) {\n  int total = add(1, 2);\n  printf("%d\\n", totl);\n  return 0;\n}\n`,
    },
    cmd:
      "gcc -Wall -fdiagnostics-color=always -c src/util.c -o util.o && gcc -Wall -fdiagnostics-color=always -c src/main.c -o main.o",
  },
  {
    name: "c_make_linker",
    tool: "c",
    files: {
      "Makefile":
        "CFLAGS=-Wall -O2\nall: app\napp: main.o util.o\n\t$(CC) -o $@ $^\n%.o: %.c\n\t$(CC) $(CFLAGS) -c $< -o $@\ntest: app\n\t./app\n",
      "main.c":
        `#include <stdio.h>\nint add(int, int);\nint mul(int, int);\nint main(void) { printf("%d %d\\n", add(1,2), mul(2,3)); return 0; }\n`,
      "util.c": C_OK,
    },
    cmd: "make test",
  },
  {
    name: "c_assert_abort",
    tool: "c",
    files: {
      "test_parse.c":
        `#include <assert.h>\n#include <stdio.h>\n#include <string.h>\n\nstatic int parse(const char *s) { return (int)strlen(s); }\n\nint main(void) {\n  printf("test_parse_empty ... ok\\n");\n  assert(parse("") == 0);\n  printf("test_parse_word ... ");\n  fflush(stdout);\n  assert(parse("abc") == 4);\n  printf("ok\\n");\n  return 0;\n}\n`,
    },
    cmd: "gcc -g -o test_parse test_parse.c && ./test_parse",
  },
  {
    name: "c_make_types",
    tool: "c",
    files: {
      "Makefile":
        "CFLAGS=-Wall -Werror -std=c11\nOBJS=a.o b.o c.o\nall: lib.a\nlib.a: $(OBJS)\n\tar rcs $@ $^\n%.o: %.c\n\t$(CC) $(CFLAGS) -c $< -o $@\n",
      "a.c": C_OK,
      "b.c":
        `#include <stdlib.h>\n\nstruct point { int x; int y; };\n\nint norm(struct point *p) {\n  char *name = p->x;\n  return name[0] + p->z;\n}\n`,
      "c.c": C_OK,
    },
    cmd: "make -k all",
  },
  {
    name: "c_segfault",
    tool: "c",
    files: {
      "run.c":
        `#include <stdio.h>\n#include <string.h>\nstruct node { struct node *next; int v; };\nint sum(struct node *n) { return n->v + (n->next ? sum(n->next) : 0); }\nint main(void) {\n  struct node b = {0, 2};\n  struct node a = {&b, 1};\n  printf("sum=%d\\n", sum(&a));\n  printf("sum=%d\\n", sum(NULL));\n  return 0;\n}\n`,
      "run_tests.sh":
        "#!/bin/bash\nset -e\ngcc -O0 -g -o run run.c\necho '== running integration'\n./run\necho done\n",
    },
    cmd: "bash run_tests.sh",
  },
  // ---- C++ (g++, clang++, cmake, ctest) ----
  {
    name: "cpp_gxx_template",
    tool: "cpp",
    files: {
      "src/store.cpp":
        `#include <map>\n#include <string>\n#include <vector>\n\nstruct Item { std::string name; int qty; };\n\nint total(const std::vector<Item>& items) {\n  int t = 0;\n  for (const auto& i : items) t += i.qty;\n  return t;\n}\n\nint main() {\n  std::map<std::string, Item> byName;\n  std::vector<Item> v = byName;\n  return total(v);\n}\n`,
    },
    cmd: "g++ -std=c++17 -Wall -c src/store.cpp -o store.o",
  },
  {
    name: "cpp_clang_member",
    tool: "cpp",
    files: {
      "lib/queue.hpp":
        `#pragma once\n#include <deque>\ntemplate <typename T> class Queue {\n public:\n  void push(const T& v) { items_.push_back(v); }\n  T pop() { T v = items_.front(); items_.pop_front(); return v; }\n private:\n  std::deque<T> items_;\n};\n`,
      "lib/queue.cpp":
        `#include "queue.hpp"\n#include <string>\n\nint main() {\n  Queue<std::string> q;\n  q.push("a");\n  q.emplace("b");\n  return q.size();\n}\n`,
    },
    cmd: "clang++ -std=c++17 -fcolor-diagnostics -c lib/queue.cpp -o queue.o",
  },
  {
    name: "cmake_missing_package",
    tool: "cmake",
    files: {
      "CMakeLists.txt":
        "cmake_minimum_required(VERSION 3.16)\nproject(demo C)\nfind_package(ZLIB)\nfind_package(Protobuf 3.21 REQUIRED)\nadd_executable(demo main.c)\n",
      "main.c": "int main(void){return 0;}\n",
    },
    cmd: "cmake -S . -B build",
  },
  {
    name: "cmake_ctest_fail",
    tool: "cmake",
    files: {
      "CMakeLists.txt":
        "cmake_minimum_required(VERSION 3.16)\nproject(calc C)\nenable_testing()\nadd_executable(t_add t_add.c)\nadd_executable(t_div t_div.c)\nadd_test(NAME add COMMAND t_add)\nadd_test(NAME div COMMAND t_div)\n",
      "t_add.c": `#include <stdio.h>\nint main(void){ puts("add: 3 == 3 ok"); return 0; }\n`,
      "t_div.c":
        `#include <stdio.h>\nint divide(int a, int b) { return b ? a / b : 0; }\nint main(void) {\n  int got = divide(7, 2);\n  if (got != 4) {\n    fprintf(stderr, "t_div.c:5: divide(7, 2): expected 4, got %d\\n", got);\n    return 1;\n  }\n  return 0;\n}\n`,
    },
    cmd:
      "cmake -S . -B build >/dev/null && cmake --build build && cd build && ctest --output-on-failure",
  },
  {
    name: "cmake_build_error",
    tool: "cmake",
    files: {
      "CMakeLists.txt":
        "cmake_minimum_required(VERSION 3.16)\nproject(app CXX)\nadd_library(core core.cpp)\nadd_executable(app main.cpp)\ntarget_link_libraries(app core)\n",
      "core.cpp": "int core() { return 1; }\n",
      "main.cpp":
        `#include <iostream>\nint core();\nint main() {\n  std::string s = core();\n  std::cout << s << std::endl;\n}\n`,
    },
    cmd: "cmake -S . -B build && cmake --build build",
  },
  // ---- Perl ----
  {
    name: "perl_prove_fail",
    tool: "perl",
    files: {
      "lib/Calc.pm":
        "package Calc;\nuse strict;\nsub add { $_[0] + $_[1] }\nsub mul { $_[0] + $_[1] }\n1;\n",
      "t/01-add.t":
        "use strict; use warnings;\nuse Test::More tests => 2;\nuse lib 'lib';\nuse Calc;\nis(Calc::add(1,2), 3, 'add small');\nis(Calc::add(-1,1), 0, 'add zero');\n",
      "t/02-mul.t":
        "use strict; use warnings;\nuse Test::More tests => 3;\nuse lib 'lib';\nuse Calc;\nis(Calc::mul(1,1), 2, 'mul one');\nis(Calc::mul(2,3), 6, 'mul small');\nis(Calc::mul(0,5), 0, 'mul zero');\n",
    },
    cmd: "prove -l -v t/",
  },
  {
    name: "perl_die",
    tool: "perl",
    files: {
      "bin/report.pl":
        '#!/usr/bin/perl\nuse strict;\nuse warnings;\n\nsub load_config {\n  my ($path) = @_;\n  open(my $fh, \'<\', $path) or die "Cannot open config $path: $!";\n  return <$fh>;\n}\n\nprint "Generating report\\n";\nmy @cfg = load_config(\'conf/report.ini\');\nprint scalar(@cfg), "\\n";\n',
    },
    cmd: "perl bin/report.pl",
  },
  {
    name: "perl_syntax",
    tool: "perl",
    files: {
      "lib/Parser.pm":
        "package Parser;\nuse strict;\nuse warnings;\n\nsub parse {\n  my ($text) = @_;\n  my @parts = split /,/, $text\n  return \\@parts;\n}\n\n1;\n",
    },
    cmd: "perl -Ilib -c lib/Parser.pm",
  },
  {
    name: "perl_croak_trace",
    tool: "perl",
    files: {
      "t/api.t":
        "use strict; use warnings;\nuse Test::More;\nuse Carp qw(confess);\nsub fetch { my $id = shift; confess \"no record for id $id\" unless $id > 0; return {id => $id} }\nsub wrapper { return fetch(@_) }\nok(wrapper(1), 'fetch 1');\nok(wrapper(0), 'fetch 0');\ndone_testing();\n",
    },
    cmd: "prove -v t/api.t",
  },
  // ---- Haskell ----
  {
    name: "haskell_type_error",
    tool: "haskell",
    files: {
      "src/Stats.hs":
        "module Main where\n\nmean :: [Double] -> Double\nmean xs = sum xs / length xs\n\nmain :: IO ()\nmain = print (mean [1, 2, 3])\n",
    },
    cmd: "ghc -fdiagnostics-color=always -outputdir build src/Stats.hs -o stats",
  },
  {
    name: "haskell_scope",
    tool: "haskell",
    files: {
      "Util.hs": "module Util (double) where\n\ndouble :: Int -> Int\ndouble x = x * 2\n",
      "Main.hs":
        "module Main where\n\nimport Util\n\nmain :: IO ()\nmain = do\n  print (double 3)\n  print (triple 3)\n",
    },
    cmd: "ghc -outputdir build Main.hs -o app",
  },
  {
    name: "haskell_runtime",
    tool: "haskell",
    files: {
      "Spec.hs":
        "import Control.Monad (unless)\nimport System.Exit\n\nreverse' :: [a] -> [a]\nreverse' = foldl (flip (:)) []\n\nmain :: IO ()\nmain = do\n  putStrLn \"reverse: ok\"\n  let xs = [] :: [Int]\n  print (head (reverse' xs))\n",
    },
    cmd: "ghc -outputdir build Spec.hs -o spec >/dev/null && ./spec",
  },
  // ---- R ----
  {
    name: "r_error_in",
    tool: "r",
    files: {
      "analysis.R":
        'load_data <- function(path) {\n  df <- read.csv(path)\n  df\n}\nsummarise <- function(df) {\n  colMeans(df[, c("a", "b")])\n}\ncat("Loading data\\n")\ndf <- data.frame(a = 1:3, c = 4:6)\nprint(summarise(df))\n',
    },
    cmd: "Rscript analysis.R",
  },
  {
    name: "r_stopifnot",
    tool: "r",
    files: {
      "tests/test_model.R":
        'fit_slope <- function(x, y) coef(lm(y ~ x))[[2]]\ncat("test_slope_positive ... ")\nstopifnot(fit_slope(1:10, 2 * (1:10)) > 0)\ncat("ok\\n")\ncat("test_slope_value ... ")\nstopifnot("slope should be 3" = isTRUE(all.equal(fit_slope(1:10, 2 * (1:10)), 3)))\ncat("ok\\n")\n',
    },
    cmd: "Rscript tests/test_model.R",
  },
  {
    name: "r_syntax",
    tool: "r",
    files: {
      "R/plot.R":
        'make_plot <- function(d) {\n  x <- d$x\n  y <- d$y\n  plot(x y, main = "trend")\n}\n',
    },
    cmd: "Rscript -e 'source(\"R/plot.R\")'",
  },
  // ---- TeX ----
  {
    name: "tex_undefined_cs",
    tool: "tex",
    files: {
      "paper.tex":
        "\\documentclass{article}\n\\begin{document}\n\\section{Introduction}\nThis paper studies logs.\n\\section{Method}\nWe use the \\textbff{extractor} on each log.\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -halt-on-error paper.tex",
  },
  {
    name: "tex_missing_dollar",
    tool: "tex",
    files: {
      "notes.tex":
        "\\documentclass{article}\n\\begin{document}\nFirst paragraph.\n\nThe value x_1 is larger than y.\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -halt-on-error notes.tex",
  },
  {
    name: "tex_missing_sty",
    tool: "tex",
    files: {
      "thesis.tex":
        "\\documentclass{report}\n\\usepackage{amsmath}\n\\usepackage{fancyheadings2}\n\\begin{document}\nHello\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -halt-on-error thesis.tex",
  },
  {
    name: "tex_env_mismatch",
    tool: "tex",
    files: {
      "report.tex":
        "\\documentclass{article}\n\\begin{document}\n\\begin{itemize}\n\\item one\n\\item two\n\\end{enumerate}\n\\end{document}\n",
    },
    cmd: "pdflatex -interaction=nonstopmode -file-line-error report.tex",
  },
  // ---- Lua ----
  {
    name: "lua_nil_index",
    tool: "lua",
    files: {
      "src/config.lua":
        "local M = {}\nfunction M.get(cfg, key)\n  return cfg.section[key]\nend\nreturn M\n",
      "main.lua":
        'package.path = "src/?.lua;" .. package.path\nlocal config = require("config")\nprint("starting")\nlocal v = config.get({}, "port")\nprint(v)\n',
    },
    cmd: "lua5.4 main.lua",
  },
  {
    name: "lua_assert_test",
    tool: "lua",
    files: {
      "test/test_str.lua":
        'local function trim(s) return (s:gsub("^%s+", "")) end\nlocal tests = {\n  { "trim left", function() assert(trim("  a") == "a") end },\n  { "trim right", function() assert(trim("a  ") == "a", "expected \'a\', got \'" .. trim("a  ") .. "\'") end },\n}\nlocal failed = 0\nfor _, t in ipairs(tests) do\n  local ok, err = pcall(t[2])\n  if ok then print("ok   " .. t[1]) else failed = failed + 1; print("FAIL " .. t[1] .. ": " .. err) end\nend\nprint(string.format("%d passed, %d failed", #tests - failed, failed))\nos.exit(failed == 0 and 0 or 1)\n',
    },
    cmd: "lua5.4 test/test_str.lua",
  },
  {
    name: "lua_syntax",
    tool: "lua",
    files: {
      "lib/queue.lua":
        "local Queue = {}\nfunction Queue.new()\n  return { first = 1, last = 0 }\nend\nfunction Queue.push(q, v)\n  q.last = q.last + 1\n  q[q.last] = v\nend\nfunction Queue.pop(q)\n  if q.first > q.last then return nil\n  local v = q[q.first]\n  q.first = q.first + 1\n  return v\nend\nreturn Queue\n",
    },
    cmd: "luac5.4 -p lib/queue.lua 2>&1 || lua5.4 lib/queue.lua",
  },
  // ---- Ruby ----
  {
    name: "ruby_rspec_fail",
    tool: "ruby",
    files: {
      "lib/cart.rb":
        "class Cart\n  def initialize; @items = []; end\n  def add(price, qty = 1); @items << [price, qty]; self; end\n  def total; @items.sum { |p, q| p }; end\nend\n",
      "spec/cart_spec.rb":
        'require_relative "../lib/cart"\nRSpec.describe Cart do\n  it "starts empty" do\n    expect(Cart.new.total).to eq(0)\n  end\n  it "adds one item" do\n    expect(Cart.new.add(5).total).to eq(5)\n  end\n  it "multiplies quantity" do\n    expect(Cart.new.add(5, 3).total).to eq(15)\n  end\nend\n',
    },
    cmd: "rspec --force-color --format documentation",
  },
  {
    name: "ruby_nomethod",
    tool: "ruby",
    files: {
      "lib/users.rb":
        "module Users\n  def self.find(id)\n    { 1 => { name: 'ann' } }[id]\n  end\n  def self.display(id)\n    find(id)[:name].upcase\n  end\nend\n",
      "bin/show": "require_relative '../lib/users'\nputs Users.display(1)\nputs Users.display(2)\n",
    },
    cmd: "ruby bin/show",
  },
  {
    name: "ruby_minitest",
    tool: "ruby",
    files: {
      "test/test_slug.rb":
        "require 'minitest/autorun'\ndef slug(s) = s.downcase.tr(' ', '-')\nclass TestSlug < Minitest::Test\n  def test_lower; assert_equal 'ab', slug('AB'); end\n  def test_spaces; assert_equal 'a-b', slug('a b'); end\n  def test_punct; assert_equal 'a-b', slug('a, b!'); end\nend\n",
    },
    cmd: "ruby -Ilib test/test_slug.rb --seed 1234",
  },
  {
    name: "ruby_syntax",
    tool: "ruby",
    files: {
      "app/models/order.rb":
        "class Order\n  def initialize(lines)\n    @lines = lines\n  end\n\n  def total\n    @lines.each do |l|\n      sum += l.price\n  end\nend\n",
    },
    cmd: "ruby -wc app/models/order.rb",
  },
  // ---- Python ----
  {
    name: "python_pytest_assert",
    tool: "python",
    files: {
      "pkg/__init__.py": "",
      "pkg/prices.py":
        "def discount(price, pct):\n    return round(price * pct / 100, 2)\n\n\ndef total(items):\n    return sum(p for p, _ in items)\n",
      "tests/test_prices.py":
        "from pkg.prices import discount, total\n\n\ndef test_discount():\n    assert discount(200, 10) == 180\n\n\ndef test_total_empty():\n    assert total([]) == 0\n\n\ndef test_total_qty():\n    assert total([(2, 3), (1, 1)]) == 7\n",
    },
    cmd: "python3 -m pytest -p no:cacheprovider --color=yes tests",
  },
  {
    name: "python_traceback",
    tool: "python",
    files: {
      "app/loader.py":
        "import json\n\n\ndef load(path):\n    with open(path) as f:\n        return json.load(f)\n\n\ndef settings():\n    return load('settings.json')['database']\n",
      "app/__init__.py": "",
      "manage.py":
        "import sys\nfrom app.loader import settings\n\nprint('migrating', file=sys.stderr)\nprint(settings())\n",
      "settings.json": '{"database": {"host": "db",}}\n',
    },
    cmd: "python3 manage.py",
  },
  {
    name: "python_unittest",
    tool: "python",
    files: {
      "test_queue.py":
        "import unittest\n\n\nclass Queue:\n    def __init__(self):\n        self.items = []\n\n    def push(self, x):\n        self.items.append(x)\n\n    def pop(self):\n        return self.items.pop()\n\n\nclass QueueTest(unittest.TestCase):\n    def test_push(self):\n        q = Queue()\n        q.push(1)\n        self.assertEqual(q.items, [1])\n\n    def test_fifo(self):\n        q = Queue()\n        q.push(1)\n        q.push(2)\n        self.assertEqual(q.pop(), 1)\n\n    def test_empty(self):\n        self.assertEqual(Queue().items, [])\n\n\nif __name__ == '__main__':\n    unittest.main(verbosity=2)\n",
    },
    cmd: "python3 test_queue.py",
  },
  {
    name: "python_syntax",
    tool: "python",
    files: {
      "src/report.py":
        "def render(rows):\n    out = []\n    for r in rows\n        out.append(str(r))\n    return '\\n'.join(out)\n",
    },
    cmd: "python3 -m py_compile src/report.py",
  },
  {
    name: "python_pytest_exception",
    tool: "python",
    files: {
      "test_client.py":
        "import pytest\n\n\nclass Client:\n    def __init__(self, base):\n        self.base = base\n\n    def url(self, path):\n        return self.base + path\n\n\n@pytest.mark.parametrize('path', ['/a', '/b'])\ndef test_url(path):\n    assert Client('http://x').url(path).startswith('http')\n\n\ndef test_url_none():\n    c = Client(None)\n    assert c.url('/x') == '/x'\n",
    },
    cmd: "python3 -m pytest -p no:cacheprovider -v test_client.py",
  },
  // ---- Go ----
  {
    name: "go_build_undefined",
    tool: "go",
    files: {
      "go.mod": "module example.com/shop\n\ngo 1.19\n",
      "cart/cart.go":
        "package cart\n\ntype Cart struct{ Items []int }\n\nfunc (c *Cart) Total() int {\n\tt := 0\n\tfor _, i := range c.Items {\n\t\tt += i\n\t}\n\treturn t + tax(t)\n}\n",
      "main.go":
        'package main\n\nimport (\n\t"fmt"\n\t"example.com/shop/cart"\n)\n\nfunc main() {\n\tc := cart.Cart{Items: []int{1, 2}}\n\tfmt.Println(c.Total())\n}\n',
    },
    cmd: "go build ./...",
  },
  {
    name: "go_test_fail",
    tool: "go",
    files: {
      "go.mod": "module example.com/strs\n\ngo 1.19\n",
      "strs.go":
        'package strs\n\nimport "strings"\n\nfunc Title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }\n\nfunc Words(s string) int { return len(strings.Split(s, " ")) }\n',
      "strs_test.go":
        'package strs\n\nimport "testing"\n\nfunc TestTitle(t *testing.T) {\n\tif got := Title("go"); got != "Go" {\n\t\tt.Fatalf("Title: got %q", got)\n\t}\n}\n\nfunc TestWords(t *testing.T) {\n\tcases := map[string]int{"a b": 2, "": 0, "a  b": 2}\n\tfor in, want := range cases {\n\t\tif got := Words(in); got != want {\n\t\t\tt.Errorf("Words(%q) = %d, want %d", in, got, want)\n\t\t}\n\t}\n}\n',
    },
    cmd: "go test -v ./...",
  },
  {
    name: "go_test_panic",
    tool: "go",
    files: {
      "go.mod": "module example.com/kv\n\ngo 1.19\n",
      "kv.go":
        "package kv\n\ntype Store struct{ m map[string]string }\n\nfunc (s *Store) Put(k, v string) { s.m[k] = v }\n\nfunc (s *Store) Get(k string) string { return s.m[k] }\n",
      "kv_test.go":
        'package kv\n\nimport "testing"\n\nfunc TestGetEmpty(t *testing.T) {\n\tvar s Store\n\tif s.Get("a") != "" {\n\t\tt.Fatal("want empty")\n\t}\n}\n\nfunc TestPut(t *testing.T) {\n\tvar s Store\n\ts.Put("a", "1")\n}\n',
    },
    cmd: "go test ./...",
  },
  {
    name: "go_vet",
    tool: "go",
    files: {
      "go.mod": "module example.com/fmtx\n\ngo 1.19\n",
      "log.go":
        'package fmtx\n\nimport "fmt"\n\nfunc Report(name string, n int) string {\n\treturn fmt.Sprintf("%s has %d items and %s", name, n)\n}\n',
    },
    cmd: "go vet ./...",
  },
  // ---- Rust ----
  {
    name: "rust_type_mismatch",
    tool: "rust",
    files: {
      "Cargo.toml": '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/main.rs":
        'fn parse(s: &str) -> Option<u32> {\n    s.parse().ok()\n}\n\nfn main() {\n    let n: u32 = parse("4");\n    println!("{}", n);\n}\n',
    },
    cmd: "cargo build --color always",
  },
  {
    name: "rust_test_assert",
    tool: "rust",
    files: {
      "Cargo.toml": '[package]\nname = "roman"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/lib.rs":
        'pub fn roman(mut n: u32) -> String {\n    let mut s = String::new();\n    for (v, r) in [(10, "X"), (5, "V"), (1, "I")] {\n        while n >= v { s.push_str(r); n -= v; }\n    }\n    s\n}\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn three() { assert_eq!(roman(3), "III"); }\n    #[test]\n    fn four() { assert_eq!(roman(4), "IV"); }\n    #[test]\n    fn ten() { assert_eq!(roman(10), "X"); }\n}\n',
    },
    cmd: "cargo test",
  },
  {
    name: "rust_borrow",
    tool: "rust",
    files: {
      "Cargo.toml": '[package]\nname = "names"\nversion = "0.1.0"\nedition = "2021"\n',
      "src/main.rs":
        'fn main() {\n    let mut names = vec![String::from("a")];\n    let first = &names[0];\n    names.push(String::from("b"));\n    println!("{}", first);\n}\n',
    },
    cmd: "cargo build",
  },
  // ---- Java ----
  {
    name: "java_javac",
    tool: "java",
    files: {
      "src/com/acme/Invoice.java":
        "package com.acme;\n\nimport java.util.List;\n\npublic class Invoice {\n    private final List<Integer> lines;\n\n    public Invoice(List<Integer> lines) { this.lines = lines; }\n\n    public int total() {\n        int t = 0;\n        for (int l : lines) t += l;\n        return t.longValue();\n    }\n}\n",
    },
    cmd: "javac -d out src/com/acme/Invoice.java",
  },
  {
    name: "java_exception",
    tool: "java",
    files: {
      "App.java":
        'import java.util.*;\n\npublic class App {\n    static Map<String, Integer> stock = new HashMap<>();\n\n    static int reserve(String sku, int n) {\n        int have = stock.get(sku);\n        return have - n;\n    }\n\n    public static void main(String[] args) {\n        stock.put("A1", 5);\n        System.out.println("reserved " + reserve("A1", 2));\n        System.out.println("reserved " + reserve("B2", 1));\n    }\n}\n',
    },
    cmd: "javac -d out App.java && java -cp out App",
  },
  {
    name: "java_maven_compile",
    tool: "java",
    files: {
      "pom.xml":
        '<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>calc</artifactId>\n  <version>1.0</version>\n  <properties>\n    <maven.compiler.source>17</maven.compiler.source>\n    <maven.compiler.target>17</maven.compiler.target>\n    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>\n  </properties>\n  <build><plugins>\n    <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>\n    <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>\n    <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>\n  </plugins></build>\n  <dependencies>\n    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>\n  </dependencies>\n</project>\n',
      "src/main/java/com/acme/Calc.java":
        "package com.acme;\n\npublic class Calc {\n    public static int avg(int[] xs) {\n        int s = 0;\n        for (int x : xs) s += x;\n        return s / xs.size();\n    }\n}\n",
      "src/test/java/com/acme/CalcTest.java":
        "package com.acme;\n\nimport static org.junit.Assert.assertEquals;\nimport org.junit.Test;\n\npublic class CalcTest {\n    @Test public void avgOfTwo() { assertEquals(2, Calc.avg(new int[]{1, 3})); }\n    @Test public void avgRounds() { assertEquals(3, Calc.avg(new int[]{2, 3})); }\n    @Test public void avgEmpty() { assertEquals(0, Calc.avg(new int[]{})); }\n}\n",
    },
    cmd: "mvn -o -B test",
  },
  // ---- Shell ----
  {
    name: "shell_shellcheck",
    tool: "shell",
    files: {
      "scripts/deploy.sh":
        '#!/bin/bash\nset -e\nTARGET=$1\nfor f in $(ls build/*.tar.gz); do\n  echo "uploading $f"\n  scp $f $TARGET:/srv/releases/\ndone\nif [ $TARGET == "prod" ]; then\n  echo notify\nfi\n',
      "scripts/clean.sh": '#!/bin/bash\nrm -rf "./build"\n',
    },
    cmd: "shellcheck scripts/clean.sh && shellcheck scripts/deploy.sh",
  },
  {
    name: "shell_bats",
    tool: "shell",
    files: {
      "bin/greet": '#!/bin/bash\necho "hello, ${1:-world}"\n',
      "test/greet.bats":
        '#!/usr/bin/env bats\n\n@test "greets the world" {\n  run bin/greet\n  [ "$status" -eq 0 ]\n  [ "$output" = "hello, world" ]\n}\n\n@test "greets by name" {\n  run bin/greet ann\n  [ "$output" = "Hello, ann" ]\n}\n\n@test "exits zero" {\n  run bin/greet x\n  [ "$status" -eq 0 ]\n}\n',
    },
    cmd: "chmod +x bin/greet && bats test",
  },
  {
    name: "shell_set_e",
    tool: "shell",
    files: {
      "ci/build.sh":
        '#!/bin/bash\nset -euo pipefail\necho "==> preparing"\nmkdir -p dist\necho "==> bundling"\ncp -r static/* dist/\necho "==> done"\n',
    },
    cmd: "bash -x ci/build.sh",
  },
  {
    name: "shell_syntax",
    tool: "shell",
    files: {
      "install.sh":
        '#!/bin/sh\nPREFIX=${PREFIX:-/usr/local}\nif [ -d "$PREFIX" ]; then\n  echo "installing to $PREFIX"\n  for f in bin/*; do\n    install -m 755 "$f" "$PREFIX/bin/"\n  done\nfi\ncase "$1" in\n  --help) echo usage ;;\nesac\nif [ -n "$2" ]\n  echo extra\nfi\n',
    },
    cmd: "sh -n install.sh",
  },
  // ---- VimL ----
  {
    name: "vim_undefined_var",
    tool: "viml",
    files: {
      "autoload/fmt.vim":
        "function! fmt#pad(s, n) abort\n  return a:s . repeat(' ', a:n - len(a:s))\nendfunction\n\nfunction! fmt#line(parts) abort\n  return join(map(copy(a:parts), 'fmt#pad(v:val, width)'), '|')\nendfunction\n",
      "test/run.vim":
        "set rtp+=.\necho 'fmt#pad: ' . fmt#pad('a', 3) . '|'\necho fmt#line(['a', 'b'])\nqall!\n",
    },
    cmd: "vim -Nu NONE -i NONE -Es -V1 -S test/run.vim </dev/null; exit 1",
  },
  {
    name: "vim_assert",
    tool: "viml",
    files: {
      "plugin/case.vim":
        "function! Snake(s) abort\n  return tolower(substitute(a:s, '\\(\\l\\)\\(\\u\\)', '\\1_\\2', 'g'))\nendfunction\n",
      "test/test_case.vim":
        "source plugin/case.vim\nlet v:errors = []\ncall assert_equal('foo_bar', Snake('fooBar'))\ncall assert_equal('http_server', Snake('HTTPServer'))\ncall assert_equal('a_b_c', Snake('aBC'))\nif len(v:errors)\n  for e in v:errors\n    call writefile([e], '/dev/stderr', 'a')\n  endfor\n  cquit!\nendif\nqall!\n",
    },
    cmd:
      "vim -Nu NONE -i NONE -Es -S test/test_case.vim </dev/null && echo 'all passed' || { echo \"vim tests failed ($?)\"; exit 1; }",
  },
  {
    name: "vim_not_editor_cmd",
    tool: "viml",
    files: {
      "plugin/tools.vim":
        "\" helpers\nlet g:tools_loaded = 1\ncommand! -nargs=1 Greet echo 'hi ' . <q-args>\nfunction! s:setup()\n  nnoremap <leader>g :Greet you<CR>\n  Greeet me\nendfunction\ncall s:setup()\n",
    },
    cmd: "vim -Nu NONE -i NONE -Es -V1 -c 'source plugin/tools.vim' -c 'qall!' </dev/null; exit 1",
  },
  // ---- Lisp ----
  {
    name: "lisp_sbcl_undefined",
    tool: "lisp",
    files: {
      "src/stats.lisp":
        "(defun mean (xs) (/ (reduce #'+ xs) (length xs)))\n(defun report (xs) (format t \"mean=~a median=~a~%\" (mean xs) (median xs)))\n(report '(1 2 3))\n",
    },
    cmd: "sbcl --non-interactive --no-userinit --load src/stats.lisp",
  },
  {
    name: "lisp_sbcl_assert",
    tool: "lisp",
    files: {
      "t/tests.lisp":
        '(defun fact (n) (if (<= n 1) 1 (* n (fact (- n 1)))))\n(format t "fact 0 ... ~a~%" (fact 0))\n(assert (= (fact 5) 120))\n(format t "fact 5 ok~%")\n(assert (= (fact 0) 0) () "fact 0 should be 0, got ~a" (fact 0))\n',
    },
    cmd: "sbcl --script t/tests.lisp",
  },
  {
    name: "lisp_sbcl_type_error",
    tool: "lisp",
    files: {
      "app.lisp":
        '(defun parse-port (s) (parse-integer s))\n(defun start (cfg) (format t "listening on ~a~%" (+ 1 (parse-port (getf cfg :port)))))\n(format t "booting~%")\n(start \'(:host "0.0.0.0"))\n',
    },
    cmd: "sbcl --non-interactive --no-userinit --load app.lisp",
  },
  // ---- Objective-C ----
  {
    name: "objc_undeclared",
    tool: "objc",
    files: {
      "Sources/Counter.m":
        "#include <stdio.h>\n\n@interface Counter {\n  int count;\n}\n- (void)increment;\n@end\n\n@implementation Counter\n- (void)increment {\n  count += step;\n}\n@end\n\nint main(void) { return 0; }\n",
    },
    cmd: "gcc -x objective-c -Wall -c Sources/Counter.m -o Counter.o",
  },
  {
    name: "objc_missing_foundation",
    tool: "objc",
    files: {
      "Sources/AppDelegate.m":
        "#import <Foundation/Foundation.h>\n\n@interface AppDelegate : NSObject\n@end\n\n@implementation AppDelegate\n@end\n",
      "Sources/util.m": "int util(void) { return 1; }\n",
    },
    cmd:
      'for f in Sources/util.m Sources/AppDelegate.m; do echo "CompileC $f"; gcc -x objective-c -c $f -o ${f%.m}.o || exit 1; done',
  },
  {
    name: "objc_incompatible",
    tool: "objc",
    files: {
      "Shape.m":
        "#include <stdio.h>\n@interface Shape { int sides; }\n- (int)sides;\n@end\n@implementation Shape\n- (int)sides { return sides; }\n@end\nint area(const char *name) { return 0; }\nint main(void) {\n  int n = 3;\n  return area(n);\n}\n",
    },
    cmd: "gcc -x objective-c -Werror -c Shape.m -o Shape.o",
  },
  // ---- HTML ----
  {
    name: "html_tidy_errors",
    tool: "html",
    files: {
      "site/index.html":
        '<!DOCTYPE html>\n<html lang="en">\n<head><title>Shop</title></head>\n<body>\n<div class="nav">\n  <a href="/">Home</a>\n  <a href="/cart">Cart\n</div>\n<table><tr><td>1</td></tr></tabel>\n<p>Done</p>\n</body>\n</html>\n',
    },
    cmd: "tidy -q -e site/index.html",
  },
  {
    name: "html_tidy_attrs",
    tool: "html",
    files: {
      "public/about.html":
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>About</title></head>\n<body>\n<img src="team.png">\n<p align=center>Our team</p>\n<foo>unknown</foo>\n<section id="a"></section>\n<section id="a"></section>\n</body>\n</html>\n',
      "public/index.html":
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Home</title></head>\n<body><p>ok</p></body>\n</html>\n',
    },
    cmd:
      'rc=0; for f in public/*.html; do echo "checking $f"; tidy -q -e "$f" || rc=$?; done; [ $rc -lt 2 ]',
  },
  {
    name: "html_xmllint",
    tool: "html",
    files: {
      "docs/page.xhtml":
        '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">\n<head><title>Page</title></head>\n<body>\n<ul>\n<li>one</li>\n<li>two\n</ul>\n</body>\n</html>\n',
    },
    cmd:
      "python3 -c \"import sys,xml.dom.minidom as m; m.parse(sys.argv[1]); print('ok')\" docs/page.xhtml",
  },
  // ---- PHP ----
  {
    name: "php_uncaught",
    tool: "php",
    files: {
      "src/Repo.php":
        '<?php\nclass Repo {\n  private array $rows = [];\n  public function find(int $id): array {\n    if (!isset($this->rows[$id])) {\n      throw new RuntimeException("row $id not found");\n    }\n    return $this->rows[$id];\n  }\n}\n',
      "bin/show.php":
        "<?php\nrequire __DIR__ . '/../src/Repo.php';\nfunction show(Repo $r, int $id) { return $r->find($id); }\necho \"loading\\n\";\nprint_r(show(new Repo(), 7));\n",
    },
    cmd: "php bin/show.php",
  },
  {
    name: "php_parse_error",
    tool: "php",
    files: {
      "src/Mailer.php":
        "<?php\nclass Mailer {\n  public function send($to, $body) {\n    $headers = ['From' => 'noreply@example.com']\n    return mail($to, 'Hi', $body, $headers);\n  }\n}\n",
    },
    cmd: "php -l src/Mailer.php",
  },
  // ---- Elixir ----
  {
    name: "elixir_exunit",
    tool: "elixir",
    files: {
      "test/math_test.exs":
        'ExUnit.start(seed: 0)\n\ndefmodule MyMath do\n  def clamp(x, lo, hi), do: x |> max(lo) |> min(lo)\nend\n\ndefmodule MyMathTest do\n  use ExUnit.Case\n\n  test "clamps low" do\n    assert MyMath.clamp(-1, 0, 10) == 0\n  end\n\n  test "keeps middle" do\n    assert MyMath.clamp(5, 0, 10) == 5\n  end\nend\n',
    },
    cmd: "elixir test/math_test.exs",
  },
  {
    name: "elixir_compile",
    tool: "elixir",
    files: {
      "lib/greeter.ex":
        'defmodule Greeter do\n  def hello(name) do\n    "Hello, " <> nme\n  end\nend\n',
    },
    cmd: "elixirc -o ebin lib/greeter.ex",
  },
  // ---- Fortran ----
  {
    name: "fortran_gfortran",
    tool: "fortran",
    files: {
      "src/solver.f90":
        "program solver\n  implicit none\n  integer :: i, n\n  real :: total\n  n = 10\n  total = 0.0\n  do i = 1, n\n    total = total + weight(i)\n  end do\n  print *, total\nend program solver\n",
    },
    cmd: "gfortran -c src/solver.f90 -o solver.o",
  },
  {
    name: "fortran_runtime",
    tool: "fortran",
    files: {
      "bounds.f90":
        "program bounds\n  implicit none\n  integer :: a(5), i\n  do i = 1, 6\n    a(i) = i * 2\n  end do\n  print *, a\nend program bounds\n",
    },
    cmd: "gfortran -fcheck=bounds -g bounds.f90 -o bounds && ./bounds",
  },
];
