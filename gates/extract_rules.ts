/**
 * Line-level knowledge of the generic extractor: how to clean a raw CI log
 * line (carriage-return progress bars, ANSI colours, timestamp prefixes,
 * `##[group]` folds) and how strongly a clean line points at a failure.
 *
 * @module
 */

import { stripAnsi } from "../core/text.ts";

/** Longest line kept for analysis and output; longer lines are cut. */
export const MAX_LINE = 2000;

/** Score from which a line is a cause (see {@link LineScore}): it opens a chunk. */
export const CAUSE = 5;

/** How much a line says about a failure, and what kind of failure. */
export interface LineScore {
  /** 0 = nothing, 1-2 = summary ("exit code 1"), 3-4 = context, >= 5 = a cause. */
  score: number;
  /** Failure family: "compile", "test", "npm", "traceback", "oom", … */
  kind: string;
}

// Timestamp prefixes of GitHub Actions / Azure Pipelines (ISO with 7 digits),
// GitLab raw logs (ISO + stream id such as "00O "), Jenkins ("[ISO] ") and
// plain clock prefixes ("12:00:01 ", "[12:00:01.123] ").
const TIMESTAMP =
  /^(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s(?:\d\d[OE]\+?\s)?|\[?\d\d:\d\d:\d\d(?:\.\d+)?\]?\s)/;
// BuildKit's plain progress: "#7 2.114 " before each line of a RUN step.
const BUILDKIT = /^#\d+ \d+\.\d+ /;
const FOLD =
  /^(?:##\[(?:group|endgroup|section|command|debug|warning)\]|::(?:group|endgroup)::|travis_(?:fold|time):[^\s]*)/;

/**
 * Clean one raw log line: keep what a terminal would show after carriage
 * returns, drop ANSI escapes, timestamp prefixes and fold markers, cut very
 * long lines.
 *
 * @param raw The line without its newline.
 * @returns The clean line and whether it carried a CI error marker.
 */
export function cleanLine(raw: string): { text: string; marked: boolean } {
  let line = raw;
  if (line.includes("\r")) {
    line = line.replace(/\r+$/, "");
    const cr = line.lastIndexOf("\r");
    if (cr >= 0) line = line.slice(cr + 1);
  }
  if (line.length > MAX_LINE) line = line.slice(0, MAX_LINE) + "…";
  line = stripAnsi(line);
  const c = line.charCodeAt(0);
  if (c >= 48 && c <= 57 && line.charCodeAt(4) === 45 && line.charCodeAt(10) === 84) {
    // The ISO prefix of GitHub, Azure and GitLab, cut without a regex: it is
    // on every line of those logs.
    const sp = line.indexOf(" ", 19);
    if (sp > 0 && sp < 40) {
      line = line.slice(sp + 1);
      if (/^\d\d[OE]\+? /.test(line)) line = line.slice(line.indexOf(" ") + 1);
    }
  } else if ((c >= 48 && c <= 57) || c === 91) line = line.replace(TIMESTAMP, "");
  if (line.charCodeAt(0) === 35) line = line.replace(BUILDKIT, "");
  let marked = false;
  if (line.startsWith("##[") || line.startsWith("::") || line.startsWith("travis_")) {
    if (line.startsWith("##[error]")) {
      marked = true;
      line = line.slice(9);
    } else if (line.startsWith("::error")) {
      marked = true;
      line = line.replace(/^::error[^:]*::/, "");
    } else {
      line = line.replace(FOLD, "");
    }
  }
  return { text: line, marked };
}

// Cheap gate before the rule table: most log lines match none of these.
// Only ASCII letters and few alternatives: V8 scans such a regex several
// times faster than one with character classes, symbols or anchors
// (measured on a 200 MB log: ~2 ms/MB against ~13 ms/MB).
const KEYWORDS_SOURCE =
  "err|fail|exception|fatal|panic|traceback|killed|denied|not found|cannot|could not|unable|undefined|invalid|expected|received|assert|abort|segmentation|memory|caused by|exit|no such|what went wrong|section_|travis_time|group]run|section]|unhandled|not ok|dubious|halted|traceback|backtrace|stack trace|not in scope|unexpected|no member|cannot|undeclared|couldn't|missing|violat|mismatch|emergency stop|not an editor command|but got| line |\\*\\* \\(|pipeline] |bin/sh -x|terminate called|no rule to make|missing separator";
const KEYWORDS = new RegExp(KEYWORDS_SOURCE, "i");
/** Test-runner marks that carry meaning without a keyword. */
export const SYMBOLS: readonly string[] = ["✕", "✘", "×", "●", "✖", "✗", "❌", "=> ."];
const SYMBOL_RE = /[✕✘×●✖✗❌]|=> \./;
// Shapes that need no keyword: stack and code frames, file:line locations,
// test headers, rustc's "-->", gcc's ": In function". Anchored at the start.
const SHAPES_SOURCE =
  '(?:\\s*(?:E\\s|at |File "|\\d+\\) |\\d+:\\d+\\s+error|--> |\\^-*\\^? SC\\d|\\S+_test\\.go:\\d+: )|e: |! |- \\S+\\.html?$|_{3}|---- |goroutine \\d|\\[signal|[^\\s:(]+: In |[^\\s:(]+\\.\\w{1,6}[:(]\\d|[\\w.-]+: [^\\s:(]+\\.\\w{1,6}:\\d|(?:\\/|\\.{1,2}\\/)?[\\w@.-]+(?:\\/[\\w@.-]+)+\\.\\w{1,5}$)';
const SHAPES = new RegExp(`^${SHAPES_SOURCE}`);

// Jenkins Pipeline: the steps that run a script (`[Pipeline] sh`), and the
// declarative post section, which runs after the failed step and before the
// verdict ("ERROR: script returned exit code 1").
const JENKINS_SHELL = /^(?:sh|bat|powershell|pwsh)\s*$/;
const JENKINS_POST = "{ (Declarative: Post Actions)";
// A freestyle job's "Execute shell" build step: "[app] $ /bin/sh -xe /tmp/jenkins1.sh".
const JENKINS_FREESTYLE = /^\[[^\]]{1,80}\] \$ \/bin\/(?:ba)?sh -xe? \S/;

