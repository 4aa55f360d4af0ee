/**
 * Types shared by the tolerant patch applier: the parsed form of a unified
 * diff and the result of applying it.
 *
 * @module
 */

/** One line of a hunk body: context (" "), removed ("-") or added ("+"). */
export interface HunkLine {
  /** Context, removal or addition. */
  kind: " " | "-" | "+";
  /** The line's text, without its line ending. */
  text: string;
}

/** The numbers of a hunk header; any of them may be wrong in a model's diff. */
export interface HunkHeader {
  /** 1-based first line of the old side (0 for an empty old side). */
  oldStart: number;
  /** Old-side line count, null when the header omitted it (meaning 1). */
  oldLines: number | null;
  /** 1-based first line of the new side. */
  newStart: number;
  /** New-side line count, null when the header omitted it. */
  newLines: number | null;
}

/** One hunk: its header (null for a bare `@@ @@`) and its body. */
export interface Hunk {
  /** Parsed header numbers, or null when the header had none. */
  header: HunkHeader | null;
  /** The header line as written (for messages). */
  headerLine: string;
  /** The body lines in order. */
  lines: HunkLine[];
  /** The old side's last line had no final newline (`\ No newline at end of file`). */
  oldNoNewline: boolean;
  /** The new side's last line has no final newline. */
  newNoNewline: boolean;
}

/** The changes to one file. */
export interface FilePatch {
  /** Old path with any `a/` prefix removed, or null for `/dev/null` (a new file). */
  oldPath: string | null;
  /** New path with any `b/` prefix removed, or null for `/dev/null` (a deleted file). */
  newPath: string | null;
  /** What the patch does to the file. */
  kind: "modify" | "create" | "delete";
  /** The hunks in order. */
  hunks: Hunk[];
  /** True for `GIT binary patch` or `Binary files ... differ` (not appliable). */
  binary: boolean;
  /** True when git headers announced a rename or copy (not supported). */
  rename: boolean;
  /**
   * Every canonical path the section's headers name (`diff --git`, `---`,
   * `+++`, rename and copy lines), each also without a leftover `a/` or `b/`
   * prefix: the applier may write any of them, so the policy judges all.
   */
  names: string[];
  /** Why a path of this section is refused (absolute, outside, `.git`), or null. */
  refused: string | null;
}

/** How one hunk was located. */
export interface HunkPlacement {
  /** 1-based index of the hunk within its file. */
  index: number;
  /** The first strategy that located it. */
  strategy: "exact" | "offset" | "whitespace" | "fuzzy";
  /** 1-based line in the original file where the hunk's old side starts. */
  line: number;
}

/** The outcome for one file. */
export interface FileResult {
  /** Path relative to the working directory. */
  path: string;
  /** What happened (or would happen, with `check`). */
  status: "modified" | "created" | "deleted";
  /** Where each hunk went. */
  hunks: HunkPlacement[];
}

/** The outcome of {@link applyPatch}: every file applied, or none. */
export interface ApplyResult {
  /** True when every hunk of every file was located (and written, unless `check`). */
  ok: boolean;
  /** Per-file results; empty when `ok` is false. */
  files: FileResult[];
  /** Why nothing was applied: the file, the hunk and the reason. */
  error?: string;
}

/** Thrown by the in-memory applier when a hunk cannot be placed safely. */
export class PatchError extends Error {
  /** 1-based index of the failing hunk, or 0 when the file as a whole failed. */
  readonly hunk: number;
  /**
   * @param message What failed and why.
   * @param hunk 1-based hunk index, 0 for the file as a whole.
   */
  constructor(message: string, hunk = 0) {
    super(message);
    this.name = "PatchError";
    this.hunk = hunk;
  }
}
