/**
 * `policy scan` on a file of any size: the input is read as a byte stream
 * and scanned line by line, with the findings of {@link scanText} on the
 * whole text, in the same order.
 *
 * - Plain text: the joined-line checks (secrets, user patterns) run on a
 *   sliding window (_scan_joined.ts), the content checks on the lines as
 *   they pass (_scan_content.ts).
 * - A diff (one that starts with its headers, as `git diff` writes it) is
 *   filtered and parsed one line at a time (patch/), and each file
 *   section is scanned by the whole-file code as soon as it ends and its
 *   lines are through the window. A section larger than `fileCap` is not
 *   held: its content checks stream, and when it needs a whole-file
 *   reading after all (a script, a query call with a built argument, a
 *   package-manager config, hunks out of order) it is read again on its
 *   own in a second pass.
 * - The rest is read whole, as before: inputs under `wholeBelow`, diffs
 *   inside prose or fences (a model's reply), texts that do not parse as
 *   the diff they look like, plain text that names a script or calls a
 *   query function (those checks read the whole file).
 *
 * @module
 */

import {
  DiffLineFilter,
  type FilePatch,
  isBareDiffStart,
  looksLikeDiff,
  newSideLines,
  PatchParser,
  type PatchSink,
} from "../patch/patch.ts";
import { ContentStream } from "./_scan_content.ts";
import { type JoinedLine, JoinedScanner } from "./_scan_joined.ts";
import { CONTENT_RULES } from "./content_flags.ts";
import { fileKind } from "./patch_commands.ts";
import {
  _inFiles,
  _Out,
  _pathsNeedHunks,
  _scanFile,
  _scanPaths,
  _sort,
  CODE_FILE,
  type ScanHost,
  scanText,
} from "./scan.ts";
import { hasQueryCall, QueryCallWatch } from "./sql.ts";
import type { Finding } from "./types.ts";

/** A file to scan, readable more than once. */
export interface ScanSource {
  /** The file. */
  path: string;
  /**
   * Drop a leading byte order mark, as reading standard input does;
   * `Deno.readTextFile` keeps it. @default false
   */
  stripBom?: boolean;
}

/** Options of {@link scanSource}. */
export interface StreamScanOptions {
  /** The name of plain text (selects file-specific checks). */
  filename?: string;
  /** Inputs up to this many bytes are read whole. @default 4194304 */
  wholeBelow?: number;
  /** Characters per step of the joined-line window. @default 65536 */
  chunkChars?: number;
  /** Characters of look-ahead and look-behind of that window. @default 16384 */
  marginChars?: number;
  /** Characters of one diff file section held for the whole-file checks. @default 262144 */
  fileCap?: number;
  /**
   * Keep the text of each finding's line while a diff is read (for SARIF
   * fingerprints), so {@link streamedLineTexts} need not read it again.
   * @default false
   */
  lineTexts?: boolean;
}

/** What {@link scanSource} found and how it read the input. */
export interface StreamScan {
  /** Findings in file and line order, as {@link scanText} gives them. */
  findings: Finding[];
  /** `whole`: read into one string; `diff`, `plain`: streamed as that. */
  mode: "whole" | "diff" | "plain";
  /**
   * With `lineTexts`, when the pass saw every finding's line: what
   * {@link streamedLineTexts} would give.
   */
  lineText?: (file: string, line: number) => string | undefined;
}

class _Stop extends Error {}

/** Bytes read at a time. */
const _READ = 65536;
/** Bytes decoded at a time: small pieces keep what a scavenge must copy small. */
const _PIECE = 16384;

/**
 * Read a file's decoded text in pieces (a multi-byte character is never
 * split; an incomplete one at the end decodes to U+FFFD, as a whole read
 * does).
 */
async function _pieces(
  src: ScanSource,
  each: (piece: string) => boolean | void,
): Promise<void> {
  using file = await Deno.open(src.path);
  const decoder = new TextDecoder("utf-8", { ignoreBOM: src.stripBom !== true });
  const buf = new Uint8Array(_READ);
  for (;;) {
    const n = await file.read(buf);
    if (n === null) break;
    for (let at = 0; at < n; at += _PIECE) {
      const piece = decoder.decode(buf.subarray(at, Math.min(n, at + _PIECE)), { stream: true });
      if (piece !== "" && each(piece) === false) return;
    }
  }
  const rest = decoder.decode();
  if (rest !== "") each(rest);
}

