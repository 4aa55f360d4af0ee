/**
 * Scanning a patch or a text: secrets and user patterns on added lines,
 * unsafe SQL, commands hidden in patched scripts, and protected paths.
 *
 * Large diffs are scanned on their raw text: one pass of a combined anchor
 * expression finds the few lines that may hold a secret, one pass finds
 * query calls, and only files that need a closer look (scripts, CI files,
 * code with a non-trivial query) are turned into lines.
 *
 * @module
 */

import {
  type DiffLine,
  extractDiff,
  type FilePatch,
  foldPath,
  hunkContexts,
  looksLikeDiff,
  markAdded,
  newSideLines,
  parsePatch,
  resultingText,
} from "../patch/patch.ts";
import { onlySwitchesAgentPool } from "./ci_pool_exception.ts";
import { CONTENT_RULES, contentFlags, homoglyphPath, lineIndexAt } from "./content_flags.ts";
import { type FileCommand, fileCommands, fileKind, packageJsonScripts } from "./patch_commands.ts";
import { findSecrets } from "./secrets.ts";
import { anyGlobMatcher } from "../core/glob.ts";
import { findUnsafeSql, queryCalls, startsWithPlainString } from "./sql.ts";
import type { Finding, FullJudgement, Policy, Rule, Severity } from "./types.ts";

/** Options of {@link scanText}. */
export interface ScanOptions {
  /** The name of plain text (selects file-specific checks). */
  filename?: string;
  /**
   * Reads a file as it is before the patch (repository-relative canonical
   * path; null when missing). With it, scripts are judged on the file the
   * patch leaves; without it (a bare diff), on what the diff shows.
   */
  base?: (path: string) => string | null;
}

/** What the scanner needs from the engine. */
export interface ScanHost {
  /** The policy. */
  readonly policy: Policy;
  /** Judge a command and locate the deciding statement. */
  judgeWithPosition(commandLine: string): { judgement: FullJudgement; pos: number };
}

/** Earlier statements of a file replayed before judging one (downloads, links, variables). */
const MAX_PREFIX = 40;

/** Files whose query calls get a SQL reading. */
export const CODE_FILE = /\.(?:[cm]?[jt]sx?|py)$/;

function _severity(r: Rule): Severity | null {
  if (r.severity) return r.severity;
  if (r.action === "allow") return null;
  return r.action === "warn" ? "warning" : "error";
}

/** Whether a rule applies to a file (its `files` globs). */
export function _inFiles(r: Rule, file: string): boolean {
  if (!r.files) return true;
  let m = _filesMatchers.get(r);
  if (!m) _filesMatchers.set(r, m = anyGlobMatcher([...r.files, ...r.files.map((g) => `**/${g}`)]));
  return m(file);
}

// Compiled once per rule: a scan tests thousands of files against them.
const _filesMatchers = new WeakMap<Rule, (file: string) => boolean>();
const _pathMatchers = new WeakMap<Rule, (folded: string) => boolean>();

/** Whether a file patch touches a rule's `match.path` (case-insensitively): the name that does. */
function _pathHit(r: Rule, fp: FilePatch): string | undefined {
  let m = _pathMatchers.get(r);
  if (!m) _pathMatchers.set(r, m = anyGlobMatcher(r.match.path!.map(foldPath)));
  return fp.names.find((p) => m(foldPath(p)));
}

/** Collects findings. */
export class _Out {
  readonly list: Finding[] = [];
  add(r: Rule, file: string, line: number, message: string): void {
    const severity = _severity(r);
    if (severity) {
      this.list.push({
        rule: r.id,
        category: r.category,
        file,
        line,
        message: _intern(message),
        severity,
      });
    }
  }
}

/**
 * One string per distinct finding message: a scan of a large input holds
 * every finding until the end (the output is sorted), and most messages
 * repeat (21,815 unsafe-query findings of a generated 50 MB diff had 4).
 */
