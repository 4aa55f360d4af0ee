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
  type AddedLines,
  type DiffFile,
  type DiffLine,
  fileLines,
  indexDiff,
  looksLikeDiff,
} from "./diff.ts";
import { fileCommands, fileKind } from "./patch_commands.ts";
import { findSecrets } from "./secrets.ts";
import { globMatch } from "./shell_words.ts";
import { findUnsafeSql, queryCalls, startsWithPlainString } from "./sql.ts";
import type { Finding, FullJudgement, Policy, Rule, Severity } from "./types.ts";

/** What the scanner needs from the engine. */
export interface ScanHost {
  /** The policy. */
  readonly policy: Policy;
  /** Judge a command and locate the deciding statement. */
  judgeWithPosition(commandLine: string): { judgement: FullJudgement; pos: number };
}

/** Earlier statements of a file replayed before judging one (downloads, links, variables). */
const MAX_PREFIX = 40;

const CODE_FILE = /\.(?:[cm]?[jt]sx?|py)$/;

function _severity(r: Rule): Severity | null {
  if (r.severity) return r.severity;
  if (r.action === "allow") return null;
  return r.action === "warn" ? "warning" : "error";
}

function _inFiles(r: Rule, file: string): boolean {
  return !r.files || r.files.some((g) => globMatch(g, file) || globMatch(`**/${g}`, file));
}

/** Collects findings. */
class _Out {
  readonly list: Finding[] = [];
  add(r: Rule, file: string, line: number, message: string): void {
    const severity = _severity(r);
    if (severity) {
      this.list.push({ rule: r.id, category: r.category, file, line, message, severity });
    }
  }
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
  const at = (offset: number) => lines[_bisect(starts, offset)]!;
  const byDetector = new Map(rules.filter((r) => r.match.secret).map((r) => [r.match.secret!, r]));
  for (const h of findSecrets(all, [...byDetector.keys()])) {
    const r = byDetector.get(h.detector)!;
    const c = at(h.start);
    if (_inFiles(r, c.file)) out.add(r, c.file, c.line, `${r.message} (${h.detector})`);
  }
  if (!patterns) return;
  for (const r of rules.filter((x) => x.match.pattern)) {
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
    const l = lines[_bisect(lineStarts, s.offset)]!;
    if (l.added) { for (const r of rules) out.add(r, path, l.line, `${r.message} (${s.reason})`); }
  }
}

function _commands(
  host: ScanHost,
  path: string,
  lines: readonly DiffLine[],
  contexts: readonly string[],
  out: _Out,
): void {
  const kind = fileKind(path, lines[0]?.line === 1 ? lines[0].text : undefined);
  if (!kind) return;
  const earlier: string[] = [];
  for (const c of fileCommands(kind, lines, contexts)) {
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
    if (judgement.allowed || !judgement.rule) continue;
    const r = host.policy.rules.find((x) => x.id === judgement.rule);
    out.list.push({
      rule: judgement.rule,
      category: judgement.category ?? r?.category ?? "shell",
      file: path,
      line: c.line,
      message: `Command in ${kind} refused: ${judgement.message}`,
      severity: r?.severity ?? (judgement.action === "warn" ? "warning" : "error"),
    });
  }
}

function _sort(list: Finding[]): Finding[] {
  return list.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
      ? 1
      : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

function _scanDiff(host: ScanHost, text: string): Finding[] {
  const out = new _Out();
  const added: AddedLines = { starts: [], ends: [], lines: [], files: [] };
  const files = indexDiff(text, added);
  const pathOf = (f: DiffFile) => f.newPath ?? f.oldPath ?? "<unknown>";

  // Every text check runs once over the added lines joined (a third of a
  // typical diff), with a map from offsets back to files and lines.
  const parts: string[] = new Array(added.starts.length);
  const joinedStarts: number[] = new Array(added.starts.length);
  let len = 0;
  for (let k = 0; k < added.starts.length; k++) {
    parts[k] = text.slice(added.starts[k]!, added.ends[k]!);
    joinedStarts[k] = len;
    len += parts[k]!.length + 1;
  }
  const joined = parts.join("\n");
  const at = (offset: number) => {
    const k = _bisect(joinedStarts, offset);
    return { file: files[added.files[k]!]!, line: added.lines[k]! };
  };

  const rules = host.policy.rules;
  const byDetector = new Map(rules.filter((r) => r.match.secret).map((r) => [r.match.secret!, r]));
  for (const h of findSecrets(joined, [...byDetector.keys()])) {
    const r = byDetector.get(h.detector)!;
    const loc = at(h.start);
    const path = pathOf(loc.file);
    if (_inFiles(r, path)) out.add(r, path, loc.line, `${r.message} (${h.detector})`);
  }
  for (const r of rules.filter((x) => x.match.pattern)) {
    const re = new RegExp(r.match.pattern!, "gm");
    for (const m of joined.matchAll(re)) {
      const loc = at(m.index!);
      const path = pathOf(loc.file);
      if (_inFiles(r, path)) out.add(r, path, loc.line, r.message);
      if (m[0] === "") re.lastIndex++;
    }
  }

  // Query calls: a file gets a full SQL reading only when an added line
  // calls a query function with something other than a plain string.
  const sqlFiles = new Set<DiffFile>();
  for (const pos of queryCalls(joined)) {
    if (startsWithPlainString(joined, pos + 1)) continue;
    const f = at(pos).file;
    if (CODE_FILE.test(pathOf(f))) sqlFiles.add(f);
  }

  const pathRules = host.policy.rules.filter((r) => r.match.path);
  for (const f of files) {
    const path = pathOf(f);
    for (const r of pathRules) {
      const hit = [f.newPath, f.oldPath].find((p) =>
        p !== null && r.match.path!.some((g) => globMatch(g, p))
      );
      if (hit) out.add(r, path, f.firstLine, `${r.message}: "${hit}"`);
    }
    const needsCommands = fileKind(path) !== null || f.hunks.some((h) => h.newStart === 1);
    if (!sqlFiles.has(f) && !needsCommands) continue;
    const lines = fileLines(text, f);
    if (!lines.some((l) => l.added)) continue;
    if (sqlFiles.has(f)) _sql(host, path, lines, out);
    _commands(host, path, lines, f.hunkContexts, out);
  }
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
  if (CODE_FILE.test(name) || name === "<text>") _sql(host, name, lines, out);
  _commands(host, name, lines, [], out);
  return _sort(out.list);
}

/**
 * Scan a diff or a text.
 *
 * @param host The engine.
 * @param text The diff or text.
 * @param filename The name of plain text (selects file-specific checks).
 * @returns Findings in file and line order.
 */
export function scanText(host: ScanHost, text: string, filename?: string): Finding[] {
  return looksLikeDiff(text) ? _scanDiff(host, text) : _scanPlain(host, text, filename ?? "<text>");
}

function _bisect(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