/**
 * Read a file as `text.split("\n")` would cut it: each segment, and
 * whether a `\n` followed it (the last segment, possibly empty, has none).
 */
export async function _segments(
  src: ScanSource,
  each: (segment: string, newline: boolean) => void,
): Promise<void> {
  // Lines are cut from each piece as it is; only the line that spans two
  // pieces is joined (joining carry and piece first would copy every piece).
  let carry = "";
  await _pieces(src, (piece) => {
    let nl = piece.indexOf("\n");
    if (nl < 0) {
      carry += piece;
      return;
    }
    each(carry + piece.slice(0, nl), true);
    let from = nl + 1;
    for (nl = piece.indexOf("\n", from); nl >= 0; nl = piece.indexOf("\n", from)) {
      each(piece.slice(from, nl), true);
      from = nl + 1;
    }
    carry = piece.slice(from);
  });
  each(carry, false);
}

/** The whole decoded text (the fallback, and inputs under `wholeBelow`). */
async function _whole(src: ScanSource): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: src.stripBom !== true })
    .decode(await Deno.readFile(src.path));
}

/**
 * Scan a file (a diff or a text) as {@link scanText} scans its text,
 * reading it as a stream (see the module documentation for when it is
 * read whole instead).
 *
 * @param host The engine.
 * @param src The file.
 * @param options The plain text's name, and the window and cap sizes.
 * @returns The findings and how the input was read.
 */
export async function scanSource(
  host: ScanHost,
  src: ScanSource,
  options: StreamScanOptions = {},
): Promise<StreamScan> {
  const name = options.filename ?? "<text>";
  const whole = async (): Promise<StreamScan> => ({
    findings: scanText(host, await _whole(src), options.filename ? { filename: name } : {}),
    mode: "whole",
  });
  const size = (await Deno.stat(src.path)).size;
  if (size <= (options.wholeBelow ?? 4 << 20)) return await whole();
  let head = "";
  await _pieces(src, (piece) => {
    head += piece;
    return head.length < 65536;
  });
  if (looksLikeDiff(head)) {
    head = "";
    const texts = options.lineTexts ? new _LineTexts() : null;
    const diff = await _diffStream(host, src, options, texts);
    if (diff === null) return await whole();
    return {
      findings: diff,
      mode: "diff",
      ...(texts?.covers(diff) ? { lineText: texts.lookup() } : {}),
    };
  }
  head = "";
  const plain = await _plainStream(host, src, name, options);
  return plain === null ? await whole() : { findings: plain, mode: "plain" };
}

/** A plain text, streamed; null when a check needs the whole text. */
async function _plainStream(
  host: ScanHost,
  src: ScanSource,
  name: string,
  options: StreamScanOptions,
): Promise<Finding[] | null> {
  const rules = host.policy.rules;
  const joined = new JoinedScanner(host, {
    patterns: true,
    ...(options.chunkChars ? { chunkChars: options.chunkChars } : {}),
    ...(options.marginChars ? { marginChars: options.marginChars } : {}),
  });
  const contentRules = rules.filter((r) => CONTENT_RULES.has(r.id) && _inFiles(r, name));
  const content = new ContentStream(contentRules, "plain");
  const sqlRead = (CODE_FILE.test(name) || name === "<text>") &&
    rules.some((r) => r.match.sql && _inFiles(r, name));
  const calls = sqlRead ? new QueryCallWatch() : null;
  let n = 0;
  try {
    await _segments(src, (segment, newline) => {
      // `split("\n")` ends with the text after the last line break: a
      // line of its own unless it is empty.
      if (!newline && segment === "" && n > 0) return;
      const text = segment.endsWith("\r") ? segment.slice(0, -1) : segment;
      n++;
      // A script (by name or shebang) is judged statement by statement on the whole text.
      if (n === 1 && fileKind(name, text) !== null) throw new _Stop();
      joined.push({ text, file: name, line: n, owner: 0 });
      content.push(n, text);
      if (calls) {
        calls.push(text);
        if (calls.seen) throw new _Stop(); // the SQL reading needs the whole file
      }
    });
  } catch (e) {
    if (e instanceof _Stop) return null;
    throw e;
  }
  joined.end();
  const flags = content.end();
  if (flags === null) return null;
  const out = new _Out();
  for (const { rule, flags: list } of flags) {
    for (const f of list) out.add(rule, name, f.line, `${rule.message}: ${f.detail}`);
  }
  return _sort([
    ...joined.secrets.list,
    ...joined.patterns.flatMap((o) => o.list),
    ...out.list,
  ]);
}

