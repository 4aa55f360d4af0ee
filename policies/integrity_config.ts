/**
 * Reading configuration hunks for the integrity check: which key a line of
 * a JSON, YAML, TOML or INI file belongs to (so an entry added to an
 * `ignore` or `exclude` list is seen as one), and pairs of a removed and an
 * added line that differ only in their numbers (a threshold lowered, a retry
 * count raised).
 *
 * @module
 */

/** One line of one side of a hunk with its position. */
export interface SideLine {
  /** The text without the diff marker. */
  text: string;
  /** Whether the patch adds (new side) or removes (old side) it; false for context. */
  changed: boolean;
  /** 1-based line in the new file (for findings). */
  line: number;
}

const INLINE_LIST = /["']?([\w.-]+)["']?\s*[:=]\s*\[([^\]]*)\]/g;
const KEY_LINE = /^\s*-?\s*["']?([\w.@/*-]+)["']?\s*[:=](?!=)\s*(.*)$/;

function _indent(s: string): number {
  return /^\s*/.exec(s)![0].length;
}

function _brackets(s: string): number {
  const bare = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "").replace(/\s(?:#|\/\/).*$/, "");
  let d = 0;
  for (const c of bare) {
    if (c === "[" || c === "{") d++;
    else if (c === "]" || c === "}") d--;
  }
  return d;
}

/**
 * Tracks the innermost key of a structured config file, line by line: a key
 * whose value opens a bracket owns the lines until it closes; a key with an
 * empty value owns the more-indented lines that follow (YAML and INI lists).
 */
export class KeyTracker {
  #level = 0;
  #stack: { key: string; level: number }[] = [];
  #open: { key: string; indent: number } | null = null;
  readonly #lists: RegExp;

  /**
   * @param lists Keys whose more-indented lines are list entries even when they look like keys
   * (`per-file-ignores =` followed by `tests/*: S101`).
   */
  constructor(lists: RegExp) {
    this.#lists = lists;
  }

  /**
   * Feed one line.
   *
   * @param text The line.
   * @returns The key it belongs to (its own key for a `key: value` line), or null.
   */
  /** The current TOML/INI section's last segment (`[lint.per-file-ignores]`), or null. */
  section: string | null = null;

  feed(text: string): { key: string | null; own: boolean } {
    const header = /^\s*\[\[?\s*([\w.\-"]+)\s*\]\]?\s*$/.exec(text);
    if (header && this.#level === 0) {
      this.section = header[1]!.replace(/"/g, "").split(".").pop()!;
      this.#open = null;
      return { key: null, own: false };
    }
    if (text.trim() === "" || /^\s*(?:#|\/\/|;)/.test(text)) {
      return { key: this.#open?.key ?? this.#stack.at(-1)?.key ?? null, own: false };
    }
    const indent = _indent(text);
    if (this.#open && indent <= this.#open.indent) this.#open = null;
    const delta = _brackets(text);
    const m = KEY_LINE.exec(text);
    const inList = this.#open !== null && this.#lists.test(this.#open.key);
    let out: { key: string | null; own: boolean };
    if (m && !inList) {
      const key = m[1]!;
      out = { key, own: true };
      if (delta > 0) this.#stack.push({ key, level: this.#level + delta });
      else if (m[2]!.trim() === "") this.#open = { key, indent };
    } else {
      out = { key: this.#open?.key ?? this.#stack.at(-1)?.key ?? null, own: false };
    }
    this.#level += delta;
    while (this.#stack.length && this.#level < this.#stack.at(-1)!.level) this.#stack.pop();
    return out;
  }
}

/**
 * The entries on a line of a list-valued key: quoted strings, or bare
 * comma- or space-separated words.
 *
 * @param text The line.
 * @param own Whether the line is the key's own line (entries follow the `:` or `=`).
 * @returns The entries.
 */
export function listEntries(text: string, own: boolean): string[] {
  let t = text.replace(/\s(?:#|\/\/).*$/, "");
  if (own) t = t.replace(KEY_LINE, "$2");
  const quoted = [...t.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)].map((m) =>
    (m[1] ?? m[2])!
  );
  if (quoted.length) return quoted;
  return t.split(/[\s,[\]{}]+/).map((w) => w.replace(/^-\s*/, "")).filter((w) =>
    w !== "" && w !== "-"
  );
}

/**
 * Entries that a patch adds to list-valued keys matching `keys`, net of the
 * entries it removes.
 *
 * @param oldSide Context and removed lines of every hunk, with the original's lines before the hunk as seed.
 * @param newSide Context and added lines, seeded the same way.
 * @param keys The list keys (ignore, exclude ...).
 * @returns Added entries with the key and line.
 */
export function grownLists(
  oldSide: SideLine[][],
  newSide: SideLine[][],
  keys: RegExp,
): { entry: string; key: string; line: number }[] {
  const collect = (sides: SideLine[][]) => {
    const out: { entry: string; key: string; line: number }[] = [];
    for (const side of sides) {
      const tracker = new KeyTracker(keys);
      for (const l of side) {
        const { key, own } = tracker.feed(l.text);
        if (!l.changed) continue;
        // Every line of a table that is itself the list (`[lint.per-file-ignores]`).
        if (tracker.section && keys.test(tracker.section) && l.text.trim()) {
          out.push({ entry: l.text.trim(), key: tracker.section, line: l.line });
          continue;
        }
        // Lists written inline (`"rules": { "exclude": ["a"] }`) name their own key.
        const inline = [...l.text.matchAll(INLINE_LIST)];
        if (inline.length) {
          for (const m of inline.filter((m) => keys.test(m[1]!))) {
            for (const entry of listEntries(m[2]!, false)) {
              out.push({ entry, key: m[1]!, line: l.line });
            }
          }
          continue;
        }
        if (!key || !keys.test(key)) continue;
        for (const entry of listEntries(l.text, own)) out.push({ entry, key, line: l.line });
      }
    }
    return out;
  };
  const removed = new Map<string, number>();
  for (const r of collect(oldSide)) removed.set(r.entry, (removed.get(r.entry) ?? 0) + 1);
  const grown: { entry: string; key: string; line: number }[] = [];
  for (const a of collect(newSide)) {
    const n = removed.get(a.entry) ?? 0;
    if (n > 0) removed.set(a.entry, n - 1);
    else grown.push(a);
  }
  return grown;
}

/**
 * The shape of a line with its numbers taken out, and the numbers.
 *
 * @param text The line.
 * @returns Shape and numbers.
 */
export function shapeOf(text: string): { shape: string; numbers: number[] } {
  const numbers: number[] = [];
  const shape = text.replace(/(?<![\w.])\d+(?:\.\d+)?(?![\w])/g, (n) => {
    numbers.push(Number(n));
    return "#";
  }).replace(/\s+/g, " ").trim();
  return { shape, numbers };
}

/**
 * Pairs of a removed and an added line of one hunk that differ only in
 * their numbers.
 *
 * @param removed Removed lines of the hunk.
 * @param added Added lines of the hunk.
 * @returns Each pair with the old and new numbers.
 */
export function numberPairs(
  removed: SideLine[],
  added: SideLine[],
): { before: number[]; after: number[]; text: string; line: number }[] {
  const used = new Set<number>();
  const out: { before: number[]; after: number[]; text: string; line: number }[] = [];
  for (const r of removed) {
    const a = shapeOf(r.text);
    if (a.numbers.length === 0) continue;
    const j = added.findIndex((x, k) => !used.has(k) && shapeOf(x.text).shape === a.shape);
    if (j < 0) continue;
    used.add(j);
    const b = added[j]!;
    out.push({ before: a.numbers, after: shapeOf(b.text).numbers, text: b.text, line: b.line });
  }
  return out;
}

const SEVERITY = /["']?([\w@/.-]+)["']?\s*:\s*\[?\s*(?:["'](off|warn|warning|error)["']|([012])\b)/;
const RANK: Record<string, number> = {
  off: 0,
  "0": 0,
  warn: 1,
  warning: 1,
  "1": 1,
  error: 2,
  "2": 2,
};

/**
 * ESLint rules whose severity a patch lowers (error to warn, anything to
 * off), and rules it adds already turned off.
 *
 * @param removed Removed lines of the config.
 * @param added Added lines of the config.
 * @returns Each rule with its new severity and line.
 */
export function loweredSeverities(
  removed: SideLine[],
  added: SideLine[],
): { rule: string; to: string; line: number }[] {
  const before = new Map<string, number>();
  for (const r of removed) {
    const m = SEVERITY.exec(r.text);
    if (m) before.set(m[1]!, RANK[m[2] ?? m[3]!]!);
  }
  const out: { rule: string; to: string; line: number }[] = [];
  for (const a of added) {
    const m = SEVERITY.exec(a.text);
    if (!m) continue;
    const to = m[2] ?? m[3]!;
    const was = before.get(m[1]!);
    if ((was !== undefined && RANK[to]! < was) || (was === undefined && RANK[to] === 0)) {
      out.push({ rule: m[1]!, to, line: a.line });
    }
  }
  return out;
}