/**
 * Whether a raw line is a CI step boundary: 1 a step starts (GitHub's
 * `##[group]Run`, Azure's `##[section]Starting:`, GitLab's `section_start:`,
 * Travis's `travis_time:start:`, Jenkins's `[Pipeline] sh`), 2 one ends (`##[section]Finishing:`,
 * `section_end:`, `travis_time:end:`), 3 GitLab's script section ends (the
 * job's commands; the verdict "Job failed" comes after cleanup sections) or
 * Jenkins's declarative post section starts (same: the verdict follows it).
 * A few substring tests, no regex unless a marker is there.
 *
 * @param raw The line as it is in the log.
 * @returns 0 for an ordinary line.
 */
export function stepMark(raw: string): 0 | 1 | 2 | 3 {
  // Markers start the line, after a CI timestamp (and GitLab's stream id)
  // and erase-line codes: a few character tests, no scan of the line.
  let i = 0;
  const c = raw.charCodeAt(0);
  if (c >= 48 && c <= 57 && raw.charCodeAt(4) === 45 && raw.charCodeAt(10) === 84) {
    const sp = raw.indexOf(" ", 19);
    if (sp < 0 || sp > 40) return 0;
    i = sp + 1;
    const d = raw.charCodeAt(i);
    if (d >= 48 && d <= 57 && raw.charCodeAt(i + 3) === 32) i += 4;
    else if (d >= 48 && d <= 57 && raw.charCodeAt(i + 4) === 32) i += 5;
  }
  while (raw.charCodeAt(i) === 27) {
    const m = raw.indexOf("K", i);
    if (m < 0 || m > i + 6) return 0;
    i = m + 1;
  }
  if (raw.charCodeAt(i) === 91) {
    // Jenkins's Timestamper prefix "[2026-12-04T08:00:00.123Z] ".
    if (raw.charCodeAt(i + 5) === 45 && raw.charCodeAt(i + 11) === 84) {
      const close = raw.indexOf("] ", i + 20);
      if (close < 0 || close > i + 40) return 0;
      i = close + 2;
    }
    if (!raw.startsWith("[Pipeline] ", i)) {
      return JENKINS_FREESTYLE.test(raw.slice(i, i + 120)) ? 1 : 0;
    }
    return JENKINS_SHELL.test(raw.slice(i + 11, i + 24))
      ? 1
      : raw.startsWith(JENKINS_POST, i + 11)
      ? 3
      : 0;
  }
  const ch = raw.charCodeAt(i);
  if (ch === 35) {
    if (!raw.startsWith("##[", i)) return 0;
    if (raw.startsWith("group]Run ", i + 3) || raw.startsWith("section]Starting: ", i + 3)) {
      return 1;
    }
    return raw.startsWith("section]Finishing: ", i + 3) ? 2 : 0;
  }
  if (ch === 115) {
    if (raw.startsWith("section_start:", i)) return 1;
    if (!raw.startsWith("section_end:", i)) return 0;
    return /^section_end:\d+:(?:step_script|build_script)\b/.test(raw.slice(i, i + 60)) ? 3 : 2;
  }
  if (ch !== 116 || !raw.startsWith("travis_", i)) return 0;
  // "travis_fold:start:install\r…travis_time:start:…": the time marker
  // may follow a fold marker.
  const t = raw.indexOf("travis_time:", i);
  if (t < 0) return raw.startsWith("fold:start:", i + 7) ? 1 : 0;
  return raw.startsWith("start:", t + 12) ? 1 : raw.startsWith("end:", t + 12) ? 2 : 0;
}

