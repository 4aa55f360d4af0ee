/**
 * What a shell or interpreter reads on its standard input: a heredoc, a
 * here-string, or the output of the previous pipeline stage (a download, a
 * literal `echo`, a local file, or something generated at run time).
 *
 * @module
 */

import type { Command, Redirection } from "unbash";
import { writtenFile } from "./script_files.ts";
import { pipeProducer, type Producer, producerOf } from "./command_producer.ts";
import { evalWord } from "./shell_words.ts";
import type { JudgeHost, Scope, Stdin } from "./types.ts";

export type { Stdin };

/** No standard input worth judging. */
export const NO_STDIN: Stdin = { kind: "none" };

/**
 * The standard input a producer gives a reader.
 *
 * @param p The producer.
 * @param pass What a pass-through producer passes on.
 * @returns The reader's input.
 */
export function stdinFromProducer(p: Producer, pass: Stdin = NO_STDIN): Stdin {
  switch (p.kind) {
    case "remote":
      return { kind: "remote", name: p.name };
    case "literal":
      return { kind: "heredoc", text: p.text, quoted: true };
    case "file":
      return { kind: "file" };
    case "pass":
      return pass;
    default:
      return { kind: "generated", name: p.name };
  }
}

/** What a process substitution's script writes: `<(curl URL)` is a download. */
function _subProducer(script: { commands: readonly { command: unknown }[] }, scope: Scope): Stdin {
  const last = script.commands[script.commands.length - 1];
  if (!last) return NO_STDIN;
  return stdinFromProducer(producerOf(last.command as { type: string }, scope));
}

/**
 * Where the redirections of a command point its standard input: a heredoc,
 * a here-string, a file, a process substitution (`< <(curl URL)`) or a
 * descriptor opened earlier (`exec 3< <(curl URL); sh <&3`).
 *
 * @param redirects The redirections.
 * @param scope The walk scope.
 * @returns The input, or undefined when the redirections leave it alone.
 */
export function stdinOf(redirects: readonly Redirection[], scope: Scope): Stdin | undefined {
  let out: Stdin | undefined;
  for (const r of redirects) {
    if (r.descriptor && !(r.descriptor.type === "FileDescriptor" && r.descriptor.value === 0)) {
      continue;
    }
    if (r.type === "HereDoc") {
      out = { kind: "heredoc", text: r.body.text, quoted: r.delimiter?.quoted ?? false };
    } else if (r.type === "HereString" && r.target) {
      out = { kind: "herestring", word: evalWord(r.target, scope.vars) };
    } else if (r.type === "Redirect" && (r.operator === "<" || r.operator === "<>")) {
      out = _fileInput(r, scope);
    } else if (r.type === "Redirect" && r.operator === "<&" && r.target) {
      const fd = Number(evalWord(r.target, scope.vars).values[0]);
      out = scope.fds?.get(fd) ?? (fd === 0 ? out : { kind: "file" });
    }
  }
  return out;
}

function _fileInput(r: Redirection, scope: Scope): Stdin {
  const t = r.type === "Redirect" && r.target ? evalWord(r.target, scope.vars) : null;
  if (t?.subs.length && !t.outSubs?.length) return _subProducer(t.subs[t.subs.length - 1]!, scope);
  if (t?.resolved && /^\/dev\/tcp\/|^\/dev\/udp\//.test(t.values[0] ?? "")) {
    return { kind: "remote", name: t.values[0]! };
  }
  return t?.resolved ? { kind: "file", path: t.values[0] ?? "" } : { kind: "file" };
}

/**
 * `exec 3< <(curl URL)`: remember what descriptors opened for reading hold,
 * so that a later `sh <&3` is judged by it.
 *
 * @param node The `exec` command (no program to run).
 * @param scope The walk scope.
 */
export function rememberDescriptors(node: Command, scope: Scope): void {
  for (const r of node.redirects) {
    if (r.type !== "Redirect" || !(r.operator === "<" || r.operator === "<>")) continue;
    if (r.descriptor?.type !== "FileDescriptor") continue;
    scope.fds ??= new Map();
    scope.fds.set(r.descriptor.value, _fileInput(r, scope));
  }
}

/**
 * What a command writes to its standard output, as input for whatever reads
 * it (`tee >(sh)`, `curl URL > >(sh)`).
 *
 * @param node The command.
 * @param scope The walk scope.
 * @param input Its own standard input (passed on by `tee` and `cat`).
 * @returns The written data as an input.
 */
export function writtenBy(node: Command, scope: Scope, input: Stdin): Stdin {
  if (!node.name) return NO_STDIN;
  return stdinFromProducer(producerOf(node, scope), input);
}

/** Paths that are a process's own standard input. */
export const STDIN_PATHS = /^(?:\/dev\/stdin|\/dev\/fd\/0|\/proc\/(?:self|\d+|\$\$)\/fd\/0)$/;

/**
 * Judge the program a shell or interpreter reads from its standard input.
 *
 * @param j The judge.
 * @param name The shell or interpreter.
 * @param stdin Where its input comes from.
 * @param scope The walk scope.
 * @param run Judges the program text when it is known.
 */
export function stdinProgram(
  j: JudgeHost,
  name: string,
  stdin: Stdin,
  scope: Scope,
  run: (text: string) => void,
): void {
  switch (stdin.kind) {
    case "heredoc":
      run(stdin.text);
      return;
    case "herestring":
      if (stdin.word.resolved) run(stdin.word.values[0] ?? "");
      else j.hitCheck("encoded-payload", `${name} reads a script only known at run time`, scope);
      return;
    case "remote":
      j.hitCheck("remote-script", `${name} reads the output of ${stdin.name}`, scope);
      return;
    case "generated":
      j.hitCheck("encoded-payload", `${name} reads a script generated by ${stdin.name}`, scope);
      return;
    case "pipe": {
      const p = pipeProducer(stdin.stages, stdin.index, stdin.scope);
      if (p.kind === "remote") {
        j.hitCheck("remote-script", `output of ${p.name} piped into ${name}`, scope);
      } else if (p.kind === "literal") run(p.text);
      else if (p.kind === "other") {
        j.hitCheck("encoded-payload", `${name} reads a script generated by ${p.name}`, scope);
      }
      return;
    }
    case "file": {
      // `bash < i.sh` after `curl -o i.sh URL`: judged by what the line wrote there.
      const content = stdin.path === undefined ? undefined : writtenFile(scope, stdin.path);
      if (content?.kind === "remote") {
        j.hitCheck("remote-script", `${name} reads "${stdin.path}", downloaded earlier`, scope);
      } else if (content?.kind === "unknown") {
        j.hitCheck("encoded-payload", `${name} reads "${stdin.path}", written earlier`, scope);
      } else if (content?.kind === "text") run(content.text);
      return;
    }
    default:
      return;
  }
}
