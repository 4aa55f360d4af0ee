/**
 * The oracle-integrity check: the gates are the oracle that says a build is
 * healed, so a patch that makes them pass by weakening them (assertions
 * removed or made tautological, expected values rewritten to the actual
 * output, tests skipped, focused or deleted, snapshots rewritten, test
 * commands made unable to fail, thresholds lowered, retries added) or by
 * silencing a check (lint, type and formatter suppressions, weakened linter
 * configs, `any` casts for a type error) is judged before any model reviews
 * it. Pure functions over the parsed diff (patch/), the failing run's
 * failures and, when given, the original files.
 *
 * @example
 * ```ts
 * import { checkIntegrity } from "./integrity.ts";
 * const diff = "--- a/src/a_test.ts\n+++ b/src/a_test.ts\n@@ -1,3 +1,3 @@\n" +
 *   " Deno.test(\"a\", () => {\n-  assert.equal(f(2), 10);\n+  assert.ok(true);\n });\n";
 * const [f] = checkIntegrity(diff);
 * console.assert(f!.rule === "integrity.tautology" && f!.action === "deny");
 * ```
 *
 * @module
 */

import type { Failure } from "../core/types.ts";
import { applyToText, type FilePatch, parsePatch } from "../patch/patch.ts";
import {
  actualValues,
  countPerTest,
  isAssertion,
  isCode,
  literalsOf,
  tautologyOf,
} from "./integrity_assert.ts";
import { grownLists, loweredSeverities, numberPairs, type SideLine } from "./integrity_config.ts";
import {
  ANY_CASTS,
  COMMAND_FILES,
  COMMAND_WEAKENERS,
  COVERAGE_CONFIG,
  COVERAGE_OFF,
  INTEGRITY_RULES,
  type IntegrityAction,
  type LangRules,
  LANGS,
  LINT_CONFIGS,
  type Named,
  PY_ANY_CASTS,
  RETRIES,
  SNAPSHOT_PATH,
  TEST_COMMAND,
  TEST_CONFIG,
  TEST_EXCLUSIONS,
  THRESHOLD_KEYS,
  THRESHOLD_TOKENS,
  THRESHOLD_WORDS,
} from "./integrity_rules.ts";

export { INTEGRITY_RULE_IDS, INTEGRITY_RULES } from "./integrity_rules.ts";
export type { IntegrityAction, IntegrityRule } from "./integrity_rules.ts";

/** What the check reads of a failure of the failing run. */
export type FailureFacts =
  & Pick<Failure, "tool" | "message">
  & Partial<Pick<Failure, "file" | "line" | "code" | "excerpt">>;

/** One thing the check found, before the policy decides what it means. */
export interface IntegrityHit {
  /** Rule id (see {@link INTEGRITY_RULES}). */
  rule: string;
  /** The file (new path, or old path for a deletion). */
  file: string;
  /** 1-based line in the new file (1 for a deleted file). */
  line: number;
  /** What was found, with the rule's meaning first. */
  message: string;
}

/** A hit with the action the policy gives its rule. */
export interface IntegrityFinding extends IntegrityHit {
  /** deny rejects the patch; warn is reported; allow is reported as allowed by the policy. */
  action: IntegrityAction;
}

/** Input of {@link detectIntegrity}. */
export interface IntegrityInput {
  /** The parsed diff. */
  files: readonly FilePatch[];
  /** Failures of the failing run (actual values, type errors). */
  failures?: readonly FailureFacts[];
  /** The original text of a file the patch touches, when known (per-test counts, emptied files, config keys). */
  original?: (path: string) => string | null | undefined;
}

interface Hunked {
  removed: SideLine[];
  added: SideLine[];
  oldSide: SideLine[];
  newSide: SideLine[];
  oldLines: number;
}

interface View {
  path: string;
  fp: FilePatch;
  lang: LangRules | undefined;
  test: boolean;
  original: string | null;
  hunks: Hunked[];
  removed: SideLine[];
  added: SideLine[];
}

