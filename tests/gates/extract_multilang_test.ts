import assert from "node:assert/strict";
import { corpus, evaluate } from "../../bench/logs_multilang.ts";
import { extractChunks } from "../../gates/extract.ts";
import { continuation, scoreLine, stepEndOf, stepMark } from "../../gates/extract_rules.ts";

const ESC = "\x1b";
const ts = (i: number) => `2026-12-04T08:00:${String(i % 60).padStart(2, "0")}.1234567Z `;

Deno.test("the multi-language corpus (tuned part) stays above the extraction targets", async () => {
  const { logs, figures, baseline } = await evaluate("tuned");
  assert.ok(logs.length >= 35, `only ${logs.length} tuned logs`);
  assert.ok(Object.keys(figures.perTool).length >= 15, "fewer than 15 toolchains");
  const misses = logs.filter((l) => !l.hit).map((l) => l.name);
  assert.ok(figures.hit >= 0.8, `hit ${figures.hit}; missed ${misses.join(", ")}`);
  assert.ok(figures.f1 >= 0.4, `line F1 ${figures.f1}`);
  assert.ok(figures.lines <= 40, `lines per log ${figures.lines}`);
  // The corpus is hard enough to tell: the last 31 lines miss often.
  assert.ok(baseline.hit < figures.hit, `baseline ${baseline.hit} >= ${figures.hit}`);
});

Deno.test("the held-back split is fixed by the name hash and spread over toolchains", async () => {
  const all = await corpus();
  const held = [...all.values()].filter((l) => l.part === "heldback");
  const tools = new Set([...all.values()].map((l) => l.tool));
  assert.equal(new Set(held.map((l) => l.tool)).size, tools.size);
  assert.ok(held.length >= all.size / 4 && held.length <= all.size / 2, `${held.length}`);
  assert.deepEqual([...(await corpus()).entries()], [...all.entries()]);
});

Deno.test("stepMark reads the step boundaries of four CI systems from raw lines", () => {
  assert.equal(stepMark(`${ts(1)}##[group]Run make test`), 1);
  assert.equal(stepMark(`${ts(1)}##[group]Operating System`), 0);
  assert.equal(stepMark(`${ts(1)}##[section]Starting: Build`), 1);
  assert.equal(stepMark(`${ts(1)}##[section]Finishing: Build`), 2);
  assert.equal(stepMark(`section_start:1733299200:step_script\r${ESC}[0Ksection`), 1);
  assert.equal(stepMark(`section_end:1733299200:step_script\r${ESC}[0K`), 3);
  assert.equal(stepMark(`section_end:1733299200:after_script\r${ESC}[0K`), 2);
  assert.equal(stepMark(`travis_time:start:0a1b2c\r${ESC}[0K$ make`), 1);
  assert.equal(stepMark(`travis_time:end:0a1b2c:start=1,finish=2\r${ESC}[0K`), 2);
  assert.equal(stepMark("the intersection_start: is not a marker"), 0);
  assert.equal(stepMark("plain output"), 0);
});

Deno.test("stepEndOf reads a runner's verdict on a failed step", () => {
  assert.equal(stepEndOf("Process completed with exit code 2.", true), 1);
  assert.equal(stepEndOf("Process completed with exit code 2.", false), 0);
  assert.equal(stepEndOf("Process completed with exit code 0.", true), 0);
  assert.equal(stepEndOf("Bash exited with code '1'.", true), 1);
  assert.equal(stepEndOf("The process '/usr/bin/git' failed with exit code 128", true), 1);
  assert.equal(stepEndOf('The command "make test" exited with 2.', false), 1);
  assert.equal(stepEndOf('The command "make test" exited with 0.', false), 0);
  assert.equal(stepEndOf("Exited with code exit status 1", false), 1);
  assert.equal(stepEndOf("ERROR: Job failed: exit code 1", false), 2);
  assert.equal(stepEndOf("the worker exited with code 1 and retried", false), 0);
});

