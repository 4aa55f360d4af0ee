/**
 * The data of the oracle-integrity check: its rule ids with their default
 * actions and messages, and per language the test-file conventions and the
 * patterns of assertions, test declarations, skips, focus, retries and
 * suppressions. policies/integrity.ts holds the logic; adding a framework is
 * a change to these tables only.
 *
 * @module
 */

/** What a project's policy does with an integrity finding. */
export type IntegrityAction = "deny" | "warn" | "allow";

/** One rule of the integrity check. */
export interface IntegrityRule {
  /** Stable id, used in policy files (`integrity: { <id>: allow }`). */
  id: string;
  /** Default action (policies/default.yaml repeats it; the loader checks they agree). */
  action: IntegrityAction;
  /** What the finding means, shown before the detail. */
  message: string;
}

/** Every integrity rule, in the order findings are listed. */
export const INTEGRITY_RULES: readonly IntegrityRule[] = [
  { id: "integrity.tautology", action: "deny", message: "Assertion replaced by a tautology" },
  {
    id: "integrity.assertion-removed",
    action: "deny",
    message: "Assertions removed from a test",
  },
  {
    id: "integrity.expected-changed",
    action: "warn",
    message: "Expected value changed to the failing run's actual output (only the test touched)",
  },
  {
    id: "integrity.expected-changed-plus-code",
    action: "deny",
    message: "Expected value changed to the failing run's actual output alongside other changes",
  },
  { id: "integrity.test-skipped", action: "deny", message: "Test or suite skipped" },
  {
    id: "integrity.test-focused",
    action: "deny",
    message: "Test or suite focused (every other test is skipped)",
  },
  { id: "integrity.test-deleted", action: "deny", message: "Test deleted or test file emptied" },
  {
    id: "integrity.snapshot-rewritten",
    action: "deny",
    message: "Snapshot or golden file rewritten wholesale",
  },
  {
    id: "integrity.test-command-weakened",
    action: "deny",
    message: "Test command made unable to fail",
  },
  {
    id: "integrity.threshold-lowered",
    action: "deny",
    message: "Coverage threshold lowered or removed",
  },
  { id: "integrity.retries-added", action: "deny", message: "Retries added to a test run" },
  {
    id: "integrity.suppression-added",
    action: "deny",
    message: "Lint, type or formatter suppression added",
  },
  {
    id: "integrity.lint-config-weakened",
    action: "deny",
    message: "Linter or type-checker configuration weakened",
  },
  {
    id: "integrity.any-cast",
    action: "deny",
    message: "`any` cast added where the failure was a type error",
  },
];

/** Rule ids, for schema validation. */
export const INTEGRITY_RULE_IDS: readonly string[] = INTEGRITY_RULES.map((r) => r.id);

/** Languages with test conventions. */
export type Lang = "js" | "python" | "go" | "rust" | "jvm" | "csharp" | "ruby";

/** A named pattern: `what` names it in the finding. */
export interface Named {
  /** The pattern (tested per line; no `g` flag). */
  re: RegExp;
  /** How the finding names it. */
  what: string;
}

/** Everything the check knows about one language. */
export interface LangRules {
  /** The language. */
  lang: Lang;
  /** Source files of the language. */
  ext: RegExp;
  /** Test files by path convention (the path is repository-relative, `/`-separated). */
  testPath: RegExp[];
  /** A line that asserts. */
  assertion: RegExp[];
  /** A line that declares a test (for counts and per-test grouping). */
  testDecl: RegExp[];
  /** Skips (count of added over removed). */
  skip: Named[];
  /** Focus, which skips every other test. */
  focus: Named[];
  /** Lint, type and formatter suppressions. */
  suppression: Named[];
}

const JS_EXT = /\.(?:[cm]?[jt]sx?)$/;