// The runner's verdict on a failed step, after its marker is cut: GitHub
// ("##[error]Process completed with exit code 2."), Azure ("##[error]Bash
// exited with code '1'.", "Script failed with exit code: 1"), Travis (`The
// command "make" exited with 2.`), GitLab ("ERROR: Job failed: exit code 1"),
// actions and tasks that ran a tool ("The process '/usr/bin/git' failed with
// exit code 128").
const STEP_FAILED =
  /^(?:Error: )?(?:Process completed with exit code [1-9]\d*|[\w.]+ exited with code '?[1-9]\d*'?|Script failed with exit code:? [1-9]\d*|The process '.+' failed with exit code [1-9]\d*)\.?$/;
// Unmarked verdicts: Travis, CircleCI ("Exited with code exit status 1"),
// Buildkite ("🚨 Error: The command exited with status 1").
const TRAVIS_FAILED =
  /^The command ".*" (?:failed and )?exited with [1-9]\d*(?: during .*)?\.$|^Exited with code (?:exit status )?[1-9]\d*$|^(?:🚨 )?Error: The command exited with status [1-9]\d*$/;
const JOB_FAILED = /^ERROR: Job failed: /;
// Jenkins: the verdict at the end of the log, after post steps, and the
// stages a failure made Declarative Pipeline skip.
const JENKINS_FAILED = /^ERROR: script returned exit code [1-9]\d*$/;
const JENKINS_SKIPPED =
  /^Stage ".+" skipped due to earlier failure\(s\)$|^Build step '.+' marked build as failure$/;

/**
 * Whether a clean line is a CI runner's verdict that a step failed: 1 the
 * step being read failed, 2 the job failed (GitLab: its script section), 3
 * the job failed (Jenkins: the step before the post section, else the last
 * script step).
 *
 * @param text A clean line.
 * @param marked It carried a CI error marker.
 * @returns 0 for any other line.
 */