Deno.test("scoreLine knows diagnostics of many languages by their documented shapes", () => {
  const cause = (line: string) => scoreLine(line).score >= 5;
  const causes = [
    "! Undefined control sequence.",
    "./paper.tex:6: LaTeX Error: \\begin{itemize} on input line 3 ended by \\end{enumerate}.",
    "Cannot open config conf/app.ini: No such file or directory at bin/report.pl line 7.",
    "not ok 2 - greets by name",
    "#   Failed test 'mul small'",
    'Error in `[.data.frame`(df, , c("a", "b")) : undefined columns selected',
    "lua5.4: src/config.lua:3: attempt to index a nil value (field 'section')",
    'Unhandled SIMPLE-ERROR in thread #<SB-THREAD:THREAD "main thread" RUNNING',
    "*** - EVAL: undefined function FOO",
    "E492: Not an editor command:   Greeet me",
    "PHP Fatal error:  Uncaught RuntimeException: row 7 not found in /app/src/Repo.php:6",
    "** (CompileError) lib/greeter.ex:3: undefined function nme/0",
    "Fortran runtime error: Index '6' of dimension 1 of array 'a' above upper bound of 5",
    'test_parse: test_parse.c:12: main: Assertion `parse("abc") == 4\' failed.',
    "run_tests.sh: line 5: 21053 Segmentation fault      ./run",
    'install.sh: 14: Syntax error: "fi" unexpected (expecting "then")',
    "line 7 column 3 - Warning: missing </a>",
    "Test Case '-[AppTests.CartTests testTotal]' failed (0.002 seconds).",
    "Swift/Array.swift:418: Fatal error: Index out of range",
    "[  FAILED  ] QueueTest.PopsInOrder (0 ms)",
    "test/queue_test.cc:31: Failure",
    "── Failure (test-model.R:12:3): slope is positive ──",
    "Failure → spec/str_spec.lua @ 4",
    "2/2 Test #2: div ..............................***Failed    0.00 sec",
  ];
  for (const line of causes) assert.ok(cause(line), line);
  const summaries = [
    "!  ==> Fatal error occurred, no output PDF file produced!",
    "Dubious, test returned 2 (wstat 512, 0x200)",
    "Result: FAIL",
    "** BUILD FAILED **",
    "unhandled condition in --disable-debugger mode, quitting",
  ];
  for (const line of summaries) assert.ok(scoreLine(line).score < 5, line);
});

Deno.test("continuation keeps frames and contexts of several languages with their error", () => {
  for (
    const line of [
      "l.6 We use the \\textbff",
      "<inserted text> ",
      "Calls: print ... summarise -> colMeans",
      "Execution halted",
      "stack traceback:",
      "#0 /app/bin/show.php(3): Repo->find()",
      '3: (ERROR #<SIMPLE-ERROR "fact 0" {1001469503}>)',
      "# (in test file test/greet.bats, line 11)",
      "\tmain::fetch(0) called at t/api.t line 5",
    ]
  ) assert.equal(continuation(line), 2, line);
  assert.equal(continuation("Generating report"), 0);
});

/** A GitHub Actions job: setup step, the failing step, post-job steps. */
function github(body: string[], after: string[] = []): { log: string; first: number } {
  const head = [
    "##[group]Run ./ci/setup.sh",
    "./ci/setup.sh",
    "##[endgroup]",
    "Setting up liberror-perl (0.17029-2) ...",
    "error: this is a warning-level message of the setup step, which passed",
    "##[group]Run make test",
    "make test",
    "shell: /usr/bin/bash -e {0}",
    "##[endgroup]",
  ];
  const lines = [
    ...head,
    ...body,
    "##[error]Process completed with exit code 1.",
    ...after,
    "Cleaning up orphan processes",
  ];
  return { log: lines.map((l, i) => ts(i) + l).join("\n") + "\n", first: head.length + 1 };
}

Deno.test("extractChunks answers with the failed step, not setup noise or post-job steps", () => {
  const { log, first } = github(
    ["compiling", "src/a.c:3:5: error: 'x' undeclared", "    3 | x = 1;"],
    [
      "##[group]Run actions/upload-artifact@v4",
      "##[endgroup]",
      "Error: No files were found with the provided path: build/logs. No artifacts will be uploaded.",
    ],
  );
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end], [first + 1, first + 2]);
});

