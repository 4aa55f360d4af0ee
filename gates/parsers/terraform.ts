/**
 * Terraform (and OpenTofu) failures: the diagnostics of `validate`, `plan`
 * and `init` (boxed `╷ │ Error: …` with colours, plain with `-no-color`,
 * `validate -json` and the `-json` UI stream of `plan`), the files listed by
 * `terraform fmt -check`, and tflint issues (default and compact formats).
 *
 * Terraform warnings never fail a command, so only errors are returned;
 * tflint fails on warnings by default (`--minimum-failure-severity`), so its
 * warnings count, its notices do not.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureFields, type FailureParser, makeFailure } from "./_common.ts";

/** The ruler terraform draws left of a diagnostic when colours are on. */
const RULER = /^[╷│╵]\s?/;
const _SEVERITY = /Error|Warning|Notice/;
const SUMMARY = /^(Error|Warning|Notice): (.+)$/;
const LOCATION = /^\s+on (.+?) line (\d+)(?:, in (.+?))?:$/;
const SNIPPET = /^\s+(\d+): /;
const TFLINT_RULE = / \(([a-z][a-z0-9_]*)\)$/;
const TFLINT_COMPACT =
  /^(\S.*?):(\d+):(\d+): (Error|Warning|Notice) - (.+?)(?: \(([a-z][a-z0-9_]*)\))?$/;
const TF_FILE = /^(?:\.\/)?(?:[\w.@-]+\/)*[\w.@-]+\.(?:tf|tfvars|tftest\.hcl|tofu)$/;
/** Lines that show the output comes from terraform, tofu, terragrunt or tflint. */
const SIGNAL =
  /\b(?:terraform|tofu|terragrunt)(?:\s+-chdir=\S+)?\s+(?:init|validate|plan|apply|fmt|test)\b|^(?:Terraform|OpenTofu) v?\d|^Initializing (?:the backend|provider plugins|modules)|^Terraform (?:has|will|used)|\d+ issue\(s\) found:/;
