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
import { LockBusyError } from "../core/lock.ts";

/** Exit codes of the command-line contract. */
export const EXIT = { ok: 0, failed: 1, usage: 2, policy: 3 } as const;

/**
 * Parse flags; unknown flags and missing values become a {@link UsageError}.
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
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: r.values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError(
      `${(e as Error).message.replace(/\.$/, "")}; see "fleet-orch ${command} --help"`,
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

/**
 * Run a command body and map thrown errors to exit codes.
 *
 * @param body The command.
 * @returns Its exit code, or the error's.
 */
export async function guard(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    // Loaded only on this path, so a command that succeeds never pays for it.
    return reportError(e, await environmentRedactor());
  }
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