Deno.test("extractChunks takes the block a quiet failed step ended with", () => {
  // A runtime failure whose message has no error word (Haskell's head []).
  const { log, first } = github(["reverse: ok", "", "spec: Prelude.head: empty list"]);
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end, c!.kind], [first + 2, first + 2, "exit"]);
  assert.equal(c!.text, "spec: Prelude.head: empty list");
});

Deno.test("extractChunks reads GitLab's script section though the verdict comes after cleanup", () => {
  const lines = [
    `section_start:1:step_script\r${ESC}[0K${ESC}[0K${ESC}[36;1mExecuting "step_script" stage${ESC}[0;m`,
    `${ESC}[32;1m$ lua5.4 main.lua${ESC}[0;m`,
    "starting",
    "lua5.4: src/config.lua:3: attempt to index a nil value (field 'section')",
    "stack traceback:",
    "\tsrc/config.lua:3: in function 'config.get'",
    `section_end:2:step_script\r${ESC}[0K`,
    `section_start:3:upload_artifacts_on_failure\r${ESC}[0K${ESC}[0K${ESC}[36;1mUploading artifacts${ESC}[0;m`,
    `${ESC}[31;1mERROR: No files to upload                         ${ESC}[0;m `,
    `section_end:4:upload_artifacts_on_failure\r${ESC}[0K`,
    `${ESC}[31;1mERROR: Job failed: exit code 1`,
  ];
  const [c] = extractChunks(lines.join("\n"));
  assert.deepEqual([c!.start, c!.end], [4, 6]);
});

Deno.test("extractChunks reads Travis and Azure verdicts", () => {
  const travis = [
    `travis_time:start:0a\r${ESC}[0K$ perl -c lib/P.pm`,
    'syntax error at lib/P.pm line 8, near "$text"',
    "lib/P.pm had compilation errors.",
    `travis_time:end:0a:start=1,finish=2\r${ESC}[0K${ESC}[31;1mThe command "perl -c lib/P.pm" exited with 255.${ESC}[0m`,
    `travis_fold:start:after_failure\r${ESC}[0Ktravis_time:start:0b\r${ESC}[0K$ cat build/*.log`,
    "cat: 'build/*.log': No such file or directory",
    `travis_time:end:0b:start=3,finish=4\r${ESC}[0K`,
  ];
  assert.deepEqual(extractChunks(travis.join("\n")).map((c) => [c.start, c.end])[0], [2, 3]);
  const azure = [
    "##[section]Starting: Build",
    "[command]/usr/bin/bash /home/vsts/work/_temp/x.sh",
    "== running integration",
    "run_tests.sh: line 5: 21053 Segmentation fault      ./run",
    "##[error]Bash exited with code '139'.",
    "##[section]Finishing: Build",
    "##[section]Starting: Publish test results",
    "##[error]No test result files matching '**/TEST-*.xml' were found: error.",
    "##[section]Finishing: Publish test results",
  ].map((l, i) => ts(i) + l);
  const [c] = extractChunks(azure.join("\n"));
  assert.deepEqual([c!.start, c!.end], [4, 4]);
});

Deno.test("extractChunks keeps a location line and code frame above a SyntaxError", () => {
  const log = [
    "$ python3 -m py_compile src/report.py",
    '  File "src/report.py", line 3',
    "    for r in rows",
    "                 ^",
    "SyntaxError: expected ':'",
  ].join("\n");
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end], [2, 5]);
});

Deno.test("extractChunks shows a run of identical lines once, with its count", () => {
  const log = [
    "$ make",
    "src/a.c:1:1: error: stray '\\302' in program",
    ...Array.from({ length: 6 }, () => "src/a.c:1:2: error: stray '\\240' in program"),
    "make: *** [Makefile:2: a.o] Error 1",
  ].join("\n");
  const [c] = extractChunks(log);
  assert.deepEqual([c!.start, c!.end], [2, 8]);
  assert.equal(
    c!.text,
    [
      "src/a.c:1:1: error: stray '\\302' in program",
      "src/a.c:1:2: error: stray '\\240' in program",
      "… (the line above repeated 5 more times)",
    ].join("\n"),
  );
});