const MESSAGES = new Map(INTEGRITY_RULES.map((r) => [r.id, r.message]));
const DEFAULT_ACTIONS: Readonly<Record<string, IntegrityAction>> = Object.fromEntries(
  INTEGRITY_RULES.map((r) => [r.id, r.action]),
);

function _view(fp: FilePatch, original: IntegrityInput["original"]): View {
  const path = (fp.newPath ?? fp.oldPath ?? "").replace(/^\.\//, "");
  const lang = LANGS.find((l) => l.ext.test(path));
  const text = fp.kind === "create" ? "" : original?.(path) ?? original?.(fp.oldPath ?? "") ?? null;
  const origLines = text === null ? [] : text.split("\n");
  const hunks: Hunked[] = [];
  for (const h of fp.hunks) {
    let oldNo = h.header?.oldStart || 1;
    let newNo = h.header?.newStart || 1;
    const seed = origLines.slice(0, Math.max(0, oldNo - 1)).map((t) => ({
      text: t,
      changed: false,
      line: 0,
    }));
    const k: Hunked = {
      removed: [],
      added: [],
      oldSide: [...seed],
      newSide: [...seed],
      oldLines: 0,
    };
    for (const l of h.lines) {
      if (l.kind === " ") {
        const s = { text: l.text, changed: false, line: newNo };
        k.oldSide.push(s);
        k.newSide.push(s);
        oldNo++;
        newNo++;
      } else if (l.kind === "-") {
        const s = { text: l.text, changed: true, line: newNo };
        k.removed.push(s);
        k.oldSide.push(s);
        oldNo++;
      } else {
        const s = { text: l.text, changed: true, line: newNo };
        k.added.push(s);
        k.newSide.push(s);
        newNo++;
      }
    }
    k.oldLines = oldNo - 1;
    hunks.push(k);
  }
  const all = hunks.flatMap((h) => [...h.oldSide, ...h.newSide]);
  // Rust tests live beside the code in `#[cfg(test)]` modules.
  const rustTests = lang?.lang === "rust" &&
    (/#\[cfg\(test\)\]|#\[(?:\w+::)?test\]/.test(text ?? "") ||
      all.some((l) => /#\[cfg\(test\)\]|#\[(?:\w+::)?test\]|\bmod tests\b/.test(l.text)));
  const test = !!lang && (lang.testPath.some((re) => re.test(path)) || rustTests);
  return {
    path,
    fp,
    lang,
    test,
    original: text,
    hunks,
    removed: hunks.flatMap((h) => h.removed),
    added: hunks.flatMap((h) => h.added),
  };
}

function _hit(rule: string, file: string, line: number, detail: string): IntegrityHit {
  return { rule, file, line, message: `${MESSAGES.get(rule)}: ${detail}` };
}

// Matches the patch adds beyond those it removes, so that moving or
// rewording a line that already had the pattern is not a finding.
function _netAdded(
  patterns: readonly Named[],
  v: View,
  keep: (text: string) => boolean = () => true,
): { what: string; line: SideLine }[] {
  const out: { what: string; line: SideLine }[] = [];
  for (const p of patterns) {
    const before = v.removed.filter((l) => keep(l.text) && p.re.test(l.text)).length;
    const after = v.added.filter((l) => keep(l.text) && p.re.test(l.text));
    for (const l of after.slice(before)) out.push({ what: p.what, line: l });
  }
  return out;
}

// Values too common to tie a data line to the failing run's output.
const TRIVIAL = /^(?:-?\d|true|false|null|undefined|)$/;

// A comparison against a number in a script (`$total < 80`, `-lt 80`).
const COMPARISON = /(?:<=?|>=?|-lt|-le|-gt|-ge)\s*["']?\d/;

const _any = (res: readonly RegExp[], path: string) => res.some((re) => re.test(path));

/**
 * Find every integrity problem of a patch.
 *
 * @param input The parsed diff, the failing run's failures, the original files.
 * @returns Hits in file order, before the policy decides their action.
 */
export function detectIntegrity(input: IntegrityInput): IntegrityHit[] {
  const views = input.files.filter((f) => !f.binary || f.kind === "delete").map((f) =>
    _view(f, input.original)
  );
  const failures = input.failures ?? [];
  const actuals = actualValues(failures.flatMap((f) => [f.message, f.excerpt ?? ""]));
  const tsTypeError = failures.some((f) =>
    f.tool === "tsc" || /\bTS\d{3,5}\b/.test(`${f.code ?? ""} ${f.message}`)
  );
  const pyTypeError = failures.some((f) => /^(?:mypy|pyright|pytype)$/.test(f.tool));
  const soleTestFile = views.length === 1 && views[0]!.test;
  const out: IntegrityHit[] = [];
  for (const v of views) {
    if (v.lang && v.test) out.push(..._tests(v, actuals, soleTestFile));
    if (_any(SNAPSHOT_PATH, v.path)) out.push(..._snapshot(v));
    out.push(..._commands(v), ..._thresholds(v), ..._retries(v), ..._suppressions(v));
    out.push(..._lintConfig(v));
    if (tsTypeError && /\.[cm]?tsx?$/.test(v.path)) {
      for (const a of _netAdded(ANY_CASTS, v, isCode)) {
        out.push(_hit("integrity.any-cast", v.path, a.line.line, `\`${a.what}\` added`));
      }
    }
    if (pyTypeError && /\.pyi?$/.test(v.path)) {
      for (const a of _netAdded(PY_ANY_CASTS, v, isCode)) {
        out.push(_hit("integrity.any-cast", v.path, a.line.line, `\`${a.what}\` added`));
      }
    }
  }
  return out;
}

function _tests(v: View, actuals: string[], soleTestFile: boolean): IntegrityHit[] {
  const lang = v.lang!;
  const out: IntegrityHit[] = [];
  const firstLine = v.added[0]?.line ?? v.removed[0]?.line ?? 1;
  const decl = (t: string) => isCode(t) && lang.testDecl.some((re) => re.test(t));
  if (v.fp.kind === "delete") {
    return [_hit("integrity.test-deleted", v.path, 1, "the test file is deleted")];
  }
  // Emptied: the original had tests and the new text has none.
  const newText = _newText(v);
  const oldTests = v.original !== null ? countPerTest(v.original, lang) : null;
  const newTests = newText !== null ? countPerTest(newText, lang) : null;
  const removedDecls = v.removed.filter((l) => decl(l.text)).length;
  const addedDecls = v.added.filter((l) => decl(l.text)).length;
  if (oldTests && newTests && oldTests.length > 0 && newTests.length === 0) {
    out.push(_hit("integrity.test-deleted", v.path, firstLine, "the test file is emptied"));
  } else if (removedDecls > addedDecls) {
    out.push(
      _hit(
        "integrity.test-deleted",
        v.path,
        v.removed.find((l) => decl(l.text))!.line,
        `${removedDecls - addedDecls} test(s) removed`,
      ),
    );
  }
  for (const [kind, list] of [["test-skipped", lang.skip], ["test-focused", lang.focus]] as const) {
    for (const a of _netAdded(list, v, isCode)) {
      out.push(_hit(`integrity.${kind}`, v.path, a.line.line, `\`${a.what}\` added`));
    }
  }
  // Tautologies, net of those already there.
  const tautsBefore = v.removed.filter((l) => tautologyOf(l.text, lang)).length;
  const tauts = v.added.filter((l) => tautologyOf(l.text, lang));
  for (const l of tauts.slice(tautsBefore)) {
    out.push(_hit("integrity.tautology", v.path, l.line, `\`${l.text.trim()}\``));
  }
  // Assertion counts: the file as a whole, and per test when the whole file is known.
  const real = (l: SideLine) => isAssertion(l.text, lang) && !tautologyOf(l.text, lang);
  const before = v.removed.filter(real).length;
  const after = v.added.filter(real).length;
  const explained = tauts.length - tautsBefore;
  let drop = before - after - Math.max(0, explained);
  let where = v.removed.find(real)?.line ?? firstLine;
  let detail = `${before - after} assertion(s) fewer in the file`;
  if (drop <= 0 && oldTests && newTests) {
    const old = new Map(oldTests.map((t) => [t.name, t.assertions]));
    const fresh = newTests.filter((t) => !old.has(t.name)).reduce((n, t) => n + t.assertions, 0);
    const shrunk = newTests.filter((t) => old.has(t.name) && t.assertions < old.get(t.name)!);
    const lost = shrunk.reduce((n, t) => n + old.get(t.name)! - t.assertions, 0);
    // Assertions turned into tautologies are that rule's finding, not this one's.
    if (lost > fresh + Math.max(0, explained)) {
      drop = lost - fresh - Math.max(0, explained);
      detail = shrunk.map((t) => `"${t.name}" ${old.get(t.name)} -> ${t.assertions}`).join(", ");
      where = v.removed.find((l) => isAssertion(l.text, lang))?.line ?? firstLine;
    }
  }
  // jest's expected assertion count lowered.
  for (const h of v.hunks) {
    for (const p of numberPairs(h.removed, h.added)) {
      if (/\bexpect\.assertions\s*\(/.test(p.text) && p.after[0]! < p.before[0]!) {
        drop = Math.max(drop, p.before[0]! - p.after[0]!);
        detail = `expect.assertions(${p.before[0]}) -> (${p.after[0]})`;
        where = p.line;
      }
    }
  }
  if (drop > 0 && !out.some((h) => h.rule === "integrity.test-deleted")) {
    out.push(_hit("integrity.assertion-removed", v.path, where, detail));
  }
  // Expected values rewritten to what the failing run printed.
  if (actuals.length) {
    for (const h of v.hunks) {
      if (h.removed.length === 0) continue;
      const had = new Set(h.removed.flatMap((l) => literalsOf(l.text)));
      for (const a of h.added) {
        if (!isCode(a.text) || tautologyOf(a.text, lang)) continue;
        // A small value (0, 1, true, null) appears everywhere: only an
        // assertion's own literal counts then.
        const asserts = isAssertion(a.text, lang);
        const value = literalsOf(a.text).find((x) =>
          !had.has(x) && actuals.includes(x) && (asserts || !TRIVIAL.test(x))
        );
        if (value === undefined) continue;
        const rule = soleTestFile
          ? "integrity.expected-changed"
          : "integrity.expected-changed-plus-code";
        out.push(
          _hit(
            rule,
            v.path,
            a.line,
            `the new expected value ${value} is what the failing run produced`,
          ),
        );
        break;
      }
    }
  }
  return out;
}

function _newText(v: View): string | null {
  if (v.original === null) return null;
  try {
    return applyToText(v.original, v.fp);
  } catch {
    // A patch that does not place is refused by the applier; counts fall back to the diff.
    return null;
  }
}

function _snapshot(v: View): IntegrityHit[] {
  if (v.fp.kind === "delete") {
    return [_hit("integrity.snapshot-rewritten", v.path, 1, "the snapshot file is deleted")];
  }
  if (v.fp.kind === "create") return [];
  const size = v.original !== null
    ? v.original.split("\n").length
    : Math.max(0, ...v.hunks.map((h) => h.oldLines));
  const removed = v.removed.length;
  if (removed >= 3 && removed * 2 >= size) {
    return [_hit(
      "integrity.snapshot-rewritten",
      v.path,
      v.removed[0]!.line,
      `${removed} of ${size} lines replaced`,
    )];
  }
  return [];
}

function _commands(v: View): IntegrityHit[] {
  if (!_any(COMMAND_FILES, v.path)) {
    // Runner settings (pyproject addopts, jest config) can take tests out too.
    if (!_any(TEST_CONFIG, v.path)) return [];
    return _netAdded(TEST_EXCLUSIONS, v).map((a) =>
      _hit("integrity.test-skipped", v.path, a.line.line, `\`${a.what}\` added`)
    );
  }
  const ci = /\.ya?ml$|Jenkinsfile$/.test(v.path);
  const testLine = (t: string) => TEST_COMMAND.test(t);
  const out: IntegrityHit[] = [];
  for (const a of _netAdded(COMMAND_WEAKENERS, v, (t) => testLine(t) || ci)) {
    out.push(_hit("integrity.test-command-weakened", v.path, a.line.line, `\`${a.what}\` added`));
  }
  // A linter's warning budget raised (`eslint --max-warnings 0` -> 500).
  for (const h of v.hunks) {
    for (const p of numberPairs(h.removed, h.added)) {
      const i = p.after.findIndex((n, k) => n > p.before[k]!);
      if (/max-warnings|maxWarnings/.test(p.text) && i >= 0) {
        out.push(_hit(
          "integrity.lint-config-weakened",
          v.path,
          p.line,
          `warning budget ${p.before[i]} -> ${p.after[i]}`,
        ));
      }
    }
  }
  for (const a of _netAdded(TEST_EXCLUSIONS, v)) {
    out.push(_hit("integrity.test-skipped", v.path, a.line.line, `\`${a.what}\` added`));
  }
  return out;
}

function _thresholds(v: View): IntegrityHit[] {
  const coverageFile = _any(COVERAGE_CONFIG, v.path);
  const candidate = coverageFile || _any(COMMAND_FILES, v.path) || _any(TEST_CONFIG, v.path) ||
    /(?:^|\/)(?:\.coveragerc|go\.mod|[^/]*\.(?:sh|mk|ya?ml|toml|cfg|ini|json))$/.test(v.path);
  if (!candidate) return [];
  const out: IntegrityHit[] = [];
  for (const h of v.hunks) {
    const context = coverageFile || [...h.oldSide, ...h.newSide].some((l) =>
      THRESHOLD_WORDS.test(l.text)
    ) ||
      THRESHOLD_WORDS.test(v.original ?? "");
    for (const p of numberPairs(h.removed, h.added)) {
      const relevant = THRESHOLD_WORDS.test(p.text) ||
        (context && (THRESHOLD_KEYS.test(p.text) || COMPARISON.test(p.text)));
      if (!relevant || /retr(?:y|ies)|timeout/i.test(p.text)) continue;
      const i = p.after.findIndex((n, k) => n < p.before[k]!);
      if (i >= 0) {
        out.push(_hit(
          "integrity.threshold-lowered",
          v.path,
          p.line,
          `${p.before[i]} -> ${p.after[i]} in \`${p.text.trim()}\``,
        ));
      }
    }
  }
  for (const a of _netAdded(COVERAGE_OFF, v)) {
    out.push(_hit("integrity.threshold-lowered", v.path, a.line.line, `\`${a.what}\``));
  }
  for (const re of THRESHOLD_TOKENS) {
    const removed = v.removed.filter((l) => re.test(l.text));
    if (removed.length > v.added.filter((l) => re.test(l.text)).length) {
      out.push(_hit(
        "integrity.threshold-lowered",
        v.path,
        removed[0]!.line,
        `\`${removed[0]!.text.trim()}\` removed`,
      ));
    }
  }
  return out;
}

function _retries(v: View): IntegrityHit[] {
  if (!v.test && !_any(TEST_CONFIG, v.path) && !_any(COMMAND_FILES, v.path)) return [];
  const out = _netAdded(RETRIES, v).map((a) =>
    _hit("integrity.retries-added", v.path, a.line.line, `\`${a.what}\` added`)
  );
  for (const h of v.hunks) {
    for (const p of numberPairs(h.removed, h.added)) {
      if (!/retr(?:y|ies)|rerun/i.test(p.text)) continue;
      const i = p.after.findIndex((n, k) => n > p.before[k]!);
      if (i >= 0) {
        out.push(
          _hit("integrity.retries-added", v.path, p.line, `${p.before[i]} -> ${p.after[i]}`),
        );
      }
    }
  }
  return out;
}

function _suppressions(v: View): IntegrityHit[] {
  const lang = v.lang ?? (/\.(?:vue|svelte|astro|html?)$/.test(v.path) ? LANGS[0] : undefined);
  if (!lang) return [];
  return _netAdded(lang.suppression, v).map((a) =>
    _hit("integrity.suppression-added", v.path, a.line.line, `\`${a.what}\` added`)
  );
}

function _lintConfig(v: View): IntegrityHit[] {
  const out: IntegrityHit[] = [];
  for (const c of LINT_CONFIGS.filter((c) => c.path.test(v.path))) {
    const isEslint = /eslint/.test(c.path.source) && !/ignore/.test(c.path.source);
    for (const a of isEslint ? [] : _netAdded(c.weakens, v)) {
      out.push(_hit("integrity.lint-config-weakened", v.path, a.line.line, `${a.what}`));
    }
    if (isEslint) {
      for (const l of loweredSeverities(v.removed, v.added)) {
        out.push(_hit(
          "integrity.lint-config-weakened",
          v.path,
          l.line,
          `rule ${l.rule} set to "${l.to}"`,
        ));
      }
      for (const a of _netAdded(c.weakens.slice(1), v)) {
        out.push(_hit("integrity.lint-config-weakened", v.path, a.line.line, a.what));
      }
    }
    if (c.listKeys) {
      const grown = grownLists(
        v.hunks.map((h) => h.oldSide),
        v.hunks.map((h) => h.newSide),
        c.listKeys,
      );
      for (const g of grown) {
        out.push(_hit(
          "integrity.lint-config-weakened",
          v.path,
          g.line,
          `"${g.entry}" added to ${g.key}`,
        ));
      }
    }
  }
  return out;
}

/**
 * Give each hit the action its rule has in the policy.
 *
 * @param hits What {@link detectIntegrity} found.
 * @param actions Rule id -> action (the policy's `integrity:` section); defaults fill the gaps.
 * @returns The findings.
 */
export function judgeIntegrity(
  hits: readonly IntegrityHit[],
  actions: Readonly<Record<string, IntegrityAction>> = {},
): IntegrityFinding[] {
  return hits.map((h) => ({ ...h, action: actions[h.rule] ?? DEFAULT_ACTIONS[h.rule] ?? "deny" }));
}

/**
 * Parse a diff, detect and judge in one call.
 *
 * @param diff The unified diff, or its parsed files.
 * @param options Failures, original files, the policy's actions.
 * @returns The findings.
 */
export function checkIntegrity(
  diff: string | readonly FilePatch[],
  options: Omit<IntegrityInput, "files"> & {
    actions?: Readonly<Record<string, IntegrityAction>>;
  } = {},
): IntegrityFinding[] {
  const files = typeof diff === "string" ? parsePatch(diff) : diff;
  return judgeIntegrity(
    detectIntegrity({
      files,
      ...(options.failures ? { failures: options.failures } : {}),
      ...(options.original ? { original: options.original } : {}),
    }),
    options.actions,
  );
}

/**
 * The feedback a denied finding sends back to the fixer.
 *
 * @param f The finding.
 * @returns "Fix the code, not the test: FILE:LINE message".
 */
export function integrityFeedback(f: IntegrityHit): string {
  return `Fix the code, not the test: ${f.file}:${f.line} ${f.message} [${f.rule}]`;
}

/**
 * Judge a patch against the original files of a workspace: the convenience
 * the fix loop calls before the reviewer.
 *
 * @param diff The unified diff (already extracted from the model's reply).
 * @param options Failures, a reader of original files (null when missing), the policy's actions.
 * @returns The findings.
 */
export async function checkPatchIntegrity(
  diff: string,
  options: {
    failures?: readonly FailureFacts[];
    read?: (path: string) => Promise<string | null>;
    actions?: Readonly<Record<string, IntegrityAction>>;
  } = {},
): Promise<IntegrityFinding[]> {
  const files = parsePatch(diff);
  const originals = new Map<string, string | null>();
  if (options.read) {
    for (const f of files) {
      const path = f.oldPath ?? f.newPath;
      if (path && f.kind !== "create" && !originals.has(path)) {
        originals.set(path, await options.read(path));
      }
    }
  }
  return checkIntegrity(files, {
    ...(options.failures ? { failures: options.failures } : {}),
    original: (p) => originals.get(p) ?? null,
    ...(options.actions ? { actions: options.actions } : {}),
  });
}
