/**
 * What every command shares: flag parsing with `node:util` parseArgs's rules, the
 * mapping from errors to the exit codes of the contract, and printing.
 *
 * @module
 */

// Types only: loading node:util starts Deno's Node compatibility layer, which
// costs a command that only judges a command line more than its own work.
import type { parseArgs, ParseArgsConfig } from "node:util";
import {
  ConfigError,
  PluginError,
  PolicyViolation,
  UnavailableError,
  UsageError,
} from "../core/errors.ts";
import { useColor } from "../core/log.ts";
// Deferred: evaluated on an error or a signal, never on a command's happy path.
import defer * as lock from "../core/lock.ts";
import defer * as suggest from "../core/suggest.ts";

/** The redactor's module, loaded when an error is reported. */
export const REDACT_MODULE = "../policies/redact.ts";

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
  return suggest.editDistance(a, b);
}

/**
 * The known flag closest to a mistyped one, when it is close enough to be
 * what the user meant (the rule of core/suggest.ts).
 *
 * @param given The flag as typed, without leading dashes.
 * @param known The command's flag names.
 * @returns The suggestion, or null.
 */
export function didYouMean(given: string, known: readonly string[]): string | null {
  return suggest.closestName(given, known);
}

// Checked before parseArgs, whose messages for these cases ("argument is
// ambiguous") do not say what to do.
function precheck(
  args: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  command: string,
  positionals: boolean,
): string[] {
  const known = Object.keys(options);
  const out = [...args];
  const byShort = new Map(
    Object.entries(options).filter(([, o]) => o.short).map(([n, o]) => [o.short!, n]),
  );
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    if (a === "--") break;
    if (/^-[^-\d]/.test(a)) {
      // A short flag the command does not have: say which long one was meant
      // instead of node:util's advice about positionals.
      for (const c of a.slice(1)) {
        if (byShort.has(c)) {
          if (options[byShort.get(c)!]!.type === "string") break; // the rest is its value
          continue;
        }
        const hint = known.find((k) => k.startsWith(c));
        const dash = positionals
          ? `; an argument that starts with "-" goes after "--" (fleet-orch ${command} … -- ${a})`
          : "";
        throw new UsageError(
          `Unknown flag -${c}${
            hint ? `; did you mean --${hint}?` : ""
          }${dash} (see "fleet-orch ${command} --help")`,
        );
      }
      continue;
    }
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
    if (spec.type !== "string") continue;
    // "--environment=" or "--config ''" (an unset shell variable): no value
    // at all, not a default to fall back to silently.
    const empty = (v: string) => {
      if (v.trim() === "") {
        throw new UsageError(`--${name} needs a value, got an empty one: --${name} <value>`);
      }
    };
    if (eq >= 0) {
      empty(a.slice(eq + 1));
      continue;
    }
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
    empty(next);
    i++;
  }
  return out;
}

type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/**
 * `parseArgs({ args, options, allowPositionals: true, strict: true })` of
 * node:util, for the option kinds the commands use (string and boolean,
 * short names and groups, `multiple`, `default`, `--name=value`, `--`),
 * with its errors. tests/cli/flags_test.ts checks it against node:util.
 *
 * @param args The arguments.
 * @param options The option specs.
 * @returns Values and positionals.
 * @throws {TypeError} As node:util does, on an unknown option or a missing or ambiguous value.
 */