export function stepEndOf(text: string, marked: boolean): 0 | 1 | 2 | 3 {
  if (marked) return STEP_FAILED.test(text) ? 1 : 0;
  // Unmarked verdicts start with "The command", "Exited", "Error:",
  // "ERROR: Job failed", "Stage", "Build step" or "🚨": one character test
  // for other lines.
  const c = text.charCodeAt(0);
  if (c !== 84 && c !== 69 && c !== 83 && c !== 66 && c !== 0xd83d) return 0;
  if (c === 83 || c === 66) return JENKINS_SKIPPED.test(text) ? 1 : 0;
  if (TRAVIS_FAILED.test(text)) return 1;
  if (JENKINS_FAILED.test(text)) return 3;
  return JOB_FAILED.test(text) ? 2 : 0;
}

/** Fast finders of candidate lines in raw text; see {@link candidates}. */
export interface Candidates {
  /** Global regex: keywords anywhere in raw text. */
  keywords: RegExp;
  /**
   * Whether the raw line starting at `at` in `text` starts (after its
   * prefixes) with one of the shapes.
   */
  shapeAt(text: string, at: number): boolean;
}

/**
 * Finders of every line that might score above 0, working on raw text
 * (before cleaning): together with {@link SYMBOLS} a superset of what
 * {@link scoreLine} looks at, so other lines can be skipped unread. New
 * regexes each call: global and sticky regexes carry state.
 *
 * @returns The finders.
 */
export function candidates(): Candidates {
  const rest = `(?:#\\d+ \\d+\\.\\d+ )?(?:##\\[\\w+\\])?(?:\x1b\\[[0-9;]*m)*${SHAPES_SOURCE}`;
  const plain = new RegExp(rest, "ym");
  const stamped = new RegExp(`(?:${TIMESTAMP.source.slice(1)})?${rest}`, "ym");
  return {
    keywords: new RegExp(KEYWORDS_SOURCE, "gi"),
    shapeAt(text: string, at: number): boolean {
      const c = text.charCodeAt(at);
      let from = at;
      if (c >= 48 && c <= 57 && text.charCodeAt(at + 4) === 45 && text.charCodeAt(at + 10) === 84) {
        // ISO prefix (GitHub, Azure, GitLab): skip it without a regex.
        const sp = text.indexOf(" ", at + 19);
        if (sp < 0 || sp > at + 40) return false;
        from = sp + 1;
        const d = text.charCodeAt(from);
        if (d >= 48 && d <= 57 && text.charCodeAt(from + 3) === 32) from += 4;
      } else if ((c >= 48 && c <= 57) || c === 91) {
        stamped.lastIndex = at;
        return stamped.test(text);
      }
      plain.lastIndex = from;
      return plain.test(text);
    },
  };
}

// A passing test's report line: whatever its name says ("handles error
// codes", "failover"), it is not a failure.
// A mark may be followed by a space or a colour code (not a word).
const PASSED =
  /^(?:[✓✔√](?!\w)|ok \d+ |ok\s+\S+\s+(?:\(cached\)|\d+(?:\.\d+)?s\b)|--- PASS: |=== (?:RUN|PAUSE|CONT) |PASS\s|\[ {7}OK \]|\[ RUN {6}\]|\S+::\S+ PASSED\b)/;

/**
 * The cheap first pass over a line with a candidate word and no chunk open:
 * true when the line is a passing test's report (after indentation, colour
 * codes and a CI timestamp), so it is counted but never cleaned or scored.
 * Bounded work: a few character tests and one anchored regex.
 *
 * @param text The buffer.
 * @param at Start of the line.
 * @param nl End of the line (its "\n").
 * @returns True for a passing test's line.
 */
export function passedLine(text: string, at: number, nl: number): boolean {
  let i = at;
  const c = text.charCodeAt(i);
  if (c >= 48 && c <= 57 && text.charCodeAt(i + 4) === 45 && text.charCodeAt(i + 10) === 84) {
    const sp = text.indexOf(" ", i + 19);
    if (sp < 0 || sp > i + 40) return false;
    i = sp + 1;
  }
  for (let k = 0; k < 64 && i < nl; k++) {
    const d = text.charCodeAt(i);
    if (d === 32 || d === 9) i++;
    else if (d === 27) {
      // An ANSI colour code: ESC [ digits/semicolons m.
      const m = text.indexOf("m", i);
      if (m < 0 || m > i + 16) return false;
      i = m + 1;
    } else break;
  }
  if (nl - i < 3) return false;
  return PASSED.test(text.slice(i, Math.min(nl, i + 200)));
}

