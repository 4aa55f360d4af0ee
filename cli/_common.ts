/**
 * What every command shares: flag parsing on `node:util` parseArgs, the
 * mapping from errors to the exit codes of the contract, and printing.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import {
  ConfigError,
  PluginError,
  PolicyViolation,
  UnavailableError,
  UsageError,
} from "../core/errors.ts";
import { useColor } from "../core/log.ts";
import { LockBusyError, releaseHeldLocksSync } from "../core/lock.ts";

/** Exit codes of the command-line contract. */
export const EXIT = { ok: 0, failed: 1, usage: 2, policy: 3, interrupted: 130 } as const;

/**
 * Edit distance between two strings (insertions, deletions, substitutions).
 *
 * @param a One string.
 * @param b The other.
 * @returns The Levenshtein distance.
 */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known flag closest to a mistyped one, when it is close enough to be
 * what the user meant.
 *
 * @param given The flag as typed, without leading dashes.
 * @param known The command's flag names.
 * @returns The suggestion, or null.
 */
export function didYouMean(given: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    // Dashes dropped or doubled are the commonest slip (--dryrun, --max_cost_usd).
    const d = k.replace(/[-_]/g, "") === given.replace(/[-_]/g, "") ? 0.5 : levenshtein(given, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  // A third of the name, at least 1 and at most 3 edits: closer than that is
  // a typo, further is a different word.
  const limit = Math.min(3, Math.max(1, Math.floor(given.length / 3)));
  return best !== null && bestD <= limit ? best : null;
}

// Checked before parseArgs, whose messages for these cases ("argument is
// ambiguous") do not say what to do.
function precheck(
  args: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  command: string,
): string[] {
  const known = Object.keys(options);
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a === "--") break;
    if (!a.startsWith("--") || a === "--") continue;
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const spec = options[name];
    if (!spec) {
      const hint = didYouMean(name, known);
      throw new UsageError(
        `Unknown flag --${name}${
          hint ? `; did you mean --${hint}?` : ""
        } (see "fleet-orch ${command} --help")`,
      );
    }
    if (spec.type !== "string" || eq >= 0) continue;
    const next = out[i + 1];
    if (next === undefined || next === "--") {
      throw new UsageError(`--${name} needs a value: --${name} <value>`);
    }
    if (next.startsWith("-")) {
      // A negative number is a value (refused later by the flag's own check
      // with a clear message); any other dash word is the next flag.
      if (/^-\d/.test(next)) {
        out.splice(i, 2, `--${name}=${next}`);
        continue;
      }
      throw new UsageError(`--${name} needs a value, but the next argument is the flag ${next}`);
    }
    i++;
  }
  return out;
}

/**
 * Parse flags; unknown flags (with a did-you-mean), missing values and other
 * bad flags become a {@link UsageError}.
 *
 * @param args The command's arguments.
 * @param options parseArgs option specs.
 * @param command Command name for messages.
 * @returns Values and positionals.
 * @throws {UsageError} On bad flags.
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig["options"]>>(
  args: string[],
  options: O,
  command: string,
): {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
  positionals: string[];
} {
  const checked = precheck(args, options, command);
  try {
    const r = parseArgs({ args: checked, options, allowPositionals: true, strict: true });
    return { values: r.values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(
      `${
        (e as Error).message.split("\n")[0]!.replace(/\.$/, "")
      }; see "fleet-orch ${command} --help"`,
    );
  }
}

/**
 * Parse a numeric flag value.
 *
 * @param value The raw value.
 * @param flag Flag name for messages.
 * @param options Integer only, minimum.
 * @returns The number, or undefined when absent.
 * @throws {UsageError} When it is not a valid number.
 */
export function numberFlag(
  value: string | undefined,
  flag: string,
  options: { integer?: boolean; min?: number } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n < 0 && (options.min ?? -Infinity) >= 0) {
    throw new UsageError(`${flag} cannot be negative, got "${value}"`);
  }
  if (
    !Number.isFinite(n) || (options.integer && !Number.isInteger(n)) ||
    n < (options.min ?? -Infinity)
  ) {
    throw new UsageError(
      `${flag} needs ${options.integer ? "an integer" : "a number"}${
        options.min !== undefined ? ` >= ${options.min}` : ""
      }, got "${value}"`,
    );
  }
  return n;
}

