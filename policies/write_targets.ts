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
  const option = OUTPUT_OPTIONS[name];
  if (option) {
    if (name === "tar" && !_tarExtracts(args)) return [];
    return _optionTargets(args, option.short, option.long);
  }
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

// Options naming a file or folder a program writes: `curl -o F`, `wget -O F`,
// `sort -o F`, `tar -x -C DIR`, `unzip -d DIR`.
const OUTPUT_OPTIONS: Record<string, { short: string; long: string[] }> = {
  curl: { short: "o", long: ["--output", "--output-dir"] },
  wget: { short: "OP", long: ["--output-document", "--directory-prefix", "--output-file"] },
  sort: { short: "o", long: ["--output"] },
  tar: { short: "C", long: ["--directory"] },
  gtar: { short: "C", long: ["--directory"] },
  bsdtar: { short: "C", long: ["--directory"] },
  unzip: { short: "d", long: [] },
  patch: { short: "o", long: ["--output"] },
};

function _optionTargets(args: readonly EvalWord[], short: string, long: string[]): EvalWord[] {
  const out: EvalWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const a = w.values[0] ?? "";
    if (a === "--") break;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const flag = eq > 0 ? a.slice(0, eq) : a;
      if (!long.includes(flag)) continue;
      if (eq > 0) out.push({ ...w, values: [a.slice(eq + 1)], text: a.slice(eq + 1) });
      else if (args[i + 1]) out.push(args[++i]!);
      continue;
    }
    if (!/^-[A-Za-z0-9]/.test(a)) continue;
    // `-o F`, `-sSo F`, `-oF`, `-C/`: the first letter of `short` in a bundle.
    const letters = a.slice(1);
    const at = [...letters].findIndex((c) => short.includes(c));
    if (at < 0) continue;
    const rest = letters.slice(at + 1);
    if (rest) out.push({ ...w, values: [rest], text: rest });
    else if (args[i + 1]) out.push(args[++i]!);
  }
  return out.filter((w) => (w.values[0] ?? "") !== "-");
}

function _tarExtracts(args: readonly EvalWord[]): boolean {
  const first = args[0]?.values[0] ?? "";
  return args.some((a) => /^(?:-x|--extract|--get)$|^-[A-Za-z]*x/.test(a.values[0] ?? "")) ||
    /^[A-Za-z]*x[A-Za-z]*$/.test(first);
}