export function parseArgsStrict(
  args: readonly string[],
  options: OptionSpecs,
): { values: Record<string, unknown>; positionals: string[] } {
  const values: Record<string, unknown> = { __proto__: null } as never;
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) if (o.short) byShort.set(o.short, name);
  const store = (name: string, value: string | boolean) => {
    if (options[name]!.multiple) ((values[name] ??= []) as Array<string | boolean>).push(value);
    else values[name] = value;
  };
  // node:util refuses a value that looks like an option: "-" alone is a value.
  const optionLike = (v: string) => v.length > 1 && v[0] === "-";
  const shortAndLong = (name: string) =>
    `${options[name]!.short ? `-${options[name]!.short}, ` : ""}--${name}`;
  const needValue = (raw: string, name: string, at: number): string => {
    const v = args[at];
    if (v === undefined) {
      throw new TypeError(`Option '${shortAndLong(name)} <value>' argument missing`);
    }
    if (optionLike(v)) {
      const example = raw.startsWith("--") ? `'${raw}=-XYZ'` : `'--${name}=-XYZ' or '${raw}-XYZ'`;
      throw new TypeError(
        `Option '${raw}' argument is ambiguous.\nDid you forget to specify the option argument for '${raw}'?\nTo specify an option argument starting with a dash use ${example}.`,
      );
    }
    return v;
  };
  const unknown = (raw: string) =>
    new TypeError(
      `Unknown option '${raw}'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- ${
        JSON.stringify(raw)
      }`,
    );
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const o = options[name];
      if (!o) throw unknown(`--${name}`);
      if (o.type === "boolean") {
        if (eq >= 0) {
          throw new TypeError(`Option '${shortAndLong(name)}' does not take an argument`);
        }
        store(name, true);
      } else if (eq >= 0) store(name, a.slice(eq + 1));
      else store(name, needValue(`--${name}`, name, ++i));
    } else if (a.length > 1 && a[0] === "-") {
      for (let k = 1; k < a.length; k++) {
        const c = a[k]!;
        const name = byShort.get(c);
        if (name === undefined) throw unknown(`-${c}`);
        if (options[name]!.type === "boolean") {
          store(name, true);
          continue;
        }
        const rest = a.slice(k + 1);
        store(name, rest !== "" ? rest : needValue(`-${c}`, name, ++i));
        break;
      }
    } else positionals.push(a);
  }
  for (const [name, o] of Object.entries(options)) {
    if (o.default !== undefined && values[name] === undefined) values[name] = o.default;
  }
  return { values, positionals };
}

/**
 * Parse flags; unknown flags (with a did-you-mean), missing values and other
 * bad flags become a {@link UsageError}.
 *
 * @param args The command's arguments.
 * @param options parseArgs option specs.
 * @param command Command name for messages.
 * @param shape `positionals: false` for a command that takes no arguments. @default positionals allowed
 * @returns Values and positionals.
 * @throws {UsageError} On bad flags, or an argument a command does not take.
 */
export function parseFlags<O extends OptionSpecs>(
  args: string[],
  options: O,
  command: string,
  shape: { positionals?: boolean } = {},
): {
  values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>["values"];
  positionals: string[];
} {
  const checked = precheck(args, options, command, shape.positionals !== false);
  try {
    const r = parseArgsStrict(checked, options);
    if (shape.positionals === false && r.positionals.length) {
      const word = r.positionals[0]!;
      // "run dry-run": a flag written without its dashes.
      const flag = suggest.closestName(word.replace(/^-+/, ""), Object.keys(options));
      throw new UsageError(
        `${command} takes no arguments; got "${word}"${
          flag ? `; did you mean --${flag}?` : ""
        } (see "fleet-orch ${command} --help")`,
      );
    }
    return { values: r.values as never, positionals: r.positionals };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(
      `${
        (e as Error).message.split("\n")[0]!.replace(/\.$/, "")
      }; see "fleet-orch ${command} --help"`,
    );
  }
}

/**
 * The error for a subcommand that is missing or not one of the command's.
 *
 * @param command The command (`policy`).
 * @param given The word given, or undefined when none was.
 * @param valid The command's subcommands.
 * @returns A {@link UsageError} that lists them and suggests the nearest.
 */
export function unknownSubcommand(
  command: string,
  given: string | undefined,
  valid: readonly string[],
): UsageError {
  const list = valid.map((v) => `"${v}"`).join(" or ");
  if (given === undefined) {
    return new UsageError(
      `${command} needs a command: ${list} (see "fleet-orch ${command} --help")`,
    );
  }
  const near = suggest.closestName(given, valid);
  return new UsageError(
    `Unknown ${command} command ${JSON.stringify(given)}; expected ${list}${
      near ? `; did you mean "${near}"?` : ""
    } (see "fleet-orch ${command} --help")`,
  );
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
    error instanceof lock.LockBusyError || error instanceof PluginError
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
  // Loaded lazily, through a computed specifier (Deno reads a literal
  // import() target at start-up), so a command that never needs it does not
  // pay for it. `deno compile` embeds it through the compile task's --include.
  const { createRedactor } = await import(
    new URL(REDACT_MODULE, import.meta.url).href
  ) as typeof import("../policies/redact.ts");
  return createRedactor(env);
}

/**
 * Synchronous clean-ups to run when a signal ends the process at once
 * (temporary files a command made): `finally` blocks do not run then.
 */
export const cleanupsOnExit: Set<() => void> = new Set();

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
      lock.releaseHeldLocksSync();
      for (const cleanup of cleanupsOnExit) {
        try {
          cleanup();
        } catch { /* best effort: the process is ending */ }
      }
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