/**
 * Print an error the way a user can act on it, and choose the exit code.
 *
 * @param error What was thrown.
 * @param redact Applied to every line printed (an error may quote a value that is a secret).
 * @param write Where a line goes. @default console.error
 * @returns The exit code of the contract.
 */
export function reportError(
  error: unknown,
  redact: (text: string) => string = (t) => t,
  write: (line: string) => void = (l) => console.error(l),
): number {
  const red = (s: string) => (useColor() ? `\x1b[31m${s}\x1b[39m` : s);
  // Redacted before colouring: an escape sequence must not split a secret.
  const say = (s: string) => write(red(redact(s)));
  if (error instanceof ConfigError) {
    const n = error.problems.length;
    say(`error: Invalid configuration (${n} problem${n === 1 ? "" : "s"}):`);
    write(redact(error.message));
    return EXIT.usage;
  }
  const e = error as Error;
  say(`error: ${e?.message ?? String(error)}`);
  if (error instanceof PolicyViolation) return EXIT.policy;
  if (
    error instanceof UsageError || error instanceof UnavailableError ||
    error instanceof LockBusyError || error instanceof PluginError
  ) {
    return EXIT.usage;
  }
  if (Deno.env.get("FLEET_ORCH_DEBUG") && e?.stack) write(redact(e.stack));
  return EXIT.failed;
}

/**
 * The redactor for a command's own messages before its runtime (and the
 * config's declared credentials) is known: secret-looking environment values
 * and the secret detectors.
 *
 * @param env The environment. @default Deno.env
 * @returns The redactor.
 */
export async function environmentRedactor(
  env: Record<string, string> = Deno.env.toObject(),
): Promise<(text: string) => string> {
  // Loaded lazily, so a command that never needs it does not pay for it.
  const { createRedactor } = await import("../policies/redact.ts");
  return createRedactor(env);
}

/** How a command takes SIGINT/SIGTERM. */
export interface GuardOptions {
  /**
   * The body stops on the signal it is given and cleans up itself (the
   * command then exits 130). Otherwise the process exits 130 at once: gates
   * it started die with it (the executor's supervisor kills their groups).
   */
  cooperative?: boolean;
}

/**
 * Run a command body, map thrown errors to exit codes, and exit 130 when
 * interrupted (SIGINT or SIGTERM), for every command alike.
 *
 * @param body The command; gets a signal that aborts on SIGINT/SIGTERM.
 * @param options Whether the body handles the signal itself.
 * @returns Its exit code, the error's, or 130 when interrupted.
 */
export async function guard(
  body: (signal: AbortSignal) => Promise<number>,
  options: GuardOptions = {},
): Promise<number> {
  const abort = new AbortController();
  const onSignal = () => {
    // A second signal, or a body that does not clean up after itself: stop now.
    if (abort.signal.aborted || !options.cooperative) {
      // The next command must not find this one's lock and call it a crash.
      releaseHeldLocksSync();
      Deno.exit(EXIT.interrupted);
    }
    abort.abort();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const sig of signals) Deno.addSignalListener(sig, onSignal);
  try {
    const code = await body(abort.signal);
    return abort.signal.aborted ? EXIT.interrupted : code;
  } catch (e) {
    // Loaded only on this path, so a command that succeeds never pays for it.
    const code = reportError(e, await environmentRedactor());
    return abort.signal.aborted ? EXIT.interrupted : code;
  } finally {
    for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
  }
}

/**
 * Check a `--repo` argument up front: spawning git in a directory that does
 * not exist fails with a message about the shell, not the flag.
 *
 * @param repo The flag's value.
 * @throws {UsageError} When it is not an existing directory.
 */
export async function checkRepoFlag(repo: string | undefined): Promise<void> {
  if (repo === undefined) return;
  const st = await Deno.stat(repo).catch(() => null);
  if (!st) throw new UsageError(`--repo ${repo}: no such directory`);
  if (!st.isDirectory) throw new UsageError(`--repo ${repo}: not a directory`);
}

/**
 * Read a file argument, or stdin for "-".
 *
 * @param path The argument.
 * @returns The text.
 * @throws {UsageError} When the file cannot be read.
 */
export async function readInput(path: string): Promise<string> {
  if (path === "-") return await new Response(Deno.stdin.readable).text();
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(`Cannot read "${path}": ${(e as Error).message}`);
  }
}
