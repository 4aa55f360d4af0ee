/**
 * Matching of one resolved simple command (program + argument words) against
 * the command rules of a policy.
 *
 * @module
 */

import { classifyWord } from "./paths.ts";
import { flagMatches, parseArgv, type ParsedArgv } from "./program_profiles.ts";
import { type EvalWord, globMatch } from "./shell_words.ts";
import type { CommandMatch, Rule, TargetClass, WordPattern } from "./types.ts";

/** A simple command ready for rule matching. */
export interface ResolvedCommand {
  /** Program basename. */
  name: string;
  /** Argument words (brace expansions already split). */
  args: EvalWord[];
  /** Working directory: `.` is the workspace, null unknown. */
  cwd: string | null;
}

/** Command rules indexed by program name for quick lookup. */
export class CommandRuleIndex {
  readonly #exact = new Map<string, Rule[]>();
  readonly #globbed: Rule[] = [];

  /**
   * @param rules All rules; only those with `match.command` are indexed.
   */
  constructor(rules: readonly Rule[]) {
    for (const r of rules) {
      const c = r.match.command;
      if (!c) continue;
      for (const p of c.program) {
        if (/[*?{[]/.test(p)) {
          if (!this.#globbed.includes(r)) this.#globbed.push(r);
        } else {
          const list = this.#exact.get(p) ?? [];
          if (!list.includes(r)) list.push(r);
          this.#exact.set(p, list);
        }
      }
    }
  }

  /**
   * Rules that may apply to a program.
   *
   * @param name Program basename.
   * @returns Candidate rules in policy order.
   */
  candidates(name: string): Rule[] {
    const exact = this.#exact.get(name) ?? [];
    if (this.#globbed.length === 0) return exact;
    const g = this.#globbed.filter((r) => r.match.command!.program.some((p) => globMatch(p, name)));
    return g.length ? [...exact, ...g] : exact;
  }
}

function _wordOk(pattern: WordPattern, value: string): boolean {
  if (typeof pattern === "string") return globMatch(pattern, value);
  return pattern.some((p) => globMatch(p, value));
}

function _wordsMatch(patterns: readonly WordPattern[], words: readonly string[]): number {
  // Returns how many words the prefix consumed, or -1 when it does not match.
  const go = (pi: number, wi: number): number => {
    if (pi === patterns.length) return wi;
    const p = patterns[pi]!;
    if (p === "**") {
      for (let k = wi; k <= words.length; k++) {
        const r = go(pi + 1, k);
        if (r >= 0) return r;
      }
      return -1;
    }
    if (wi >= words.length || !_wordOk(p, words[wi]!)) return -1;
    return go(pi + 1, wi + 1);
  };
  return go(0, 0);
}

function _hasFlag(parsed: ParsedArgv, spec: WordPattern): boolean {
  const alts = typeof spec === "string" ? [spec] : spec;
  return parsed.flags.some((f) => alts.some((a) => flagMatches(f.name, a)));
}

/**
 * Test one command rule's match against a command.
 *
 * @param m The rule's command match.
 * @param cmd The command.
 * @param workspaces Absolute workspace roots.
 * @param parsedArgv The command's argv split already (saves work across rules).
 * @returns A short description of what matched, or null.
 */
export function matchCommand(
  m: CommandMatch,
  cmd: ResolvedCommand,
  workspaces: readonly string[],
  parsedArgv?: ParsedArgv,
): string | null {
  const values = cmd.args.map((a) => a.values[0] ?? "");
  const parsed = parsedArgv ?? parseArgv(cmd.name, values);
  const positionals = parsed.positionals.map((i) => values[i]!);
  let consumed = 0;
  if (m.words) {
    consumed = _wordsMatch(m.words, positionals);
    if (consumed < 0) return null;
  }
  if (m.flags && !m.flags.every((f) => _hasFlag(parsed, f))) return null;
  if (m.any_flags && !m.any_flags.some((f) => _hasFlag(parsed, f))) return null;
  if (m.args) {
    const all = cmd.args.flatMap((a) => a.values);
    const flagValues = parsed.flags.flatMap((f) => f.value === undefined ? [] : [f.value]);
    if (!m.args.some((g) => [...all, ...flagValues].some((v) => globMatch(g, v)))) return null;
  }
  if (m.target) {
    const wanted = new Set<TargetClass>(m.target);
    const operands = parsed.positionals.slice(consumed).map((i) => cmd.args[i]!);
    const hit = operands.find((w) =>
      classifyWord(w, cmd.cwd, workspaces).some((c) => wanted.has(c))
    );
    if (!hit) return null;
    const cls = classifyWord(hit, cmd.cwd, workspaces).find((c) => wanted.has(c));
    return `${cmd.name} on ${_describe(cls!)} "${hit.text}"`;
  }
  return `${cmd.name} ${positionals.slice(0, Math.max(consumed, 2)).join(" ")}`.trim();
}

function _describe(c: TargetClass): string {
  switch (c) {
    case "root":
      return "the root directory";
    case "home":
      return "the home directory";
    case "system":
      return "a system directory";
    case "outside":
      return "a path outside the workspace";
    case "workspace-root":
      return "the whole workspace";
    case "unresolved":
      return "a target only known at run time";
    default:
      return c;
  }
}

/**
 * Rules of the command judge's built-in family checks that the policy file
 * format does not name (see docs/policy.md, "Built-in families"). Like the
 * `unparsable` invariant they always apply: a policy file cannot lower them.
 */
export const FAMILY_RULES: ReadonlyMap<string, Rule> = new Map<string, Rule>(
  (
    [
      [
        "write-home-config",
        "shell.write-home-config",
        "persistence",
        "Never write shell startup files, ssh keys or tool configuration in the home directory",
      ],
      [
        "environment-hook",
        "shell.environment-hook",
        "environment-hook",
        "An environment variable would load code into a tool or turn off a safety check",
      ],
      [
        "exfiltration",
        "shell.exfiltration",
        "exfiltration",
        "Never send credentials or the environment over the network",
      ],
      [
        "reverse-shell",
        "net.reverse-shell-code",
        "remote-code",
        "Never hand a shell to a network connection",
      ],
      [
        "git-push-redirect",
        "git.push-redirect",
        "git-history",
        "Never reconfigure what git push sends (mirror, push refspecs) or push refs computed at run time",
      ],
      [
        "cloud-delete-unresolved",
        "cloud.delete-unresolved",
        "cloud-deletion",
        "Never delete cloud resources named only at run time (substitutions, xargs, parallel)",
      ],
      [
        "remote-program",
        "shell.remote-program",
        "remote-code",
        "Never run a program fetched from a URL or a data: URL",
      ],
    ] as const
  ).map(([check, id, category, message]) => [
    check,
    { id, category, action: "deny", message, match: { check } } as Rule,
  ]),
);