const _messages = new Map<string, string>();
function _intern(message: string): string {
  const known = _messages.get(message);
  if (known !== undefined) return known;
  if (_messages.size < 4096) _messages.set(message, message);
  return message;
}

/** One line of text to check, with where it came from. */
interface Candidate {
  file: string;
  line: number;
  text: string;
}

function _secretsAndPatterns(
  host: ScanHost,
  lines: readonly Candidate[],
  out: _Out,
  patterns: boolean,
): void {
  const rules = host.policy.rules;
  const starts: number[] = [];
  let len = 0;
  for (const l of lines) {
    starts.push(len);
    len += l.text.length + 1;
  }
  const all = lines.map((l) => l.text).join("\n");
  const at = (offset: number) => lines[lineIndexAt(starts, offset)]!;
  const byDetector = new Map(rules.filter((r) => r.match.secret).map((r) => [r.match.secret!, r]));
  for (const h of findSecrets(all, [...byDetector.keys()])) {
    const r = byDetector.get(h.detector)!;
    const c = at(h.start);
    if (_inFiles(r, c.file)) out.add(r, c.file, c.line, `${r.message} (${h.detector})`);
  }
  if (!patterns) return;
  for (const r of rules.filter((x) => x.match.pattern && !CONTENT_RULES.has(x.id))) {
    const re = new RegExp(r.match.pattern!, "gm");
    for (const m of all.matchAll(re)) {
      const c = at(m.index!);
      if (_inFiles(r, c.file)) out.add(r, c.file, c.line, r.message);
      if (m[0] === "") re.lastIndex++;
    }
  }
}

function _sql(host: ScanHost, path: string, lines: readonly DiffLine[], out: _Out): void {
  const rules = host.policy.rules.filter((r) => r.match.sql && _inFiles(r, path));
  if (!rules.length) return;
  const src = lines.map((l) => l.text).join("\n");
  const ranges: Array<[number, number]> = [];
  const lineStarts: number[] = [];
  let off = 0;
  for (const l of lines) {
    lineStarts.push(off);
    if (l.added) ranges.push([off, off + l.text.length]);
    off += l.text.length + 1;
  }
  for (const s of findUnsafeSql(src, ranges)) {
    const l = lines[lineIndexAt(lineStarts, s.offset)]!;
    if (l.added) { for (const r of rules) out.add(r, path, l.line, `${r.message} (${s.reason})`); }
  }
}

function _commands(
  host: ScanHost,
  path: string,
  lines: readonly DiffLine[],
  contexts: readonly string[],
  out: _Out,
  given?: { kind: string; commands: FileCommand[] },
): void {
  const kind = given?.kind ?? fileKind(path, lines[0]?.line === 1 ? lines[0].text : undefined);
  if (!kind) return;
  const commands = given?.commands ?? fileCommands(kind as never, lines, contexts);
  const earlier: string[] = [];
  let touchedBefore = false;
  for (const c of commands) {
    if (c.context) {
      // Untouched: only what an added statement before it changes counts.
      if (touchedBefore && host.judgeWithPosition(c.text).judgement.allowed) {
        const prefix = earlier.slice(-MAX_PREFIX).join("\n") + "\n";
        const joined = host.judgeWithPosition(prefix + c.text);
        if (!joined.judgement.allowed && joined.pos >= prefix.length) {
          _commandFinding(host, path, kind, c, joined.judgement, out);
        }
      }
      earlier.push(c.text);
      continue;
    }
    touchedBefore = true;
    let { judgement } = host.judgeWithPosition(c.text);
    if (judgement.allowed && earlier.length) {
      // Alone it passes; after the statements the patch added before it, it
      // may not: `curl -o i.sh URL` then `bash i.sh`, `ln -s / r` then
      // `rm -rf r/`. Only a verdict on this statement itself counts (that
      // can add refusals, never remove one).
      const prefix = earlier.slice(-MAX_PREFIX).join("\n") + "\n";
      const joined = host.judgeWithPosition(prefix + c.text);
      if (!joined.judgement.allowed && joined.pos >= prefix.length) judgement = joined.judgement;
    }
    earlier.push(c.text);
    _commandFinding(host, path, kind, c, judgement, out);
  }
}