// Lines that contain error words but carry no cause: tool chatter around a
// failure. They score 0 (noise) or 1 (summary, kept as a last resort).
const NOISE: Array<[RegExp, number]> = [
  [
    /\b0 (?:errors?|failures?|failed)\b|\b(?:errors?|failures?|failed)[:=] ?0\b|Failures: 0, Errors: 0/i,
    0,
  ],
  [/\b(?:warn(?:ing)?|deprecat\w*)\b/i, 0],
  [
    /A complete log of this run can be found|This is probably not a problem with npm|Re-run Maven|To see the full stack trace|\[Help \d+\]|For more information about the errors|After correcting the problems|Run with --(?:stacktrace|info|debug|scan)|Get more help at|^\* Try:|^\[ERROR\]\s*$|^npm (?:ERR!|error)\s*$/,
    0,
  ],
  [/(?:error|fail)[\w-]*\.(?:tgz|jar|whl|js|ts)\b|node_modules\/[\w@/-]*err/i, 0],
  // ShellCheck's closing list of wiki links repeats the findings' messages.
  [/^For more information:$|^\s+https:\/\/www\.shellcheck\.net\/wiki\/SC\d+ /, 0],
  // npm's usage text after EUSAGE: many "npm error" lines, none a cause
  [
    /^npm (?:ERR!|error) (?:Usage:|Options:|aliases:|Run "npm help|\[-|npm \w+$|Clean install|-w\b)/,
    0,
  ],
  [
    /^error: (?:could not compile|aborting due to|Recipe `|process didn't exit successfully)|^error Command failed|^npm (?:ERR!|error) (?:code ELIFECYCLE|errno|Lifecycle script|Failed at|command failed|path |signal )|^make(?:\[\d+\])?: \*\*\*|exit(?:ed)? (?:with )?(?:code|status)|Process completed with exit code|exited with code|Command failed|ELIFECYCLE|BUILD FAILURE|BUILD FAILED|FAILURE: Build failed|^Build failed|Job failed|^FAIL\s*$|^FAIL\t\S+\t|Tests? failed\.?$|^Error: Process completed|^ERROR: Job failed|^error: Recipe|^Test Suites: \d+ failed|^Tests: +\d+ failed|^\s*\d+ (?:failing|failed)|^FAILED \(|^=+ \d+ failed|^g?make(?:\[\d+\])?: \*\*\*|Failed to execute goal|^error: (?:Type checking failed|Test failed)|^\d+ (?:errors?|problems?)(?: and \d+ warnings?)?\.?$|^Found \d+ errors?\b|^! {2}==> Fatal error occurred|^unhandled condition in --disable-debugger mode|^Dubious, test returned|^Result: FAIL$|^Errors while running CTest|HTML-Proofer found \d+ failures?!|^Test Summary Report|^\*\* (?:BUILD|TEST|ARCHIVE) FAILED \*\*/i,
    1,
  ],
];

// The rule table: first match wins, so specific shapes come before the
// generic words. Weights: 9-10 a precise cause, 5-8 a cause, 3-4 context.
const RULES: Array<[RegExp, number, string]> = [
  [
    /JavaScript heap out of memory|Reached heap limit|OutOfMemoryError|OOMKilled|Cannot allocate memory|\bENOMEM\b|^Killed$|\bMemoryError\b|out of memory/i,
    9,
    "oom",
  ],
  [/\berror TS\d+:|\(\d+,\d+\): error |^(?:error: )?TS\d+ \[ERROR\]:/, 10, "compile"],
  // Runtime errors in the shapes their languages document: PHP's fatal and
  // parse errors, Lisp's unhandled condition and debugger, R's "Error in
  // call :", Elixir's "** (Kind)", Fortran's runtime error, Vim's "E123:",
  // a C assert(), TeX's "!" error line.
  [
    /^PHP (?:Fatal|Parse) error: |^Unhandled [A-Z][\w-]+(?: in thread|:)|^debugger invoked on a |^\*\*\* - \S|^> Error: |^Error in .+ : |^\*\* \([\w.]+\) |^Fortran runtime error: |^E\d{2,4}: |Assertion .+ failed\b|^(?:\S+\.swift:\d+: )?Fatal error: |^💣 Program crashed: /,
    9,
    "exception",
  ],
  [/^! (?!\s*==>)\S/, 9, "compile"],
  // HTML-Proofer lists its findings under each file: "- ./_site/x.html",
  // then "  *  External link … failed: 404" lines.
  [/^- \S+\.html?$/, 7, "lint"],
  // xcpretty marks compiler errors with "❌" (warnings with "⚠️").
  [/^❌ +\S/, 9, "compile"],
  // libstdc++'s verbose terminate handler (an uncaught C++ exception).
  [/^terminate called after throwing an instance of /, 9, "exception"],
  [
    /^(?:not ok \d+|#\s+Failed test\b)|\*\*\*Failed\b|^FAIL: \w|^\[ +FAILED +\] \S|^Test Case '.+' failed \(|^\s*\(\d+\/\d+\) \[[A-Z ]+\] \(X\) /,
    8,
    "test",
  ],
  [
    /:\d+: Failure$|:\d+:\w+:FAIL\b|^Failed example:$| line \d+: Expected .+ but got |^Testing failed:$|^ ?Failure Details:$|^\s*── \d+\. (?:Failure|Error): |^\* checking .+ \.\.\. ERROR$|^\s+\S+_test\.go:\d+: |^── (?:Failure|Error) \(|^(?:Failure|Error) → \S+ @ \d+/,
    9,
    "test",
  ],
  // The W3C Nu validator's "file":12.5-12.10: error: …
  [/^"[^"]+":\d+\.\d+(?:-\d+\.\d+)?: (?:error|info warning): /, 8, "lint"],
  [
    /^Error detected while processing |^At line \d+ of file |^; caught (?:ERROR|WARNING):/,
    8,
    "exception",
  ],
  // Perl's die/croak ("… at lib/X.pm line 12."), a shell's own error
  // ("script.sh: line 5: …", dash's "script.sh: 14: …").
  [/ at \S+ line \d+\.$|^\S+: (?:line )?\d+: \S/, 7, "exception"],
  // An interpreter's own error: "lua5.4: src/x.lua:3: attempt to …".
  [/^[\w.-]+: \S+\.\w{1,6}:\d+: \S/, 8, "exception"],
  [/\b(?:Segmentation fault|Aborted|core dumped|Bus error|Illegal instruction)\b/, 7, "crash"],
  [
    /^\[ERROR\] \S+:\[\d+,\d+\]|^e: \S+:\d+:\d+|^\S+\.\w+:\d+(?::\d+)?:?\s+(?:fatal )?error\b/i,
    10,
    "compile",
  ],
  [
    /undefined reference to|(?:^|\/)ld: |collect2: error|Undefined symbols for architecture|^CMake Error/,
    9,
    "compile",
  ],
  [/^✘ \[ERROR\]|^ERROR in /, 10, "compile"],
  [
    /^error(?:\[[\w-]+\])?: |\[vite(?::\w+)?\].*(?:failed|error)|^Module not found|Could not resolve|Failed to resolve import/i,
    9,
    "compile",
  ],
  [/^\S+\.\w{1,6}:\d+:\d+: (?:[A-Z]{1,3}\d{2,4}\b|[CWEFR]: )|^\s+\d+:\d+\s+error\s/, 8, "lint"],
  [/^\S+\.go:\d+:\d+: /, 8, "compile"],
  [/^\S+\.(?:scala|kt|swift|cs|cpp|cc|c|h|hpp|java|rs):\d+(?::\d+)?: /, 7, "compile"],
  [/panicked at|^panic: |^fatal error: /, 10, "panic"],
  [/^Traceback \(most recent call last\):/, 9, "traceback"],
  [/APPLICATION FAILED TO START/, 9, "exception"],
  [
    /^\s*(?:Exception in thread|Caused by:)|^\s*[\w.$]+(?:Exception|Error)(?::|$)|^[A-Z][\w.$]*(?:Exception|Error)\b|^\w*Error(?: \[\w+\])?: |^Uncaught /,
    8,
    "exception",
  ],
  [
    /^npm (?:ERR!|error) code \w+|ERR_PNPM_\w+|^npm (?:ERR!|error) (?:Missing script|404|ERESOLVE|notsup|peer dep|Could not resolve)/i,
    9,
    "npm",
  ],
  [
    /^\s*● .+|^\s*--- FAIL:|<<< (?:FAILURE|ERROR)!|Failure\/Error:|^\s*\d+\) \S.*|^\s*(?:✕|✖|×|✗|✘) /,
    9,
    "test",
  ],
  [
    /AssertionError|AssertError|assert(?:ion)? failed|^\s*E\s{2,}\S|^FAILED \S+::|^_{3,} .+ _{3,}$|^\s+FAIL\s|^ FAIL |^FAIL |^---- .+ stdout ----$/,
    7,
    "test",
  ],
  [/^\S.* => \S+:\d+:\d+$/, 6, "test"],
  [
    /^Error from server|^error: (?:error validating|unable to recognize)|is invalid: |^The \w+ "[^"]+" is invalid/,
    9,
    "kubectl",
  ],
  [
    /^ERROR: failed to solve|failed to solve with frontend|failed to compute cache key|did not complete successfully: exit code|^ERROR \[/,
    6,
    "docker",
  ],
  [
    /\(\w*(?:Error|Exception)\)$|Could not find gem|Bundler::\w+Error|^rspec \.\/spec/,
    7,
    "exception",
  ],
  // Machine-readable diagnostics (terraform validate -json, tflint --format json).
  [/^\s*"(?:severity|level)":\s*"(?:error|fatal)"/i, 6, "compile"],
  [/^npm (?:ERR!|error) |^error /i, 5, "npm"],
  [/^(?:\s*\[?(?:ERROR|FATAL)\]?[: ]|.*\bfatal\b:)/i, 6, "generic"],
  [/^\S+\.\w{1,6}:\d+(?::\d+)?: /, 6, "compile"],
  [/^\* What went wrong:/, 5, "build"],
  [
    /\b(?:command not found|No such file or directory|permission denied|cannot find|could not find|unable to|not found)\b/i,
    5,
    "generic",
  ],
  [/\berror\b:|\bexception\b/i, 5, "generic"],
  [
    /^\s*(?:Expected|Received|expected|actual|got|Got|Exception raised|Difference|[-+] Expected|[-+] Received)\b/,
    4,
    "test",
  ],
  [
    /: In (?:member )?function|^In \S+ line \d+:$|: In instantiation of|In file included from|^While evaluating the form|^\S+\.\w{1,5}:\d+:\d+:$|^\s*--> \S+:\d+|^\s*File ".+", line \d+|^\s*at .+:\d+:\d+\)?$|^\s+at [\w$.<>]+\(.*\)$|^goroutine \d+ \[|^\[signal SIG|^\S+\.\w{1,5}:\d+(?::\d+)?$|^(?:\/|\.{1,2}\/)?[\w@.-]+(?:\/[\w@.-]+)+\.\w{1,5}$/,
    3,
    "context",
  ],
  [/\bERROR\b|\bFAIL(?:ED|URE)?\b|\bfailed\b|\berror\b/i, 2, "generic"],
];

// The summary line of a Terraform diagnostic box ("│ Error: …", see
// _extract_diag.ts), also through an ASCII-only filter ("|") or decoded as
// Windows-1252 ("â”‚").
const BOX_ERROR = /^(?:│|â”‚|\|) (?:Error|ERROR): \S/;
const LOCATED_FINDING = /^line \d+ column \d+ - (?:Error|Warning): /;
const MAKE_CAUSE =
  /^(?:g?make(?:\[\d+\])?|\S+:\d+): \*\*\* (?:No rule to make target|missing separator|No targets specified|target pattern contains no)/;
const MAVEN_RESOLVE =
  /Failed to execute goal .+(?:could not be resolved|Could not resolve dependencies|Non-resolvable|Cannot access \S+ in offline mode)/;
const SHELLCHECK = /^\s*\^-*\^? SC\d{4,5} \((?:error|warning|info|style)\): /;

/**
 * How strongly a clean line points at a failure.
 *
 * @param line A clean line (see {@link cleanLine}).
 * @param marked The line carried a CI error marker (`##[error]`, `::error`).
 * @returns Score and kind; score 0 for ordinary output.
 */
export function scoreLine(line: string, marked = false): LineScore {
  if (!KEYWORDS.test(line) && !SYMBOL_RE.test(line) && !SHAPES.test(line)) {
    return marked ? { score: 5, kind: "generic" } : _NONE;
  }
  // Before the noise table: a boxed error's summary may well mention an
  // exit status ("local-exec provisioner error … exit status 1").
  if (BOX_ERROR.test(line)) return { score: 9, kind: "compile" };
  // HTML Tidy and similar validators: "line 7 column 3 - Warning: …" is a
  // finding that fails the check, whatever its level.
  if (LOCATED_FINDING.test(line)) return { score: 7, kind: "lint" };
  // ShellCheck's tty format: a caret under the source line, then the code
  // and level; every finding at the default severity fails the check.
  if (SHELLCHECK.test(line)) return { score: 8, kind: "lint" };
  // GNU make's own errors name the cause; "*** [target] Error 1" only
  // relays a recipe's failure (a summary, in the noise table).
  if (MAKE_CAUSE.test(line)) return { score: 8, kind: "build" };
  // Maven's goal failure is a summary, unless it is all there is: a plugin
  // or dependency that could not be resolved, named in the line itself.
  if (MAVEN_RESOLVE.test(line)) return { score: 6, kind: "build" };
  for (const [re, score] of NOISE) {
    if (re.test(line)) return score === 0 ? _NONE : { score, kind: "exit" };
  }
  for (const [re, score, kind] of RULES) {
    if (re.test(line)) return { score: marked ? Math.max(score, 5) : score, kind };
  }
  return marked ? { score: 5, kind: "generic" } : _NONE;
}

const _NONE: LineScore = { score: 0, kind: "" };

/**
 * Whether a line continues the block above it rather than starting
 * something new: 2 for the shapes of stack frames, code frames, diffs and
 * deeply indented details; 1 for a shallow-indented plain line, which
 * continues a block only when the block announced a body (its head ends
 * with ":", as CMake and Bundler do); 0 otherwise.
 *
 * @param line A clean line.
 * @returns 0, 1 or 2.
 */
export function continuation(line: string): 0 | 1 | 2 {
  const c = line.charCodeAt(0);
  if (c !== 32 && c !== 9) {
    return /^(?:[|│^~]|\d+\s*[|│]|>\s*\d+\s*[|│]|>\s{2,}|E\s|Caused by|\.\.\.|[-+]|#\s|#\d+ |\d+: \(|l\.\d+ |<(?:inserted text|read \*|recently read|to be read again|argument|\*)>|See the LaTeX manual|Type {1,2}H <return>|Calls: |Execution halted$|Did you mean: ?$|Type X to quit or <RETURN>|or enter new name\. \(Default|Enter file name: |Stack trace:$|stack traceback:$|Backtrace for: )/
        .test(line)
      ? 2
      : 0;
  }
  if (line.trim() === "") return 0;
  if (c === 9 || line.startsWith("    ")) return 2;
  return /^\s+(?:at |\d+\s*[|│]|[|│^~>❯@#=+*-]|File "|\.\.\.)/.test(line) ? 2 : 1;
}
