import assert from "node:assert/strict";
import { corpus, evaluate } from "../../bench/logs_travis.ts";
import { extractChunks } from "../../gates/extract.ts";
import { scoreLine, stepEndOf, stepMark } from "../../gates/extract_rules.ts";

Deno.test("the second corpus (probe half) stays above the extraction targets", async () => {
  const { logs, figures, baseline } = await evaluate("probe");
  assert.ok(logs.length >= 20, `only ${logs.length} probe logs`);
  assert.ok(Object.keys(figures.perTool).length >= 12, "fewer than 12 toolchains");
  const misses = logs.filter((l) => !l.hit).map((l) => l.name);
  assert.ok(figures.hit >= 0.9, `hit ${figures.hit}; missed ${misses.join(", ")}`);
  assert.ok(figures.f1 >= 0.6, `line F1 ${figures.f1}`);
  assert.ok(figures.lines <= 40, `lines per log ${figures.lines}`);
  assert.ok(baseline.hit < figures.hit, `baseline ${baseline.hit} >= ${figures.hit}`);
});

Deno.test("the second corpus is split in halves by a fixed hash of the name", async () => {
  const all = await corpus();
  const probe = [...all.values()].filter((l) => l.part === "probe").length;
  assert.ok(Math.abs(2 * probe - all.size) <= 1, `${probe} of ${all.size}`);
  assert.deepEqual([...(await corpus()).entries()], [...all.entries()]);
});

Deno.test("stepMark and stepEndOf read Jenkins Pipeline steps and verdicts", () => {
  assert.equal(stepMark("[Pipeline] sh"), 1);
  assert.equal(stepMark("[2026-12-04T08:00:00.123Z] [Pipeline] sh"), 1);
  assert.equal(stepMark("[Pipeline] bat"), 1);
  assert.equal(stepMark("[Pipeline] stage"), 0);
  assert.equal(stepMark("[Pipeline] shell-like"), 0);
  assert.equal(stepMark("[Pipeline] { (Declarative: Post Actions)"), 3);
  assert.equal(stepEndOf("ERROR: script returned exit code 2", false), 3);
  assert.equal(stepEndOf("ERROR: script returned exit code 0", false), 0);
  assert.equal(stepEndOf('Stage "Deploy" skipped due to earlier failure(s)', false), 1);
  assert.equal(stepEndOf("Stage one finished", false), 0);
});

const jenkins = (body: string[], post: string[]) =>
  [
    "[Pipeline] Start of Pipeline",
    "[Pipeline] node",
    "[Pipeline] {",
    "[Pipeline] stage",
    "[Pipeline] { (Build)",
    "[Pipeline] sh",
    "[2026-12-04T08:00:00.100Z] + ./build.sh",
    ...body.map((l) => `[2026-12-04T08:00:01.200Z] ${l}`),
    "[Pipeline] }",
    "[Pipeline] // stage",
    "[Pipeline] stage",
    "[Pipeline] { (Declarative: Post Actions)",
    ...post,
    "[Pipeline] }",
    "[Pipeline] // stage",
    "[Pipeline] End of Pipeline",
    "ERROR: script returned exit code 1",
    "Finished: FAILURE",
  ].join("\n") + "\n";

Deno.test("a Jenkins log: the failed sh step's error, not the post steps' errors", () => {
  const log = jenkins(
    ["compiling", "build.sh: line 4: jqq: command not found"],
    [
      "[Pipeline] archiveArtifacts",
      "Archiving artifacts",
      'ERROR: No artifacts found that match the file pattern "dist/**". Configuration error?',
      "[Pipeline] sh",
      "[2026-12-04T08:00:09.000Z] + ./cleanup.sh",
      "[2026-12-04T08:00:09.100Z] error: cleanup could not remove tmp/",
    ],
  );
  const [best] = extractChunks(log);
  assert.ok(best, "no chunk");
  assert.equal(best.text, "build.sh: line 4: jqq: command not found");
});

Deno.test("a Jenkins step's command echo is not its failure", () => {
  const log = jenkins(
    ["test cents ok", "PHP Fatal error:  Uncaught AssertionError: cents in /w/t.php:5"],
    [],
  ).replace("+ ./build.sh", "+ php -d assert.exception=1 t.php");
  const [best] = extractChunks(log);
  assert.ok(best!.text.startsWith("PHP Fatal error:"), best!.text);
});

Deno.test("ShellCheck: the findings with their source lines, not the wiki links", () => {
  const log = [
    ...Array.from({ length: 40 }, (_, i) => `ok ${i + 1} - handles error ${i}`),
    "",
    "In bin/backup.sh line 3:",
    "cd $SRC",
    "^-----^ SC2164 (warning): Use 'cd ... || exit' or 'cd ... || return' in case cd fails.",
    "   ^--^ SC2086 (info): Double quote to prevent globbing and word splitting.",
    "",
    "Did you mean: ",
    'cd "$SRC" || exit',
    "",
    "",
    "In bin/backup.sh line 8:",
    "read name",
    "^--^ SC2162 (info): read without -r will mangle backslashes.",
    "",
    "For more information:",
    "  https://www.shellcheck.net/wiki/SC2164 -- Use 'cd ... || exit' or 'cd ... |...",
    "  https://www.shellcheck.net/wiki/SC2162 -- read without -r will mangle backs...",
    "cleanup done",
  ].join("\n");
  const [best] = extractChunks(log);
  assert.ok(best, "no chunk");
  assert.equal(best.start, 42);
  assert.equal(best.end, 53);
  assert.ok(!best.text.includes("shellcheck.net"), best.text);
});