function _commandFinding(
  host: ScanHost,
  path: string,
  kind: string,
  c: FileCommand,
  judgement: FullJudgement,
  out: _Out,
): void {
  if (judgement.allowed || !judgement.rule) return;
  const r = host.policy.rules.find((x) => x.id === judgement.rule);
  out.list.push({
    rule: judgement.rule,
    category: judgement.category ?? r?.category ?? "shell",
    file: path,
    line: c.line,
    message: `Command in ${kind} refused: ${judgement.message}${
      c.context ? " (an existing statement, after what the patch added before it)" : ""
    }`,
    severity: r?.severity ?? (judgement.action === "warn" ? "warning" : "error"),
  });
}

/** Findings in file and line order (stable: equal keys keep their order). */
export function _sort(list: Finding[]): Finding[] {
  return list.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
      ? 1
      : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

/** Largest added-line count of one file the content checks read in full. */
export const CONTENT_FULL_LINES = 5000;

function _ruleById(host: ScanHost, id: string): Rule | undefined {
  return host.policy.rules.find((r) => r.id === id);
}

/**
 * The one package-manager config edit allowed: an `.npmrc` change whose only
 * difference is the value of a `--max-old-space-size=N` flag in
 * `node-options` (the node-heap recipe). Any other flag, key or file fails.
 */
function _onlyRaisesNodeHeap(fp: FilePatch): boolean {
  const names = fp.names.map((n) => n.slice(n.lastIndexOf("/") + 1).toLowerCase());
  if (fp.kind === "delete" || !names.every((n) => n === ".npmrc")) return false;
  const norm = (t: string): string | null => {
    const m = /^\s*node-options\s*=(.*)$/.exec(t);
    if (!m) return t;
    const rest = m[1]!.replace(/(?:^|\s)--max-old-space-size=\d+(?=\s|$)/g, " ").trim()
      .replace(/\s+/g, " ");
    return rest === "" ? null : `node-options=${rest}`;
  };
  const removed: string[] = [];
  const added: string[] = [];
  let heap = false;
  for (const h of fp.hunks) {
    for (const l of h.lines) {
      if (l.kind === " ") continue;
      if (l.kind === "+" && /--max-old-space-size=\d+/.test(l.text)) heap = true;
      const n = norm(l.text);
      if (n !== null) (l.kind === "+" ? added : removed).push(n);
    }
  }
  removed.sort();
  added.sort();
  return heap && removed.length === added.length && removed.every((t, i) => t === added[i]);
}

/**
 * Whether the path findings of a file need its hunks: a package-manager
 * config is let through when its only change raises the node heap.
 */
export function _pathsNeedHunks(host: ScanHost, fp: FilePatch): boolean {
  return host.policy.rules.some((r) =>
    r.id === "path.package-manager-config" && r.match.path !== undefined &&
    _pathHit(r, fp) !== undefined
  );
}

/**
 * The path findings of one file patch: invalid paths, protected paths,
 * homoglyph file names.
 *
 * @param firstLine The first line of the new side (1 when none).
 */
export function _scanPaths(
  host: ScanHost,
  fp: FilePatch,
  firstLine: number,
  base: ScanOptions["base"],
  out: _Out,
): void {
  const path = fp.newPath ?? fp.oldPath ?? "<unknown>";
  if (fp.refused !== null) {
    const r = _ruleById(host, "path.invalid");
    if (r) out.add(r, path, firstLine, `${r.message}: ${fp.refused}`);
  }
  // Protected globs compare case-insensitively, against every spelling the
  // section's headers used (the applier may write any of them).
  for (const r of host.policy.rules) {
    if (!r.match.path) continue;
    const hit = _pathHit(r, fp);
    if (hit && r.id === "path.package-manager-config" && _onlyRaisesNodeHeap(fp)) continue;
    if (hit && r.id === "path.protected" && onlySwitchesAgentPool(host.policy, fp, base)) continue;
    if (hit) out.add(r, path, firstLine, `${r.message}: "${hit}"`);
  }
  const homoRule = _ruleById(host, "content.homoglyph");
  if (homoRule) {
    const seg = fp.names.map(homoglyphPath).find((s) => s !== null);
    if (seg) {
      out.add(
        homoRule,
        path,
        firstLine,
        `${homoRule.message}: file name segment ${JSON.stringify(seg)}`,
      );
    }
  }
}

/** Paths, content flags and scripts of one file patch. */
export function _scanFile(
  host: ScanHost,
  fp: FilePatch,
  base: ScanOptions["base"],
  sqlFiles: ReadonlySet<FilePatch>,
  out: _Out,
): void {
  const path = fp.newPath ?? fp.oldPath ?? "<unknown>";
  const lines = newSideLines(fp);
  _scanPaths(host, fp, lines[0]?.line ?? 1, base, out);
  const added = lines.filter((l) => l.added);
  if (added.length === 0) return;

  // Content checks: the rule's pattern picks the lines worth a look; small
  // files are read whole (a secret split over lines needs its neighbours).
  for (const r of host.policy.rules) {
    if (!CONTENT_RULES.has(r.id) || !_inFiles(r, path)) continue;
    const pre = r.match.pattern ? new RegExp(r.match.pattern) : null;
    const any = pre === null || added.some((l) => pre.test(l.text));
    if (!any) continue;
    const pool = added.length <= CONTENT_FULL_LINES || pre === null
      ? added
      : added.filter((l) => pre.test(l.text));
    for (const f of contentFlags(r.id, pool)) out.add(r, path, f.line, `${r.message}: ${f.detail}`);
  }

  // Scripts: judged on the file the patch leaves when its original is known.
  const kind = fileKind(path, lines[0]?.line === 1 ? lines[0].text : undefined);
  const contexts = hunkContexts(fp);
  if (kind !== null && fp.kind !== "delete") {
    const before = fp.kind === "create" ? "" : base?.(fp.oldPath ?? path) ?? null;
    const after = before === null ? undefined : resultingText(before, fp);
    if (typeof after === "string") {
      if (kind === "package-json") {
        const commands = packageJsonScripts(before, after);
        if (commands !== null) {
          _commands(host, path, lines, contexts, out, { kind, commands });
          return _sqlIfNeeded(host, fp, path, lines, sqlFiles, out);
        }
      }
      const whole = markAdded(before ?? "", after);
      _commands(host, path, whole, [], out, {
        kind,
        commands: fileCommands(kind, whole, []),
      });
      return _sqlIfNeeded(host, fp, path, lines, sqlFiles, out);
    }
  }
  _sqlIfNeeded(host, fp, path, lines, sqlFiles, out);
  const needsCommands = kind !== null || fp.hunks.some((h) => h.header?.newStart === 1);
  if (needsCommands) _commands(host, path, lines, contexts, out);
}

function _sqlIfNeeded(
  host: ScanHost,
  fp: FilePatch,
  path: string,
  lines: readonly DiffLine[],
  sqlFiles: ReadonlySet<FilePatch>,
  out: _Out,
): void {
  if (sqlFiles.has(fp)) _sql(host, path, lines, out);
}

function _scanDiff(host: ScanHost, text: string, base: ScanOptions["base"]): Finding[] | null {
  let files: FilePatch[];
  try {
    // The same extraction and parser the applier uses: what is judged is
    // what would be written.
    files = parsePatch(extractDiff(text) ?? text);
  } catch {
    // The applier would refuse it too; still judge what the text names.
    try {
      files = parsePatch(text);
    } catch {
      return null;
    }
  }
  if (files.length === 0) return null;
  const out = new _Out();

  // Every text check runs once over the added lines joined, with a map from
  // offsets back to files and lines.
  const parts: string[] = [];
  const joinedStarts: number[] = [];
  const owner: number[] = [];
  const lineNo: number[] = [];
  let len = 0;
  files.forEach((fp, k) => {
    for (const l of newSideLines(fp)) {
      if (!l.added) continue;
      parts.push(l.text);
      joinedStarts.push(len);
      owner.push(k);
      lineNo.push(l.line);
      len += l.text.length + 1;
    }
  });
  const joined = parts.join("\n");
  const at = (offset: number) => {
    const k = lineIndexAt(joinedStarts, offset);
    return { file: files[owner[k]!]!, line: lineNo[k]! };
  };
  const pathOf = (f: FilePatch) => f.newPath ?? f.oldPath ?? "<unknown>";

  const rules = host.policy.rules;
  if (parts.length > 0) {
    const byDetector = new Map(
      rules.filter((r) => r.match.secret).map((r) => [r.match.secret!, r]),
    );
    for (const h of findSecrets(joined, [...byDetector.keys()])) {
      const r = byDetector.get(h.detector)!;
      const loc = at(h.start);
      const path = pathOf(loc.file);
      if (_inFiles(r, path)) out.add(r, path, loc.line, `${r.message} (${h.detector})`);
    }
    for (const r of rules.filter((x) => x.match.pattern && !CONTENT_RULES.has(x.id))) {
      const re = new RegExp(r.match.pattern!, "gm");
      for (const m of joined.matchAll(re)) {
        const loc = at(m.index!);
        const path = pathOf(loc.file);
        if (_inFiles(r, path)) out.add(r, path, loc.line, r.message);
        if (m[0] === "") re.lastIndex++;
      }
    }
  }

  // Query calls: a file gets a full SQL reading only when an added line
  // calls a query function with something other than a plain string.
  const sqlFiles = new Set<FilePatch>();
  if (parts.length > 0) {
    for (const pos of queryCalls(joined)) {
      if (startsWithPlainString(joined, pos + 1)) continue;
      const f = at(pos).file;
      if (CODE_FILE.test(pathOf(f))) sqlFiles.add(f);
    }
  }
  for (const fp of files) _scanFile(host, fp, base, sqlFiles, out);
  return _sort(out.list);
}

function _scanPlain(host: ScanHost, text: string, name: string): Finding[] {
  const out = new _Out();
  const lines: DiffLine[] = text.split("\n").map((t, i) => ({
    line: i + 1,
    text: t.replace(/\r$/, ""),
    added: true,
  }));
  if (lines.length > 1 && lines[lines.length - 1]!.text === "" && text.endsWith("\n")) lines.pop();
  _secretsAndPatterns(
    host,
    lines.map((l) => ({ file: name, line: l.line, text: l.text })),
    out,
    true,
  );
  for (const r of host.policy.rules) {
    if (!CONTENT_RULES.has(r.id) || !_inFiles(r, name)) continue;
    for (const f of contentFlags(r.id, lines)) {
      out.add(r, name, f.line, `${r.message}: ${f.detail}`);
    }
  }
  if (CODE_FILE.test(name) || name === "<text>") _sql(host, name, lines, out);
  _commands(host, name, lines, [], out);
  return _sort(out.list);
}

/**
 * Scan a diff or a text.
 *
 * @param host The engine.
 * @param text The diff or text.
 * @param options The name of plain text; a reader of the files before the patch.
 * @returns Findings in file and line order.
 */
export function scanText(host: ScanHost, text: string, options: ScanOptions = {}): Finding[] {
  if (looksLikeDiff(text)) {
    const diff = _scanDiff(host, text, options.base);
    if (diff) return diff;
  }
  return _scanPlain(host, text, options.filename ?? "<text>");
}
