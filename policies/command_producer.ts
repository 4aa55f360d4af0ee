/**
 * What a pipeline stage writes to its standard output: a download, a literal
 * text (`echo`, `printf`), a local file, a pass-through (`tee`, `cat`) or
 * output only known at run time. Shared by the stdin judge and the record of
 * files a line writes.
 *
 * @module
 */

import type { Command, CommandNode, Word } from "unbash";
import { type EvalWord, evalWord } from "./shell_words.ts";
import type { Scope } from "./types.ts";

const REMOTE = new Set([
  "curl",
  "wget",
  "fetch",
  "aria2c",
  "http",
  "https",
  "xh",
  "lwp-request",
  "GET",
  "iwr",
  "irm",
  "Invoke-WebRequest",
  "Invoke-RestMethod",
  "nc",
  "ncat",
  "socat",
  "ssh",
  "scp",
]); // deno-fmt-ignore
const PASSTHROUGH = new Set(["tee", "cat", "head", "tail", "dos2unix", "sponge"]);
/** What a pipeline stage produces. */
export type Producer =
  | { kind: "remote"; name: string }
  | { kind: "literal"; text: string }
  | { kind: "file" }
  | { kind: "pass" }
  | { kind: "other"; name: string };

/**
 * What the stages before `index` of a pipeline feed to stage `index`
 * (pass-through stages are looked through).
 *
 * @param stages The pipeline's stages.
 * @param index The reading stage.
 * @param scope The walk scope.
 * @returns The producer.
 */
export function pipeProducer(
  stages: readonly CommandNode[],
  index: number,
  scope: Scope,
): Producer {
  for (let k = index - 1; k >= 0; k--) {
    const p = producerOf(stages[k]!, scope);
    if (p.kind !== "pass") return p;
  }
  return { kind: "other", name: "nothing" };
}

/**
 * Classify what a pipeline stage writes: a download, a literal text, a local
 * file, a pass-through (`tee`, `cat` without files) or anything else.
 *
 * @param node The stage.
 * @param scope The walk scope.
 * @returns Its kind.
 */
export function producerOf(node: CommandNode | { type: string }, scope: Scope): Producer {
  if (node.type === "Pipeline") {
    const stages = (node as unknown as { commands: readonly CommandNode[] }).commands;
    return pipeProducer(stages, stages.length, scope);
  }
  if (node.type !== "Command") return { kind: "other", name: "a compound command" };
  if (!(node as Command).name) return { kind: "other", name: "an assignment" };
  const words = stageWords(node as Command, scope);
  const first = words[0];
  if (!first || !first.resolved) return { kind: "other", name: first?.text ?? "nothing" };
  const name = _base(first.values[0] ?? "");
  if (REMOTE.has(name)) return { kind: "remote", name };
  const rest = words.slice(1);
  if (name === "printf" && rest.every((w) => w.resolved)) {
    const text = _printf(rest.map((w) => w.values[0] ?? ""));
    return text === null ? { kind: "other", name } : { kind: "literal", text: decodeEscapes(text) };
  }
  if ((name === "echo" || name === "printf") && rest.every((w) => w.resolved)) {
    const vals = rest.map((w) => w.values[0] ?? "").filter((x, i) =>
      !(name === "echo" && i === 0 && /^-[neE]+$/.test(x))
    );
    // `echo -e '\x72\x6d ...' | sh`: dash's echo decodes escapes even without -e.
    return { kind: "literal", text: decodeEscapes(vals.join(" ")) };
  }
  if (PASSTHROUGH.has(name)) {
    const files = rest.filter((w) => !(w.values[0] ?? "").startsWith("-"));
    if (files.length === 0 || name === "tee") return { kind: "pass" };
    return files.every((w) => w.resolved) ? { kind: "file" } : { kind: "other", name };
  }
  return { kind: "other", name };
}

const WRAPPED = ["sudo", "env", "timeout", "nice", "nohup", "command", "exec", "time", "stdbuf"];

/**
 * The words of a pipeline stage after the common wrappers (`sudo`, `env`,
 * `timeout`, ...) in front of the program that produces its output.
 *
 * @param c The stage.
 * @param scope The walk scope.
 * @returns Program and arguments, evaluated.
 */
export function stageWords(c: Command, scope: Scope): EvalWord[] {
  if (!c.name) return [];
  let words = [c.name, ...c.suffix.filter((s) => s.type === "Word")].map((w) =>
    evalWord(w as Word, scope.vars)
  );
  for (let guard = 0; guard < 6 && words.length; guard++) {
    const n = _base(words[0]!.values[0] ?? "");
    if (!WRAPPED.includes(n)) break;
    let rest = words.slice(1);
    while (
      rest.length &&
      (/^-|=/.test(rest[0]!.values[0] ?? "") || /^\d+[smhd]?$/.test(rest[0]!.values[0] ?? ""))
    ) rest = rest.slice(1);
    // A bare `env` or `time` wraps nothing: it is the program (`env` prints the environment).
    if (rest.length === 0) break;
    words = rest;
  }
  return words;
}

/**
 * Decode the backslash escapes `printf` and `echo -e` interpret (`\x72`,
 * `\0162`, `\162`, `\u0072`, `\n`, `\t`, `\\`).
 *
 * @param s The text.
 * @returns The decoded text.
 */
export function decodeEscapes(s: string): string {
  return s.replace(
    /\\(?:x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})|0?([0-7]{1,3})|([abefnrtv\\]))/g,
    (_m, hex?: string, uni?: string, oct?: string, c?: string) => {
      if (hex) return String.fromCharCode(parseInt(hex, 16));
      if (uni) return String.fromCharCode(parseInt(uni, 16));
      if (oct) return String.fromCharCode(parseInt(oct, 8));
      const map: Record<string, string> = {
        a: "\x07",
        b: "\b",
        e: "\x1b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
        v: "\v",
        "\\": "\\",
      };
      return map[c!] ?? "";
    },
  );
}

/** A path's last segment. */
function _base(p: string): string {
  return p.includes("/") ? p.slice(p.lastIndexOf("/") + 1) : p;
}

/**
 * What `printf FORMAT ARGS...` prints, for `%s`, `%b`, `%d` and `%%`
 * (the format repeats while arguments remain); null for other directives.
 */
function _printf(args: string[]): string | null {
  if (args[0] === "-v") return ""; // prints nothing: sets a variable
  const [format = "", ...rest] = args[0] === "--" ? args.slice(1) : args;
  if (/%(?![sbd%])/.test(format.replace(/%%/g, ""))) return null;
  let out = "";
  let k = 0;
  do {
    out += format.replace(/%([sbd%])/g, (_m, c: string) => c === "%" ? "%" : rest[k++] ?? "");
  } while (k < rest.length && /%[sbd]/.test(format));
  return out;
}
