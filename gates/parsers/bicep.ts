/**
 * Bicep and ARM failures: the diagnostics of `bicep build` / `bicep lint` /
 * `az bicep build` (`main.bicep(12,5) : Error BCP037: …`, linter warnings
 * named by their rule), and the errors Azure Resource Manager returns to
 * `az deployment … validate / what-if / create` (`(InvalidTemplate) …` with
 * `Code:`, `Message:` and the `lineNumber`/`linePosition` of the template).
 *
 * Bicep warnings do not fail a build, so they are returned only when no
 * error is (a gate that failed with nothing but warnings failed on them).
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

/** `path(line,col) : Severity CODE: message [link]`, optionally behind az's `ERROR: `. */
const DIAGNOSTIC =
  /^(?:(?:ERROR|WARNING): )?(\S.*?\.(?:bicep|bicepparam))\((\d+),(\d+)\) : (Error|Warning|Info) ([\w-]+): (.*?)(?: \[https?:\/\/[^\]\s]+\])?$/;
/** `(Code) message` of az CLI errors raised from ARM responses. */
const ARM_HEAD = /^(?:ERROR: )?\(([A-Z][A-Za-z]+)\) (.+)$/;
/** Old az CLI shape: `ERROR: {"code": "InvalidTemplate", "message": "…"}`. */
const ARM_JSON = /^(?:ERROR: )?(\{\s*"(?:code|error)".*\})\s*$/;
const ARM_CODES =
  /^(?:Invalid\w*|\w*Template\w*|Deployment\w*|PreflightValidationCheckFailed|MissingRegistrationForType|NoRegisteredProviderFound|\w*AuthorizationFailed|LocationNotAvailableForResourceType|SkuNotAvailable|\w*QuotaExceeded|\w*AlreadyTaken|AccountNameInvalid|ResourceNotFound|ParentResourceNotFound|Conflict|BadRequest)$/;
const AZ_DEPLOYMENT =
  /\baz (?:deployment (?:group|sub|mg|tenant)|group deployment) (?:validate|what-if|create)\b/;
const TEMPLATE_FLAG = /\s(?:--template-file|-f)(?:=|\s+)(["']?)([^\s"']+)\1/;
/** Lines printed after the error by CI runners and shells. */
const ARM_AFTER = /^(?:Process completed with exit code|Script failed with exit code|##\[|\+ )/;
const AT_LINE = /at line '(\d+)' and column '(\d+)'/;
const AT_LINE_TEXT = / at line '\d+' and column '\d+'/g;

/** `bicep build` and linter diagnostics. */
function _bicepDiagnostics(
  gate: string,
  lines: readonly string[],
): { errors: Failure[]; warnings: Failure[] } {
  const errors: Failure[] = [];
  const warnings: Failure[] = [];
  for (const l of lines) {
    if (!l.includes(".bicep")) continue; // cheap gate before the regex
    const m = DIAGNOSTIC.exec(l.trimEnd());
    if (!m || m[4] === "Info") continue;
    const f = makeFailure(gate, "bicep", {
      file: m[1]!.replaceAll("\\", "/"),
      line: Number(m[2]),
      column: Number(m[3]),
      code: m[5],
      message: m[6]!,
      excerpt: l.replace(/^(?:ERROR|WARNING): /, ""),
    });
    (m[4] === "Error" ? errors : warnings).push(f);
  }
  return { errors, warnings };
}

/** The template file of an `az deployment …` command echoed in the output. */
function _templateFile(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    if (!AZ_DEPLOYMENT.test(l)) continue;
    const m = TEMPLATE_FLAG.exec(l);
    if (m) return m[2];
  }
  return undefined;
}

/** Where ARM says the template is wrong, from `Info: {…}` or the message. */
function _position(block: string): { line?: number; column?: number; path?: string } {
  const line = /"lineNumber":\s*(\d+)/.exec(block);
  const col = /"linePosition":\s*(\d+)/.exec(block);
  const path = /"path":\s*"([^"]*)"/.exec(block);
  const at = AT_LINE.exec(block);
  const out: { line?: number; column?: number; path?: string } = {};
  if (line && Number(line[1]) > 0) out.line = Number(line[1]);
  else if (at) out.line = Number(at[1]);
  if (col && Number(col[1]) > 0) out.column = Number(col[1]);
  else if (at) out.column = Number(at[2]);
  if (path?.[1]) out.path = path[1];
  return out;
}

/** ARM errors from `az deployment … validate / what-if / create`. */
function _armErrors(gate: string, lines: readonly string[]): Failure[] {
  const deploying = lines.some((l) => AZ_DEPLOYMENT.test(l));
  const template = _templateFile(lines);
  const out: Failure[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.includes("(") && !lines[i]!.includes("{")) continue; // cheap gate
    const l = lines[i]!.trimEnd();
    let code: string | undefined;
    let message: string | undefined;
    const head = ARM_HEAD.exec(l);
    const json = head ? null : ARM_JSON.exec(l);
    if (head && (ARM_CODES.test(head[1]!) || deploying)) {
      [code, message] = [head[1]!, head[2]!];
    } else if (json) {
      try {
        const doc = JSON.parse(json[1]!);
        const e = doc.error ?? doc;
        if (typeof e.code === "string" && typeof e.message === "string") {
          [code, message] = [e.code, e.message];
        }
      } catch {
        // Not JSON after all: some other tool's line.
      }
    }
    if (code === undefined || message === undefined) continue;
    // The block: `Code:`, `Message:`, `Target:`, `Additional Information:`,
    // `Info: {…}` and indented exception details, up to a blank line.
    let end = i;
    while (end + 1 < lines.length && end - i < 40 && lines[end + 1]!.trim() !== "") {
      const next = lines[end + 1]!;
      if (ARM_HEAD.test(next) || /^(?:ERROR|WARNING): /.test(next) || ARM_AFTER.test(next)) break;
      if (lines[end] === "}") break; // the end of the `Info: {…}` object
      end++;
    }
    const excerpt = excerptOf(lines, i, end);
    const precise = /^Message: (.+)$/m.exec(excerpt)?.[1];
    const pos = _position(excerpt);
    // ARM positions point into the JSON template it received: right for a
    // .json template, but a .bicep file was compiled first, so they do not
    // point into it.
    const jsonTemplate = template === undefined || !/\.bicep(?:param)?$/.test(template);
    out.push(makeFailure(gate, "bicep", {
      file: template,
      line: jsonTemplate ? pos.line : undefined,
      column: jsonTemplate ? pos.column : undefined,
      code,
      // The position is in line/column; left in the message it would change
      // the fingerprint whenever code above the error moves it.
      message: (precise ?? message).replace(AT_LINE_TEXT, "").trim() +
        (pos.path ? ` (at ${pos.path})` : ""),
      excerpt,
    }));
    i = end;
  }
  return out;
}

/** Parser for bicep and ARM deployment output. */
export const bicepParser: FailureParser = {
  family: "bicep",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const { errors, warnings } = _bicepDiagnostics(gate, lines);
    if (errors.length > 0) return errors;
    const arm = _armErrors(gate, lines);
    return arm.length > 0 ? arm : warnings;
  },
};