Deno.test("scoreLine knows the shapes the second corpus added", () => {
  const cause = (line: string) => scoreLine(line).score >= 5;
  for (
    const line of [
      "   ^--^ SC2086 (info): Double quote to prevent globbing and word splitting.",
      "^-----^ SC2164 (warning): Use 'cd ... || exit' or 'cd ... || return' in case cd fails.",
      "Failed example:",
      "terminate called after throwing an instance of 'std::out_of_range'",
      '    units_test.go:18: Parse("1 kb") = 1000, want 1024',
      "error[no-explicit-any]: `any` type is not allowed",
      "❌  /Users/travis/build/acme/App/Cart.swift:12:9: use of unresolved identifier 'totl'",
      "Testing failed:",
      " Failure Details:",
      "  ── 1. Failure: parses dates (@test-dates.R#5) ──────────",
      "* checking tests ... ERROR",
      "make: *** No rule to make target 'lexer.o', needed by 'tool'.  Stop.",
      "Makefile:4: *** missing separator.  Stop.",
      "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.5.2:test (default-test) on project strs: Plugin org.apache.maven.plugins:maven-surefire-plugin:3.5.2 or one of its dependencies could not be resolved: Cannot access central in offline mode",
      "command line..script /w/test/trim.vim line 6: Expected 'b' but got 'b  '",
    ]
  ) assert.ok(cause(line), line);
  for (
    const line of [
      "For more information:",
      "  https://www.shellcheck.net/wiki/SC2086 -- Double quote to prevent globbing ...",
    ]
  ) assert.ok(!cause(line), line);
});

Deno.test("a Jenkins freestyle job: the shell step's error, not the publishers'", () => {
  const log = [
    "Started by an SCM change",
    "Building in workspace /var/lib/jenkins/workspace/app",
    "[app] $ /bin/sh -xe /tmp/jenkins5120.sh",
    "+ ./ci/test.sh",
    "collecting",
    "./ci/test.sh: line 3: pytest: command not found",
    "Build step 'Execute shell' marked build as failure",
    "Recording test results",
    "ERROR: Step ‘Publish JUnit test result report’ failed: No test report files were found. Configuration error?",
    "Finished: FAILURE",
  ].join("\n") + "\n";
  assert.equal(stepMark("[app] $ /bin/sh -xe /tmp/jenkins5120.sh"), 1);
  const [best] = extractChunks(log);
  assert.equal(best!.text, "./ci/test.sh: line 3: pytest: command not found");
});

Deno.test("lines with no error word still reach the rules: TeX's ! errors, xcpretty's ❌", () => {
  const noise = Array.from({ length: 300 }, (_, i) => `compiling unit ${i}`);
  for (
    const [cause, after] of [
      ["! Too many }'s.", "l.5 Second paragraph}"],
      ["❌  /w/App/Cart.swift:12:9: use of unresolved identifier 'totl'", "    let t = totl"],
    ]
  ) {
    const [best] = extractChunks([...noise, cause!, after!, "done"].join("\n"));
    assert.ok(best, cause);
    assert.equal(best.start, 301, cause);
  }
});

Deno.test("with no cause in the log, a summary line is the last resort, not a path", () => {
  const log = [
    "gcc -O2 -c src/pool.c -o src/pool.o",
    "src/pool.c: In function 'flush':",
    ...Array.from({ length: 20 }, (_, i) => `step ${i} done`),
    "running checks",
    "check suite: FAILED",
    "cleanup done",
  ].join("\n");
  const [best] = extractChunks(log);
  assert.ok(best, "no chunk");
  assert.equal(best.end, 24, `${best.start}-${best.end}`);
});

Deno.test("HTML-Proofer: the files and their findings, not the count", () => {
  const log = [
    ...Array.from({ length: 50 }, (_, i) => `      Generating page ${i}...`),
    'Running ["ImageCheck", "ScriptCheck", "LinkCheck"] on ["./_site"] on *.html... ',
    "Ran on 12 files!",
    "- ./_site/about/index.html",
    "  *  image /img/team.png does not have an alt attribute (line 31)",
    "  *  internally linking to /contact.html, which does not exist (line 40)",
    '     <a href="/contact.html">Contact</a>',
    "- ./_site/index.html",
    "  *  External link https://example.org/gone failed: 404 No error",
    "htmlproofer 3.19.4 | Error:  HTML-Proofer found 3 failures!",
    'The command "bundle exec htmlproofer ./_site" exited with 1.',
  ].join("\n");
  const [best] = extractChunks(log);
  assert.ok(best, "no chunk");
  assert.equal(`${best.start}-${best.end}`, "53-58");
});