/**
 * The text of each finding's line of a diff, kept as the findings are made.
 * It stands for {@link streamedLineTexts} only when every finding's line
 * was seen and no file name is given by two sections (the reread keeps the
 * last section's lines for a name, which the order of findings here need
 * not follow).
 */
class _LineTexts {
  readonly #byFile = new Map<string, Map<number, string>>();
  /** Section of each name (new and old path). */
  readonly #sectionOf = new Map<string, number>();
  #ambiguous = false;

  set(file: string, line: number, text: string): void {
    let m = this.#byFile.get(file);
    if (!m) this.#byFile.set(file, m = new Map());
    if (!m.has(line)) m.set(line, _own(text));
  }

  /** A hunk that starts before the last one ended: a line number may come twice. */
  repeats(): void {
    this.#ambiguous = true;
  }

  /** A section's names: a name two sections give makes the texts unusable. */
  names(k: number, fp: FilePatch): void {
    for (const n of [fp.newPath, fp.oldPath]) {
      if (n === null) continue;
      const other = this.#sectionOf.get(n);
      if (other !== undefined && other !== k) this.#ambiguous = true;
      this.#sectionOf.set(n, k);
    }
  }

  /** A section's findings, from its held lines. */
  fromLines(out: readonly Finding[], fp: FilePatch): void {
    if (out.length === 0) return;
    const want = new Set(out.map((f) => f.line));
    for (const l of newSideLines(fp)) if (want.has(l.line)) this.set(_pathOf(fp), l.line, l.text);
  }

  covers(findings: readonly Finding[]): boolean {
    return !this.#ambiguous && findings.every((f) => this.#byFile.get(f.file)?.has(f.line));
  }

  lookup(): (file: string, line: number) => string | undefined {
    return (file, line) => this.#byFile.get(file)?.get(line);
  }
}

/** One file section of a streamed diff. */
interface _File {
  k: number;
  fp: FilePatch;
  path: string;
  /** Whether its hunks are held (false past the cap: its content checks stream). */
  held: boolean;
  chars: number;
  firstLine: number | undefined;
  firstText: string | undefined;
  added: number;
  next: number;
  content: ContentStream | null;
  ended: boolean;
  /** A code file, whose query calls the window may report. */
  code: boolean;
  /**
   * Whether an added line has a query call: only then can the window
   * report one in this section, so only then does finishing it wait for
   * the window to pass it.
   */
  mayQuery: boolean;
}

const _pathOf = (fp: FilePatch) => fp.newPath ?? fp.oldPath ?? "<unknown>";

/**
 * Feed a diff's lines through the same filter and parser `extractDiff` and
 * `parsePatch` use, as they would see the extracted text. Returns false
 * when the text is not a bare diff or keeps no hunk (the whole-text path
 * then decides).
 */
async function _parseStream(src: ScanSource, sink: PatchSink): Promise<boolean> {
  const parser = new PatchParser(sink);
  // extractDiff's output is joined with "\n" and split again: one more "\r" goes.
  const filter = new DiffLineFilter((l) => parser.push(l.endsWith("\r") ? l.slice(0, -1) : l));
  let lead: string[] | null = [];
  let firstAt = -1;
  const decide = (): boolean => {
    const lines = lead!;
    lead = null;
    if (!isBareDiffStart(lines[firstAt] ?? "", lines[firstAt + 1])) return false;
    for (const l of lines) filter.push(l);
    return true;
  };
  let bare = true;
  try {
    await _segments(src, (segment, newline) => {
      if (!newline && segment === "") return;
      const line = newline && segment.endsWith("\r") ? segment.slice(0, -1) : segment;
      if (lead !== null) {
        lead.push(line);
        if (firstAt < 0 && line.trim() !== "") firstAt = lead.length - 1;
        if (firstAt >= 0 && lead.length > firstAt + 1 && !(bare = decide())) throw new _Stop();
        return;
      }
      filter.push(line);
    });
    if (lead !== null) bare = decide();
    if (!bare) return false;
    filter.end();
    if (!filter.sawMarker) return false;
    parser.end();
    return parser.files > 0;
  } catch (e) {
    // Not a bare diff, or one the parser refuses: the whole-text path decides.
    if (e instanceof _Stop || e instanceof SyntaxError) return false;
    throw e;
  }
}