/** The language tables. */
export const LANGS: readonly LangRules[] = [
  {
    lang: "js",
    ext: JS_EXT,
    testPath: [
      /\.(?:test|spec)\.[cm]?[jt]sx?$/,
      /(?:^|\/)[^/]*[._]test\.[cm]?[jt]sx?$/,
      /(?:^|\/)(?:tests?|__tests__|spec)\/.*\.[cm]?[jt]sx?$/,
    ],
    assertion: [
      /\b(?:assert(?:[A-Z]\w*)?(?:\.\w+)*|expect(?:TypeOf)?)\s*\(/,
      /\.should\b/,
      /\bt\.(?:is|not|deepEqual|notDeepEqual|true|false|truthy|falsy|throws|throwsAsync|like|regex|assert|equal|same|match|ok)\s*\(/,
    ],
    testDecl: [
      /^\s*(?:it|test|specify|Deno\.test)(?:\.(?:each\b[^(]*|concurrent|skip|only|todo|ignore|failing))?\s*\(/,
      /^\s*[xf]?(?:it|test)\s*\(/,
      /\bt\.step\s*\(\s*["'`]/,
    ],
    skip: [
      {
        re: /\b(?:it|test|describe|suite|context|specify|Deno\.test)\.(?:skip|todo|skipIf|runIf)\b/,
        what: ".skip",
      },
      { re: /\bx(?:it|describe|test|context|specify)\s*\(/, what: "xit/xdescribe" },
      { re: /\bskip\s*:\s*(?:true\b|!0|1\b|["'`])/, what: "{ skip: true }" },
      { re: /\bignore\s*:\s*(?:true\b|!0|1\b|["'`])/, what: "{ ignore: true }" },
      { re: /\b(?:t|this|ctx|context)\.skip\s*\(/, what: "t.skip()" },
      { re: /\btodo\s*:\s*(?:true|["'`])/, what: "{ todo: true }" },
    ],
    focus: [
      {
        re: /\b(?:it|test|describe|suite|context|specify|Deno\.test)\.only\b/,
        what: ".only",
      },
      { re: /\bf(?:it|describe)\s*\(/, what: "fit/fdescribe" },
      { re: /\bonly\s*:\s*(?:true|!0|1)\b/, what: "{ only: true }" },
    ],
    suppression: [
      { re: /\beslint-disable(?:-next-line|-line)?\b/, what: "eslint-disable" },
      { re: /\bdeno-lint-ignore(?:-file)?\b/, what: "deno-lint-ignore" },
      { re: /@ts-ignore\b/, what: "@ts-ignore" },
      { re: /@ts-expect-error\b/, what: "@ts-expect-error" },
      { re: /@ts-nocheck\b/, what: "@ts-nocheck" },
      { re: /\bprettier-ignore\b/, what: "prettier-ignore" },
      { re: /\bdeno-fmt-ignore(?:-file)?\b/, what: "deno-fmt-ignore" },
      { re: /\bbiome-ignore\b/, what: "biome-ignore" },
      { re: /\boxlint-disable(?:-next-line)?\b/, what: "oxlint-disable" },
      { re: /\btslint:disable\b/, what: "tslint:disable" },
      { re: /\/[/*]\s*(?:istanbul|c8|v8)\s+ignore\b/, what: "coverage ignore" },
    ],
  },
  {
    lang: "python",
    ext: /\.pyi?$/,
    testPath: [
      /(?:^|\/)test_[^/]*\.py$/,
      /_test\.py$/,
      /(?:^|\/)tests?\/.*\.py$/,
      /(?:^|\/)conftest\.py$/,
    ],
    assertion: [
      /^\s*assert\b/,
      /\bself\.assert\w*\s*\(/,
      /\bpytest\.(?:raises|warns|approx)\s*\(/,
      /\b(?:np|numpy)\.testing\.assert\w*\s*\(/,
    ],
    testDecl: [/^\s*(?:async\s+)?def\s+test\w*\s*\(/],
    skip: [
      { re: /@pytest\.mark\.(?:skip|skipif|xfail)\b/, what: "@pytest.mark.skip" },
      {
        re: /@(?:unittest\.)?(?:skip|skipIf|skipUnless|expectedFailure)\b/,
        what: "@unittest.skip",
      },
      { re: /\bpytest\.(?:skip|xfail|importorskip)\s*\(/, what: "pytest.skip()" },
      { re: /\bself\.skipTest\s*\(/, what: "self.skipTest()" },
      { re: /\braise\s+(?:unittest\.)?SkipTest\b/, what: "SkipTest" },
    ],
    focus: [],
    suppression: [
      { re: /#\s*noqa\b/i, what: "# noqa" },
      { re: /#\s*type:\s*ignore\b/, what: "# type: ignore" },
      { re: /#\s*pylint:\s*disable\b/, what: "# pylint: disable" },
      { re: /#\s*pyright:\s*(?:ignore|basic)\b/, what: "# pyright: ignore" },
      { re: /#\s*mypy:\s*ignore-errors\b/, what: "# mypy: ignore-errors" },
      { re: /#\s*ruff:\s*noqa\b/, what: "# ruff: noqa" },
      { re: /#\s*fmt:\s*(?:off|skip)\b/, what: "# fmt: off" },
      { re: /#\s*pragma:\s*no\s*cover\b/, what: "# pragma: no cover" },
      { re: /#\s*nosec\b/, what: "# nosec" },
    ],
  },
  {
    lang: "go",
    ext: /\.go$/,
    testPath: [/_test\.go$/],
    assertion: [
      /\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow)\s*\(/,
      /\b(?:assert|require)\.\w+\s*\(/,
      /\bif\s+.*(?:!=|==|!reflect\.DeepEqual|!cmp\.Equal|!errors\.Is|err\s*[!=]=\s*nil)/,
    ],
    testDecl: [/^\s*func\s+(?:Test|Benchmark|Fuzz|Example)\w*\s*\(/, /\bt\.Run\s*\(/],
    skip: [{ re: /\b[tb]\.Skip(?:f|Now)?\s*\(/, what: "t.Skip()" }],
    focus: [],
    suppression: [
      { re: /\/\/\s*nolint\b/, what: "//nolint" },
      { re: /\/\/\s*lint:(?:ignore|file-ignore)\b/, what: "//lint:ignore" },
      { re: /(?:\/\/|\/\*)\s*#?nosec\b/, what: "#nosec" },
    ],
  },
  {
    lang: "rust",
    ext: /\.rs$/,
    testPath: [/(?:^|\/)tests\/.*\.rs$/],
    assertion: [/\b(?:debug_)?assert(?:_eq|_ne|_matches)?!\s*\(/, /\bpanic!\s*\(/],
    testDecl: [/^\s*#\[(?:\w+::)?(?:test|rstest|test_case)\b/],
    skip: [
      { re: /#\[ignore\b/, what: "#[ignore]" },
      { re: /#\[cfg\((?:any\(\)|FALSE|false|not\(test\))\)\]/, what: "#[cfg(any())]" },
    ],
    focus: [],
    suppression: [
      { re: /#!?\[(?:allow|expect)\s*\(/, what: "#[allow(...)]" },
      { re: /#!?\[cfg_attr\s*\(.*\b(?:allow|expect)\s*\(/, what: "#[cfg_attr(..., allow(...))]" },
      { re: /#!?\[rustfmt::skip\]/, what: "#[rustfmt::skip]" },
    ],
  },
  {
    lang: "jvm",
    ext: /\.(?:java|kt|kts|groovy|scala)$/,
    testPath: [
      /(?:^|\/)src\/(?:test|androidTest|integrationTest|[a-zA-Z]*Test)\/.*$/,
      /(?:Test|Tests|IT|Spec)\.(?:java|kt|groovy|scala)$/,
    ],
    assertion: [
      /\b(?:Assert\.|Assertions\.)?assert(?:Equals|NotEquals|True|False|Null|NotNull|Same|NotSame|Throws|DoesNotThrow|ArrayEquals|IterableEquals|LinesMatch|All|That|Timeout)\w*\s*\(/,
      /\bfail\s*\(/,
      /\bverify\s*\(/,
      /\bshouldBe\b|\bshouldEqual\b/,
    ],
    testDecl: [/@(?:Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\b/],
    skip: [
      { re: /@(?:Disabled\w*|Ignore)\b/, what: "@Disabled" },
      { re: /\bassume(?:True|False|That)\s*\(/, what: "assumeTrue()" },
      { re: /@EnabledIf\w*\b/, what: "@EnabledIf" },
    ],
    focus: [],
    suppression: [
      { re: /@SuppressWarnings\b/, what: "@SuppressWarnings" },
      { re: /@(?:file:)?Suppress\s*\(/, what: "@Suppress" },
      { re: /@SuppressFBWarnings\b/, what: "@SuppressFBWarnings" },
      { re: /\/\/\s*NOSONAR\b/, what: "NOSONAR" },
      { re: /\/\/\s*CHECKSTYLE:\s*OFF\b/i, what: "CHECKSTYLE:OFF" },
      { re: /\/\/\s*noinspection\b/, what: "//noinspection" },
      { re: /@SuppressLint\b/, what: "@SuppressLint" },
    ],
  },
  {
    lang: "csharp",
    ext: /\.(?:cs|fs|vb)$/,
    testPath: [/Tests?\.(?:cs|fs|vb)$/, /(?:^|\/)[^/]*\.Tests?\/.*$/, /(?:^|\/)tests?\/.*\.cs$/],
    assertion: [
      /\bAssert\.\w+\s*\(/,
      /\bCollectionAssert\.\w+\s*\(/,
      /\bStringAssert\.\w+\s*\(/,
      /\.Should\(\)/,
    ],
    testDecl: [/\[(?:Fact|Theory|Test|TestCase|TestMethod|DataTestMethod)\b/],
    skip: [
      { re: /\[(?:Fact|Theory)\s*\([^\]]*\bSkip\s*=/, what: "[Fact(Skip = ...)]" },
      { re: /\[Ignore\b/, what: "[Ignore]" },
      { re: /\[Explicit\b/, what: "[Explicit]" },
      { re: /\bAssert\.(?:Ignore|Inconclusive)\s*\(/, what: "Assert.Ignore()" },
      { re: /\bSkip\.(?:If|IfNot)\s*\(/, what: "Skip.If()" },
    ],
    focus: [],
    suppression: [
      { re: /#pragma\s+warning\s+disable\b/, what: "#pragma warning disable" },
      { re: /\[(?:assembly:\s*)?SuppressMessage\s*\(/, what: "[SuppressMessage]" },
      { re: /\/\/\s*ReSharper\s+disable\b/, what: "ReSharper disable" },
      { re: /\[ExcludeFromCodeCoverage\b/, what: "[ExcludeFromCodeCoverage]" },
      { re: /#nullable\s+disable\b/, what: "#nullable disable" },
    ],
  },
  {
    lang: "ruby",
    ext: /\.(?:rb|rake)$/,
    testPath: [
      /(?:^|\/)spec\/.*_spec\.rb$/,
      /(?:^|\/)test\/.*(?:_test|\/test_[^/]*)\.rb$/,
      /_spec\.rb$/,
      /_test\.rb$/,
    ],
    assertion: [
      /\bexpect\s*[({]/,
      /\bis_expected\b/,
      /\bassert(?:_\w+)?\b/,
      /\brefute(?:_\w+)?\b/,
      /\.(?:must|wont)_\w+/,
      /\bshould(?:_not)?\b/,
    ],
    testDecl: [
      /^\s*[xf]?(?:it|specify|example|scenario|its)\b\s*(?:\(|["'{:]|do\b|$)/,
      /^\s*def\s+test_\w+/,
      /^\s*test\s+["']/,
    ],
    skip: [
      { re: /^\s*x(?:it|describe|context|specify|example|scenario)\b/, what: "xit" },
      { re: /^\s*(?:skip|pending)\b(?!\s*[=.])/, what: "skip/pending" },
      { re: /(?::skip\s*=>|\bskip:)\s*(?:true|["'])/, what: "skip: true" },
    ],
    focus: [
      { re: /^\s*f(?:it|describe|context|specify|example|scenario)\b/, what: "fit/fdescribe" },
      { re: /(?::focus\s*=>\s*true|\bfocus:\s*true|,\s*:focus\b)/, what: "focus: true" },
    ],
    suppression: [
      { re: /#\s*rubocop:\s*(?:disable|todo)\b/, what: "# rubocop:disable" },
      { re: /#\s*standard:\s*disable\b/, what: "# standard:disable" },
      { re: /#\s*steep:ignore\b/, what: "# steep:ignore" },
      { re: /#\s*:nocov:/, what: "# :nocov:" },
    ],
  },
];

/** Snapshot and golden files, rewritten wholesale only to hide a change of output. */
export const SNAPSHOT_PATH: readonly RegExp[] = [
  /(?:^|\/)__snapshots__\//,
  /\.snap$/,
  /\.ambr$/,
  /\.(?:approved|verified)\.\w+$/,
  /(?:^|\/)testdata\/.*\.golden$/,
  /\.golden$/,
];

/** Files whose commands run tests: package scripts, make, CI, task runners. */
export const COMMAND_FILES: readonly RegExp[] = [
  /(?:^|\/)package\.json$/,
  /(?:^|\/)(?:GNU)?[Mm]akefile$|\.mk$/,
  /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/,
  /(?:^|\/)\.gitlab-ci\.ya?ml$/,
  /(?:^|\/)azure-pipelines[^/]*\.ya?ml$/,
  /(?:^|\/)\.circleci\/config\.ya?ml$/,
  /(?:^|\/)(?:\.travis|bitbucket-pipelines|\.drone|Taskfile|fleet-orch)\.ya?ml$/,
  /(?:^|\/)Jenkinsfile$/,
  /(?:^|\/)(?:justfile|Justfile|Rakefile|tox\.ini|noxfile\.py)$/,
  /(?:^|\/)deno\.jsonc?$/,
  /\.(?:sh|bash|ps1)$/,
];

/** A test runner or test task on a command line (the shell's `test -f x` builtin is not one). */
export const TEST_COMMAND =
  /(?<![-.])\btests?\b(?!\s+!?\s*-[a-zA-Z]\s)|\b(?:jest|vitest|mocha|ava|tap|pytest|py\.test|unittest|nose2?|tox|nox|go\s+test|gotestsum|cargo\s+(?:test|nextest)|mvn|mvnw|gradle|gradlew|dotnet\s+test|rspec|rake|minitest|phpunit|check|ci|verify|spec|nyc|c8)\b/;

/** Ways a test command is made unable to fail. */
export const COMMAND_WEAKENERS: readonly Named[] = [
  { re: /--passWithNoTests\b|--pass-with-no-tests\b/, what: "--passWithNoTests" },
  { re: /\|\|\s*(?:true|:)(?=\s|$|["'`,;)&|])/, what: "|| true" },
  { re: /(?:;|&&|\|\|)\s*exit\s+0\b/, what: "; exit 0" },
  {
    re: /^\s*-?\s*(?:continue-on-error|continueOnError):\s*true\b/,
    what: "continue-on-error: true",
  },
  { re: /^\s*-?\s*(?:allow_failure|allowFailure):\s*true\b/, what: "allow_failure: true" },
  { re: /--(?:no-fail|exit-zero|exitZero|no-exit-code)\b/, what: "an exit-zero flag" },
  {
    re: /(?:^|\s)-(?:-ignore-failure|fae|-fail-never|Dmaven\.test\.failure\.ignore=true)\b/,
    what: "failures ignored",
  },
  { re: /-DtestFailureIgnore=true|testFailureIgnore>\s*true/, what: "testFailureIgnore" },
  { re: /^\t-\s*[^\s-]/, what: "make's `-` prefix (errors ignored)" },
];

/** Files that configure test runs (retries and exclusions there count). */
export const TEST_CONFIG: readonly RegExp[] = [
  /(?:^|\/)(?:jest|vitest|vite|playwright|cypress|karma|wdio)\.config\.[cm]?[jt]s$/,
  /(?:^|\/)\.mocharc(?:\.[cm]?js|\.json|\.ya?ml)?$/,
  /(?:^|\/)(?:pytest\.ini|pyproject\.toml|setup\.cfg|tox\.ini|conftest\.py)$/,
  /(?:^|\/)(?:\.config\/)?nextest\.toml$/,
  /(?:^|\/)(?:pom\.xml|build\.gradle(?:\.kts)?|\.rspec|spec_helper\.rb|test_helper\.rb|rails_helper\.rb)$/,
  /(?:^|\/)(?:xunit\.runner\.json|[^/]+\.runsettings)$/,
];

/** Tests taken out of the run by a command flag or a runner setting. */
export const TEST_EXCLUSIONS: readonly Named[] = [
  { re: /--ignore(?:-glob)?[= ]\S*test|--deselect\b/, what: "pytest --ignore/--deselect" },
  { re: /\s-k\s+["']?not\b/, what: "pytest -k 'not ...'" },
  { re: /\s--?skip[= ]/, what: "--skip" },
  { re: /\btestPathIgnorePatterns\b/, what: "testPathIgnorePatterns" },
  {
    re: /\bexcludeTestsMatching\b|-Dtest=!|<exclude>[^<]*Test[^<]*<\/exclude>/,
    what: "tests excluded from the build",
  },
  { re: /--filter\s+["']?(?:FullyQualifiedName|Name|Category)!/, what: "dotnet test --filter !=" },
];

/** Files that configure coverage (a bare `lines: 80` there is a threshold). */
export const COVERAGE_CONFIG: readonly RegExp[] = [
  /(?:^|\/)(?:jest|vitest|vite|karma)\.config\.[cm]?[jt]s$/,
  /(?:^|\/)vitest\.workspace\.[cm]?[jt]s$/,
  /(?:^|\/)\.nycrc(?:\.json|\.ya?ml)?$/,
  /(?:^|\/)\.c8rc(?:\.json)?$/,
  /(?:^|\/)\.coveragerc$/,
  /(?:^|\/)codecov\.ya?ml$/,
  /(?:^|\/)\.?codecov\.ya?ml$/,
];

/** A line that talks about coverage thresholds wherever it is. */
export const THRESHOLD_WORDS =
  /coverage|threshold|fail[_-]under|check-coverage|min[_-]?cov|cover(?:profile|pkg|mode)?\b|\bcov\b|jacoco|minimum/i;

/** Keys of coverage configs whose number is a threshold. */
export const THRESHOLD_KEYS =
  /\b(?:lines|branches|functions|statements|global|perFile|fail_under|fail-under|target|threshold|minimum|covered_?ratio|coveredratio)\b/i;

/** Tokens whose removal drops a threshold altogether. */
export const THRESHOLD_TOKENS: readonly RegExp[] = [
  /--cov-fail-under\b/,
  /\bfail_under\b/,
  /\bcoverageThreshold\b/,
  /\bthresholds?\s*[:=]/,
  /--check-coverage\b|\bcheck-coverage\b|\bcheckCoverage\b/,
  /--coverage\.thresholds/,
  /\bjacoco.*\bminimum\b|<minimum>/,
];

/** Coverage checking switched off outright. */
export const COVERAGE_OFF: readonly Named[] = [
  {
    re: /["']?(?:check-coverage|checkCoverage)["']?\s*[:=]\s*false\b/,
    what: "check-coverage: false",
  },
  { re: /--no-check-coverage\b|--cov-fail-under[= ]0\b/, what: "coverage check disabled" },
];

/** Retries that make a flaky or failing test pass. */
export const RETRIES: readonly Named[] = [
  { re: /\bjest\.retryTimes\s*\(/, what: "jest.retryTimes" },
  { re: /--reruns\b|\breruns\s*=/, what: "pytest --reruns" },
  { re: /@(?:pytest\.mark\.)?flaky\b/, what: "@flaky" },
  { re: /\bthis\.retries\s*\(/, what: "this.retries()" },
  { re: /\bretries\s*[:=]\s*[1-9]/, what: "retries" },
  { re: /\bretry\s*[:=]\s*[1-9]/, what: "retry" },
  { re: /--retr(?:y|ies)(?:=|\s+)[1-9]/, what: "--retries" },
  {
    re: /@(?:RetryingTest|RepeatedIfExceptionsTest|Retry|RetryOnFailure)\b/,
    what: "@RetryingTest",
  },
  { re: /\brerunFailingTestsCount\b/, what: "rerunFailingTestsCount" },
  { re: /\[(?:Retry|RetryFact|RetryTheory)\b/, what: "[Retry]" },
  { re: /(?::retry\s*=>|\bretry:)\s*[1-9]|\bdefault_retry_count\b/, what: "rspec-retry" },
  { re: /\bMinitest::Retry\b/, what: "Minitest::Retry" },
  { re: /--rerun-fails\b/, what: "gotestsum --rerun-fails" },
];

/** A linter or type-checker configuration file and what weakens it. */
export interface LintConfig {
  /** Which files. */
  path: RegExp;
  /** Added lines (net of removed ones) that weaken it. */
  weakens: Named[];
  /** Keys whose list of entries growing weakens it (ignores, excludes). */
  listKeys?: RegExp;
}

/** Linter and type-checker configuration files. */
export const LINT_CONFIGS: readonly LintConfig[] = [
  {
    path: /(?:^|\/)(?:\.eslintrc(?:\.[cm]?js|\.json|\.ya?ml)?|eslint\.config\.[cm]?[jt]s)$/,
    weakens: [
      {
        re:
          /["']?[\w@/.-]+["']?\s*:\s*(?:["'](?:off|warn)["']|[01]\b|\[\s*(?:["'](?:off|warn)["']|[01]\b))/,
        what: "a rule turned off",
      },
      {
        re: /\bnoInlineConfig\s*:\s*false|\breportUnusedDisableDirectives\s*:\s*(?:false|["']off)/,
        what: "inline disables allowed",
      },
    ],
    listKeys: /^(?:ignorePatterns|ignores)$/,
  },
  {
    path: /(?:^|\/)\.(?:eslint|prettier|stylelint)ignore$/,
    weakens: [{ re: /^\s*[^#\s]/, what: "an ignore entry" }],
  },
  {
    path: /(?:^|\/)deno\.jsonc?$/,
    weakens: [
      {
        re: /"(?:strict|noImplicitAny|strictNullChecks|noUncheckedIndexedAccess)"\s*:\s*false/,
        what: "a strict option turned off",
      },
      { re: /"(?:skipLibCheck|noCheck)"\s*:\s*true/, what: "type checking skipped" },
    ],
    listKeys: /^exclude$/,
  },
  {
    path: /(?:^|\/)(?:tsconfig|jsconfig)[^/]*\.json$/,
    weakens: [
      {
        re:
          /"(?:strict|noImplicitAny|strictNullChecks|strictFunctionTypes|noUncheckedIndexedAccess|noImplicitReturns|checkJs)"\s*:\s*false/,
        what: "a strict option turned off",
      },
      {
        re: /"(?:skipLibCheck|noCheck|skipDefaultLibCheck)"\s*:\s*true/,
        what: "skipLibCheck: true",
      },
      { re: /"noEmitOnError"\s*:\s*false/, what: "noEmitOnError: false" },
    ],
    listKeys: /^exclude$/,
  },
  {
    path:
      /(?:^|\/)(?:pyproject\.toml|ruff\.toml|\.ruff\.toml|\.flake8|setup\.cfg|tox\.ini|mypy\.ini|\.mypy\.ini|\.pylintrc|pylintrc)$/,
    weakens: [
      { re: /^\s*ignore_errors\s*=\s*[Tt]rue/, what: "ignore_errors = true" },
      {
        re: /^\s*(?:strict|disallow_\w+|check_untyped_defs)\s*=\s*(?:[Ff]alse|0)/,
        what: "a strict option turned off",
      },
      { re: /typeCheckingMode\s*=\s*["'](?:off|basic)/, what: "typeCheckingMode off" },
    ],
    listKeys:
      /^(?:ignore|extend-ignore|per-file-ignores|extend-per-file-ignores|exclude|extend-exclude|disable|unfixable|ignore_errors)$/,
  },
  {
    path: /(?:^|\/)\.golangci\.ya?ml$/,
    weakens: [{ re: /^\s*disable-all:\s*true/, what: "disable-all: true" }],
    listKeys: /^(?:disable|exclude|exclude-rules|exclude-dirs|exclude-files|skip-dirs|skip-files)$/,
  },
  {
    path: /(?:^|\/)\.rubocop(?:_todo)?\.ya?ml$/,
    weakens: [{ re: /^\s*Enabled:\s*false\b/, what: "a cop disabled" }],
    listKeys: /^Exclude$/,
  },
  {
    path: /(?:^|\/)(?:clippy\.toml|\.clippy\.toml|Cargo\.toml)$/,
    weakens: [{
      re: /^\s*[\w-]+\s*=\s*["'](?:allow)["']|level\s*=\s*["']allow["']/,
      what: "a lint allowed",
    }],
  },
  {
    path: /(?:^|\/)(?:\.editorconfig|Directory\.Build\.props|[^/]+\.csproj)$/,
    weakens: [
      { re: /severity\s*=\s*(?:none|silent|suggestion)\b/, what: "an analyzer silenced" },
      {
        re: /<(?:NoWarn|TreatWarningsAsErrors>false|Nullable>disable|WarningLevel>0)/,
        what: "warnings silenced",
      },
    ],
  },
];

/** TypeScript `any` casts. */
export const ANY_CASTS: readonly Named[] = [
  { re: /\bas\s+any\b/, what: "as any" },
  { re: /:\s*any\b(?![\w$])/, what: ": any" },
  { re: /<any>/, what: "<any>" },
  { re: /\bas\s+unknown\s+as\b/, what: "as unknown as" },
];

/** Python `Any` escapes. */
export const PY_ANY_CASTS: readonly Named[] = [
  { re: /\bcast\(\s*(?:typing\.)?Any\b/, what: "cast(Any, ...)" },
  { re: /:\s*(?:typing\.)?Any\b/, what: ": Any" },
];

/** A literal that asserts nothing about the code: booleans, numbers, strings, empties. */
export const LITERAL =
  /^(?:true|false|True|False|TRUE|FALSE|null|nil|None|undefined|NaN|-?\d[\d_]*(?:\.\d+)?[fdlmuFDLMU]?|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`$]*`|\[\s*\]|\{\s*\}|\(\s*\)|:\w+|Ok\(\(\)\)|!0|!1)$/;

/** Assertion names whose one argument must be truthy. */
export const UNARY_TRUTHY =
  /(?:^|[.:])(?:assert|ok|assertTrue|assert_|true|truthy|IsTrue|True|assert!|debug_assert!|isTrue|assertThat)$/;
