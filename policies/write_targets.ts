/**
 * Files that ordinary programs write: the destination of `cp`, `mv`,
 * `install`, `ln` and `rsync`, the files of `tee` and `truncate`, the files
 * `sed -i` edits. A destination in a system path or a device is treated
 * like a redirection there (`echo x | tee /dev/sda`, `cp x /etc/passwd`).
 *
 * @module
 */

import type { ParsedArgv } from "./program_profiles.ts";
import type { EvalWord } from "./shell_words.ts";

const DEST_LAST = new Set(["cp", "mv", "install", "ln", "rsync", "scp", "gcp", "gmv"]);
const ALL_OPERANDS = new Set(["tee", "truncate"]);

/**
 * The operands a command writes to.
 *
 * @param name The program basename.
 * @param args Its evaluated arguments.
 * @param parsed Its arguments split into options and operands.
 * @returns The written paths (as words, so unresolved ones stay unresolved).
 */
export function writeTargets(
  name: string,
  args: readonly EvalWord[],
  parsed: ParsedArgv,
): EvalWord[] {
  const operands = parsed.positionals.map((i) => args[i]!);
  if (ALL_OPERANDS.has(name)) {
    // `truncate -s 0 F`: the size is an option value, not an operand.
    return operands.filter((w) => !/^[0-9]+[KMGT]?$/.test(w.values[0] ?? "") || name === "tee");
  }
  if (name === "dd") {
    return args.filter((a) => (a.values[0] ?? "").startsWith("of=")).map((a) => ({
      ...a,
      values: [(a.values[0] ?? "").slice(3)],
    }));
  }
  if (name === "perl" && args.some((a) => /^-[a-zA-Z]*i/.test(a.values[0] ?? ""))) {
    // `perl -pi -e CODE FILES`: the operands after the code.
    const e = args.findIndex((a) => /^-[a-zA-Z]*[eE]$/.test(a.values[0] ?? ""));
    return args.slice(e < 0 ? 1 : e + 2).filter((a) => !(a.values[0] ?? "").startsWith("-"));
  }
  if (
    /^g?awk$/.test(name) &&
    args.some((a, i) => a.values[0] === "-i" && args[i + 1]?.values[0] === "inplace")
  ) {
    const ops = args.filter((a, i) =>
      !(a.values[0] ?? "").startsWith("-") && args[i - 1]?.values[0] !== "-i"
    );
    return ops.slice(1);
  }
  if (name === "sed" || name === "gsed") {
    const inPlace = args.some((a) => /^-[a-zA-Z]*i|^--in-place/.test(a.values[0] ?? ""));
    const hasScriptOption = args.some((a) =>
      /^-[a-zA-Z]*[ef]$|^--(?:expression|file)/.test(a.values[0] ?? "")
    );
    return inPlace ? operands.slice(hasScriptOption ? 0 : 1) : [];
  }
  if (!DEST_LAST.has(name)) return [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.values[0] ?? "";
    if (a === "-t" || a === "--target-directory") return args[i + 1] ? [args[i + 1]!] : [];
    if (a.startsWith("--target-directory=")) {
      return [{ ...args[i]!, values: [a.slice(19)], text: a.slice(19) }];
    }
  }
  // `cp SRC... DEST`; `ln -s TARGET` alone links into the working directory.
  return operands.length >= 2 ? [operands[operands.length - 1]!] : [];
}