/** A bare diff, streamed; null when the whole-text path must decide. */
async function _diffStream(
  host: ScanHost,
  src: ScanSource,
  options: StreamScanOptions,
  texts: _LineTexts | null = null,
): Promise<Finding[] | null> {
  const cap = options.fileCap ?? 1 << 18;
  const sqlOwners = new Set<number>();
  const joined = new JoinedScanner(host, {
    patterns: true,
    onQueryCall: (l) => {
      if (CODE_FILE.test(l.file)) sqlOwners.add(l.owner);
    },
    ...(texts ? { onFindingLine: (l: JoinedLine) => texts.set(l.file, l.line, l.text) } : {}),
    ...(options.chunkChars ? { chunkChars: options.chunkChars } : {}),
    ...(options.marginChars ? { marginChars: options.marginChars } : {}),
  });
  const slots: Finding[][] = [];
  const again = new Set<number>();
  const files: _File[] = [];
  const queue: _File[] = [];
  let count = 0;

  const contentRules = host.policy.rules.filter((r) => CONTENT_RULES.has(r.id));
  const contentOf = (f: _File) =>
    new ContentStream(
      contentRules.filter((r) => _inFiles(r, f.path)),
      "diff",
      () => newSideLines(f.fp).filter((l) => l.added),
    );
  const finalize = (f: _File) => {
    const out = new _Out();
    const kind = fileKind(f.path, f.firstLine === 1 ? f.firstText : undefined);
    const flags = f.content ? f.content.end() : [];
    f.content = null;
    const whole = _pathsNeedHunks(host, f.fp) ||
      (f.added > 0 && (kind !== null || sqlOwners.has(f.k) || flags === null));
    if (whole && f.held) {
      _scanFile(host, f.fp, undefined, sqlOwners.has(f.k) ? new Set([f.fp]) : new Set(), out);
      texts?.fromLines(out.list, f.fp);
    } else if (whole) {
      again.add(f.k);
      return;
    } else {
      // Paths, then the streamed content checks: what _scanFile gives a
      // file that is no script and needs no SQL reading.
      _scanPaths(host, f.fp, f.firstLine ?? 1, undefined, out);
      if (f.added > 0) {
        for (const { rule, flags: list } of flags!) {
          for (const x of list) out.add(rule, f.path, x.line, `${rule.message}: ${x.detail}`);
        }
      }
      if (texts) {
        // Held: any line; past the cap only the first one is known (the
        // rest then comes from a second reading).
        if (f.held) texts.fromLines(out.list, f.fp);
        else if (f.firstLine !== undefined) texts.set(f.path, f.firstLine, f.firstText ?? "");
      }
    }
    slots[f.k] = out.list;
    f.fp.hunks = [];
  };
  const drain = () => {
    const h = joined.horizon;
    let w = 0;
    for (const f of queue) {
      if (f.ended && (f.k < h || !f.mayQuery)) finalize(f);
      else queue[w++] = f;
    }
    queue.length = w;
  };
  const sink: PatchSink = {
    file(fp) {
      const f: _File = {
        k: count++,
        fp,
        path: "<unknown>",
        held: true,
        chars: 0,
        firstLine: undefined,
        firstText: undefined,
        added: 0,
        next: 1,
        content: null,
        ended: false,
        code: false,
        mayQuery: false,
      };
      files.push(f);
      queue.push(f);
    },
    hunk(fp, hunk) {
      const f = files[files.length - 1]!;
      f.path = _pathOf(fp);
      f.code = CODE_FILE.test(f.path);
      const start = Math.max(hunk.header?.newStart ?? 1, 1);
      // The reread keeps the last text of a line number that comes twice.
      if (start < f.next) texts?.repeats();
      f.next = start;
      f.content ??= contentOf(f);
      if (!f.held) fp.hunks.length = 0;
    },
    line(_fp, hunk, l) {
      const f = files[files.length - 1]!;
      if (l.kind !== "-") {
        const line = f.next++;
        if (f.firstLine === undefined) {
          f.firstLine = line;
          f.firstText = l.text;
        }
        if (l.kind === "+") {
          f.added++;
          if (f.code && !f.mayQuery) f.mayQuery = hasQueryCall(l.text);
          joined.push({ text: l.text, file: f.path, line, owner: f.k });
          f.content!.push(line, l.text);
        }
      }
      if (!f.held) {
        hunk.lines.length = 0;
        return;
      }
      f.chars += l.text.length + 16;
      if (f.chars > cap) {
        // Too large to hold: a whole-file reading, if one is needed, reads it again.
        f.held = false;
        f.content?.detach();
        for (const h of f.fp.hunks) h.lines.length = 0;
        f.fp.hunks.length = 0;
      }
    },
    end(fp) {
      const f = files[files.length - 1]!;
      f.path = _pathOf(fp);
      f.ended = true;
      texts?.names(f.k, fp);
      files.length = 0; // only the current section is looked up
      drain();
    },
    keepLines: () => files[files.length - 1]?.held ?? true,
  };
  if (!await _parseStream(src, sink)) return null;
  joined.end();
  drain();

  if (again.size > 0) {
    // Sections too large to hold that need a whole-file reading: a second
    // pass holds each of them in turn.
    let k = -1;
    const ok = await _parseStream(src, {
      file: () => void k++,
      hunk(fp) {
        if (!again.has(k)) fp.hunks.length = 0;
      },
      line(_fp, hunk) {
        if (!again.has(k)) hunk.lines.length = 0;
      },
      keepLines: () => again.has(k),
      end(fp) {
        if (!again.has(k)) return;
        const out = new _Out();
        _scanFile(host, fp, undefined, sqlOwners.has(k) ? new Set([fp]) : new Set(), out);
        texts?.fromLines(out.list, fp);
        slots[k] = out.list;
        fp.hunks = [];
      },
    });
    if (!ok) throw new Error("The diff read differently the second time");
  }
  return _sort([
    ...joined.secrets.list,
    ...joined.patterns.flatMap((o) => o.list),
    ...slots.flat(),
  ]);
}