/** Lines that are not terraform's: shell traces, prompts, CI commands. */
const FOREIGN = /^(?:\+{1,3} |\$ |> |##\[|::)/;
/** An echoed command that runs terraform in another directory. */
const CHDIR = /\b(?:terraform|tofu)\s+-chdir=(["']?)([^\s"']+)\1/;
const TFLINT_CHDIR = /\btflint\b.*?\s--chdir[=\s](["']?)([^\s"']+)\1/;
/** `cd infra && terraform …` echoed on one line. */
const CD = /(?:^|[\s;&(])cd\s+(["']?)([^\s"';&]+)\1\s*(?:&&|;)\s*(?:terraform|tofu|tflint)\b/;
const DIFF_LINE = /^(?:--- old\/|\+\+\+ new\/|@@ |[ +-]|$)/;
/** What CI wrappers (hashicorp/setup-terraform) and runners print after a failure. */
const WRAPPER = /^(?:Terraform|Process) (?:exited|completed) with (?:exit )?code \d+\.?$/;
const FMT_COMMAND = /\b(?:terraform|tofu)(?:\s+-chdir=\S+)?\s+fmt\b/;

/** Strip the ruler of the boxed format (and its trailing blanks). */
function _unbox(line: string): string {
  return line.replace(RULER, "");
}

/** The first paragraph of a diagnostic's detail, joined into one line. */
function _paragraph(lines: readonly string[], from: number, end: number): string {
  const out: string[] = [];
  let i = from;
  while (i <= end && _unbox(lines[i]!).trim() === "") i++;
  for (; i <= end; i++) {
    const t = _unbox(lines[i]!).trim();
    if (t === "" || SUMMARY.test(t) || /^Reference: /.test(t) || FOREIGN.test(t)) break;
    out.push(t);
  }
  return out.join(" ");
}

/** Cuts a long message at a word boundary. */
function _clip(text: string, max = 400): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(" ", max);
  return text.slice(0, cut > max / 2 ? cut : max) + " …";
}

/** One human-format diagnostic (terraform or tflint). */
interface _Diagnostic {
  severity: string;
  summary: string;
  start: number;
  end: number;
  boxed: boolean;
  file?: string;
  line?: number;
  context?: string;
  detail: string;
  reference: boolean;
}

/** Reads the diagnostic whose summary is at `i`; null when it is not one. */
function _diagnostic(lines: readonly string[], i: number): _Diagnostic | null {
  const raw = lines[i]!;
  const boxed = RULER.test(raw);
  const m = SUMMARY.exec(_unbox(raw).trimEnd());
  if (!m) return null;
  // The block ends at the closing ruler (boxed) or before the next summary.
  let end = i;
  for (let j = i + 1; j < lines.length && j - i < 40; j++) {
    const l = lines[j]!;
    if (boxed) {
      if (/^╵/.test(l)) {
        end = j;
        break;
      }
      if (!/^│/.test(l)) break;
      end = j;
      continue;
    }
    if (SUMMARY.test(l) || /^╷/.test(l)) break;
    end = j;
  }
  const d: _Diagnostic = {
    severity: m[1]!,
    summary: m[2]!.trim(),
    start: i,
    end,
    boxed,
    detail: "",
    reference: false,
  };
  let after = i + 1;
  for (let j = i + 1; j <= end && j - i <= 3; j++) {
    const loc = LOCATION.exec(_unbox(lines[j]!).trimEnd());
    if (!loc) continue;
    d.file = loc[1]!;
    d.line = Number(loc[2]);
    if (loc[3] !== undefined) d.context = loc[3];
    after = j + 1;
    while (after <= end && SNIPPET.test(_unbox(lines[after]!))) after++;
    break;
  }
  d.detail = _paragraph(lines, after, end);
  for (let j = after; j <= end; j++) {
    if (/^Reference: https?:\/\//.test(_unbox(lines[j]!).trim())) {
      d.reference = true;
      if (!boxed) end = j;
      break;
    }
  }
  // Plain blocks: cut after the first detail paragraph (a CI footer may follow).
  if (!boxed && !d.reference) {
    let j = after;
    while (j <= end && lines[j]!.trim() === "") j++;
    while (j <= end && lines[j]!.trim() !== "" && !FOREIGN.test(lines[j]!)) j++;
    end = Math.max(i, j - 1);
  }
  d.end = end;
  return d;
}

/** Diagnostics in the `-json` shapes: `validate -json` and the plan/apply UI stream. */
interface _JsonDiagnostic {
  severity?: string;
  summary?: string;
  detail?: string;
  range?: { filename?: string; start?: { line?: number; column?: number } };
  snippet?: { context?: string | null; code?: string };
}

/** A failure before its file is placed: where it was found and by which tool. */
interface _Found {
  at: number;
  tool: "terraform" | "tflint" | "terraform-fmt";
  fields: FailureFields;
}

/** The fields of one JSON diagnostic. */
function _fromJsonDiagnostic(d: _JsonDiagnostic): FailureFields {
  const file = d.range?.filename;
  const line = d.range?.start?.line;
  const summary = d.summary ?? "";
  const detail = (d.detail ?? "").replace(/\s+/g, " ").trim();
  const at = file
    ? `  on ${file} line ${line}${d.snippet?.context ? `, in ${d.snippet.context}` : ""}:\n`
    : "";
  const code = d.snippet?.code ? `  ${line}: ${d.snippet.code.split("\n")[0]}\n` : "";
  return {
    file,
    line,
    column: d.range?.start?.column,
    code: summary,
    message: _clip(detail ? `${summary}: ${detail}` : summary),
    excerpt: `Error: ${summary}\n\n${at}${code}\n${d.detail ?? ""}`.trimEnd(),
  };
}

/** `terraform validate -json` (one pretty-printed document). */
function _validateJson(lines: readonly string[]): _Found[] | undefined {
  const start = lines.findIndex((l, i) =>
    /^\{\s*$/.test(l) && /^\s*"format_version"/.test(lines[i + 1] ?? "")
  );
  if (start < 0) return undefined;
  let close = -1;
  for (let i = start + 1; i < lines.length; i++) {
    if (/^\}\s*$/.test(lines[i]!)) {
      close = i;
      break;
    }
  }
  if (close < 0) return undefined;
  try {
    const doc = JSON.parse(lines.slice(start, close + 1).join("\n"));
    if (!Array.isArray(doc?.diagnostics)) return undefined;
    return (doc.diagnostics as _JsonDiagnostic[])
      .filter((d) => d.severity === "error")
      .map((d) => ({ at: start, tool: "terraform", fields: _fromJsonDiagnostic(d) }));
  } catch {
    return undefined;
  }
}

/** The machine-readable UI stream (`plan -json`, `apply -json`): one object a line. */
function _uiStream(lines: readonly string[]): _Found[] {
  const out: _Found[] = [];
  lines.forEach((l, at) => {
    if (!l.startsWith('{"@level":"error"') || !l.includes('"type":"diagnostic"')) return;
    try {
      const d = JSON.parse(l)?.diagnostic as _JsonDiagnostic | undefined;
      if (d?.severity === "error") {
        out.push({ at, tool: "terraform", fields: _fromJsonDiagnostic(d) });
      }
    } catch {
      // A line cut by the log's length limit: the human form may still follow.
    }
  });
  return out;
}

/** tflint `--format compact`: `file:line:col: Severity - message (rule)`. */
function _tflintCompact(lines: readonly string[], i: number): _Found | null {
  const m = TFLINT_COMPACT.exec(lines[i]!);
  if (!m || m[4] === "Notice") return null;
  // `file:1:1: Error - …` is also golangci-lint's shape; tflint names .tf files or a rule.
  if (!/\.(?:tf|tfvars|hcl)$/.test(m[1]!) && m[6] === undefined) return null;
  return {
    at: i,
    tool: "tflint",
    fields: {
      file: m[1],
      line: Number(m[2]),
      column: Number(m[3]),
      code: m[6],
      message: m[5]!,
      excerpt: lines[i]!,
    },
  };
}

/** Files listed by `terraform fmt -check` (with `-diff`, the diff after each name). */
function _fmtCheck(lines: readonly string[]): _Found[] {
  const named = lines.findIndex((l) => FMT_COMMAND.test(l));
  const nonBlank = lines.filter((l) => l.trim() !== "");
  // Without the command in the output, only an output made of file names
  // (and -diff hunks) is fmt's: a bare "main.tf" line proves nothing else.
  const whole = nonBlank.length > 0 && nonBlank.some((l) => TF_FILE.test(l)) &&
    nonBlank.every((l) => TF_FILE.test(l) || DIFF_LINE.test(l));
  if (named < 0 && !whole) return [];
  const out: _Found[] = [];
  for (let i = whole ? 0 : named + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (!TF_FILE.test(l)) continue;
    let end = i;
    let first: number | undefined;
    while (end + 1 < lines.length && DIFF_LINE.test(lines[end + 1]!)) {
      end++;
      const h = /^@@ -(\d+)/.exec(lines[end]!);
      if (h && first === undefined) first = Number(h[1]);
    }
    out.push({
      at: i,
      tool: "terraform-fmt",
      fields: {
        file: l,
        line: first,
        message: `${l} is not formatted (terraform fmt would rewrite it)`,
        excerpt: excerptOf(lines, i, Math.min(end, i + 30)),
      },
    });
    i = end;
  }
  return out;
}

/** Human-format diagnostics of terraform and tflint, and tflint's compact lines. */
function _human(lines: readonly string[]): _Found[] {
  const out: _Found[] = [];
  let signal: boolean | undefined; // read only for a plain diagnostic without a location
  const hasSignal = () => (signal ??= lines.some((l) => SIGNAL.test(l)));
  const tflintRun = lines.some((l) => /^\d+ issue\(s\) found:$/.test(l.trim()));
  for (let i = 0; i < lines.length; i++) {
    // Every line these shapes start at names a severity: skip the rest unread.
    if (!_SEVERITY.test(lines[i]!)) continue;
    const compact = _tflintCompact(lines, i);
    if (compact) {
      out.push(compact);
      continue;
    }
    const d = _diagnostic(lines, i);
    if (!d) continue;
    const rule = TFLINT_RULE.exec(d.summary);
    const tflint = rule !== null && (d.reference || tflintRun);
    // A plain "Error: …" is terraform's only with a location, a ruler, or
    // terraform's own lines elsewhere in the output — and never a JS stack
    // or a CI wrapper's closing line.
    const foreign = /^\s+at /.test(lines[i + 1] ?? "") || WRAPPER.test(d.summary);
    if (!tflint && (foreign || (!d.boxed && d.file === undefined && !hasSignal()))) continue;
    if (d.severity === "Notice" || (!tflint && d.severity !== "Error")) {
      i = d.end;
      continue;
    }
    const summary = tflint ? d.summary.slice(0, rule!.index) : d.summary;
    out.push({
      at: i,
      tool: tflint ? "tflint" : "terraform",
      fields: {
        file: d.file,
        line: d.line,
        code: tflint ? rule![1] : summary,
        message: _clip(d.detail && !tflint ? `${summary}: ${d.detail}` : summary),
        excerpt: excerptOf(lines.slice(d.start, d.end + 1).map(_unbox), 0, d.end - d.start),
      },
    });
    i = d.end;
  }
  return out;
}

/**
 * Paths terraform prints are relative to its working directory: under
 * `terraform -chdir=infra …` (echoed by `set -x` or the CI step), `main.tf`
 * is `infra/main.tf` in the repository.
 */
function _place(lines: readonly string[], found: _Found[]): _Found[] {
  if (found.length === 0) return found;
  const dirs: Array<[number, string]> = [];
  lines.forEach((l, i) => {
    if (!l.includes("chdir") && !l.includes("cd ")) return;
    const m = CHDIR.exec(l) ?? TFLINT_CHDIR.exec(l) ?? CD.exec(l);
    if (m) dirs.push([i, m[2]!.replace(/^\.\//, "").replace(/\/+$/, "")]);
  });
  if (dirs.length === 0) return found;
  return found.map((f) => {
    const file = f.fields.file;
    const dir = dirs.findLast(([at]) => at < f.at)?.[1];
    if (!file || !dir || dir === "." || file.startsWith("/") || file.startsWith(dir + "/")) {
      return f;
    }
    return { ...f, fields: { ...f.fields, file: `${dir}/${file}` } };
  });
}

/** Parser for terraform, tofu, `terraform fmt -check` and tflint output. */
export const terraformParser: FailureParser = {
  family: "terraform",
  parse(gate: string, lines: readonly string[]): Failure[] {
    let found = _validateJson(lines);
    if (!found) {
      found = [..._uiStream(lines), ..._human(lines)];
      if (found.length === 0) found = _fmtCheck(lines);
    }
    return _place(lines, found).map((f) => makeFailure(gate, f.tool, f.fields));
  },
};
