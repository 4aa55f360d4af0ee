/**
 * Scanning a patch or a text: secrets and user patterns on added lines,
 * unsafe SQL, commands hidden in patched scripts, and protected paths.
 *
 * @module
 */

import { type DiffFile, type DiffLine, looksLikeDiff, parseDiff } from "./diff.ts";
import { fileCommands, fileKind } from "./patch_commands.ts";
import { findSecrets } from "./secrets.ts";
import { globMatch } from "./shell_words.ts";
import { findUnsafeSql } from "./sql.ts";
import type { Finding, FullJudgement, Policy, Rule, Severity } from "./types.ts";

/** What the scanner needs from the engine. */
export interface ScanHost {
  /** The policy. */
  readonly policy: Policy;
  /** Judge a command and locate the deciding statement. */
  judgeWithPosition(commandLine: string): { judgement: FullJudgement; pos: number };
}

const CODE_FILE = /\.(?:[cm]?[jt]sx?|py)$/;

function _severity(r: Rule): Severity | null {
  if (r.severity) return r.severity;
  if (r.action === "allow") return null;
  return r.action === "warn" ? "warning" : "error";
}

function _inFiles(r: Rule, file: string): boolean {
  return !r.files || r.files.some((g) => globMatch(g, file) || globMatch(`**/${g}`, file));
}

/** Added text of many files joined, with a map from offsets back to lines. */
class _Joined {
  readonly parts: string[] = [];
  readonly starts: number[] = [];
  readonly files: string[] = [];
  readonly lines: number[] = [];
  #len = 0;
  add(file: string, l: DiffLine): void {
    this.starts.push(this.#len);
    this.files.push(file);
    this.lines.push(l.line);
    this.parts.push(l.text);
    this.#len += l.text.length + 1;
  }
  at(offset: number): { file: string; line: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.files[lo]!, line: this.lines[lo]! };
  }
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
  const isDiff = looksLikeDiff(text);
  const files: DiffFile[] = isDiff ? parseDiff(text) : [_plain(text, filename ?? "<text>")];
  const rules = host.policy.rules;
  const out: Finding[] = [];
  const push = (r: Rule, file: string, line: number, message: string) => {
    const severity = _severity(r);
    if (severity) out.push({ rule: r.id, category: r.category, file, line, message, severity });
  };

  const secretRules = rules.filter((r) => r.match.secret);
  const patternRules = rules.filter((r) => r.match.pattern);
  const joined = new _Joined();
  for (const f of files) {
    const path = f.newPath ?? f.oldPath ?? "<unknown>";
    for (const l of f.lines) if (l.added) joined.add(path, l);
  }
  const all = joined.parts.join("\n");
  if (secretRules.length) {
    const byDetector = new Map(secretRules.map((r) => [r.match.secret!, r]));
    for (const h of findSecrets(all, [...byDetector.keys()])) {
      const r = byDetector.get(h.detector)!;
      const at = joined.at(h.start);
      if (_inFiles(r, at.file)) push(r, at.file, at.line, `${r.message} (${h.detector})`);
    }
  }
  for (const r of patternRules) {
    const re = new RegExp(r.match.pattern!, "gm");
    for (const m of all.matchAll(re)) {
      const at = joined.at(m.index!);
      if (_inFiles(r, at.file)) push(r, at.file, at.line, r.message);
      if (m[0] === "") re.lastIndex++;
    }
  }

  const sqlRules = rules.filter((r) => r.match.sql);
  const pathRules = rules.filter((r) => r.match.path);
  for (const f of files) {
    const path = f.newPath ?? f.oldPath ?? "<unknown>";
    const firstAdded = f.lines.find((l) => l.added)?.line ?? f.firstLine;
    if (isDiff) {
      for (const r of pathRules) {
        const hit = [f.newPath, f.oldPath].find((p) =>
          p !== null && r.match.path!.some((g) => globMatch(g, p))
        );
        if (hit) push(r, path, firstAdded, `${r.message}: "${hit}"`);
      }
    }
    if (!f.lines.some((l) => l.added)) continue;
    if (sqlRules.length && (CODE_FILE.test(path) || path === "<text>")) {
      const src = f.lines.some((l) => l.added && _maybeQuery(l.text)) ? f.lines.map((l) => l.text).join("\n") : "";
      const ranges: Array<[number, number]> = [];
      const lineStarts: number[] = [];
      let off = 0;
      for (const l of src ? f.lines : []) {
        lineStarts.push(off);
        if (l.added) ranges.push([off, off + l.text.length]);
        off += l.text.length + 1;
      }
      for (const s of findUnsafeSql(src, ranges)) {
        const idx = _bisect(lineStarts, s.offset);
        const l = f.lines[idx]!;
        if (!l.added) continue;
        for (const r of sqlRules) if (_inFiles(r, path)) push(r, path, l.line, `${r.message} (${s.reason})`);
      }
    }
    const kind = fileKind(path, f.lines[0]?.line === 1 ? f.lines[0].text : undefined);
    if (kind) {
      for (const c of fileCommands(kind, f.lines, f.hunkContexts)) {
        const { judgement } = host.judgeWithPosition(c.text);
        if (judgement.allowed || !judgement.rule) continue;
        const r = rules.find((x) => x.id === judgement.rule);
        const sev: Severity = judgement.action === "warn" ? "warning" : "error";
        out.push({
          rule: judgement.rule,
          category: judgement.category ?? r?.category ?? "shell",
          file: path,
          line: c.line,
          message: `Command in ${kind} refused: ${judgement.message}`,
          severity: r?.severity ?? sev,
        });
      }
    }
  }
  out.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : 1)
  );
  return out;
}

function _plain(text: string, name: string): DiffFile {
  const lines: DiffLine[] = text.split("\n").map((t, i) => ({
    line: i + 1,
    text: t.replace(/\r$/, ""),
    added: true,
  }));
  if (lines.length > 1 && lines[lines.length - 1]!.text === "" && text.endsWith("\n")) lines.pop();
  return { oldPath: name, newPath: name, lines, firstLine: 1, hunkContexts: [] };
}

function _maybeQuery(line: string): boolean {
  return line.includes("(") && /(?:query|execute|exec|raw|Raw|unsafe|Unsafe|prepare|text|many|script)\s*\(/.test(line);
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