/**
 * A copy of a line that does not keep the 16 KiB piece of text it was cut
 * from alive (a cut string points into its source; thousands of kept lines
 * kept thousands of pieces: 70 MB for the SARIF of a 50 MB diff).
 */
const _own = (s: string): string => JSON.parse(JSON.stringify(s));

/**
 * The text of each finding's line, for SARIF fingerprints, read from a
 * streamed input without holding it: the new file's line for a diff, the
 * scanned text's line otherwise (as `text.split("\n")` gives it).
 *
 * @param src The file scanned.
 * @param scan What {@link scanSource} returned (not for `whole`).
 * @returns A lookup by file and line.
 */
export async function streamedLineTexts(
  src: ScanSource,
  scan: StreamScan,
): Promise<(file: string, line: number) => string | undefined> {
  const wanted = new Map<string, Set<number>>();
  for (const f of scan.findings) {
    let s = wanted.get(f.file);
    if (!s) wanted.set(f.file, s = new Set());
    s.add(f.line);
  }
  if (scan.mode === "plain") {
    const texts = new Map<number, string>();
    const want = new Set(scan.findings.map((f) => f.line));
    let n = 0;
    await _segments(src, (segment) => {
      n++;
      if (want.has(n)) texts.set(n, _own(segment));
    });
    return (_file, line) => texts.get(line);
  }
  const byFile = new Map<string, Map<number, string>>();
  let cur: Map<number, string> | null = null;
  let next = 1;
  // The wanted lines of the current section under either of its names (none: skip it).
  let want: Array<Set<number>> = [];
  await _parseStream(src, {
    hunk(fp, hunk) {
      want = [fp.newPath, fp.oldPath].flatMap((n) => (n !== null && wanted.get(n)) || []);
      cur ??= new Map();
      next = Math.max(hunk.header?.newStart ?? 1, 1);
      fp.hunks.length = 0;
    },
    keepLines: () => false,
    line(_fp, _hunk, l) {
      if (l.kind === "-") return;
      const line = next++;
      if (want.length && want.some((s) => s.has(line))) cur!.set(line, _own(l.text));
    },
    end(fp) {
      // A later section of the same name replaces an earlier one, as a Map fill does.
      const lines = cur ?? new Map<number, string>();
      for (const n of [fp.newPath, fp.oldPath]) if (n) byFile.set(n, lines);
      cur = null;
    },
  });
  return (file, line) => byFile.get(file)?.get(line);
}
