/**
 * The named error classes of fleet-orch, and {@linkcode messageOf} for the
 * message of anything caught. Built-in errors are used where they fit; these
 * exist because they carry data a caller needs. (Two more live beside the code
 * that throws them: `PatchError` in `patch/types.ts` and `CostCapReached` in
 * `orchestrator/models.ts`.)
 *
 * @module
 */

/** One located problem in a configuration or policy file. */
export interface ConfigProblem {
  /** The file the problem is in. */
  file: string;
  /** 1-based line, or 0 when unknown. */
  line: number;
  /** 1-based column, or 0 when unknown. */
  col: number;
  /** What is wrong, in words a user can act on. */
  message: string;
}

/** Format one problem as `FILE:LINE:COL: message`. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.message}`;
}

/**
 * A configuration (or policy) file is invalid. Carries every problem found in
 * one pass, so the user fixes them all at once.
 */
export class ConfigError extends Error {
  /** Every problem found, in file order. */
  readonly problems: ConfigProblem[];
  /**
   * Make the error from its problems.
   *
   * @param problems Every problem found.
   */
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** A command or patch was refused by the policy engine. */
export class PolicyViolation extends Error {
  /** The id of the rule that refused, or null when nothing could be parsed. */
  readonly rule: string | null;
  /** The command line or file that was judged. */
  readonly subject: string;
  /**
   * Make the error.
   *
   * @param message Why it was refused.
   * @param rule The rule id.
   * @param subject What was judged.
   */
  constructor(message: string, rule: string | null, subject: string) {
    super(message);
    this.name = "PolicyViolation";
    this.rule = rule;
    this.subject = subject;
  }
}

/** A plugin failed to load, to validate or to answer. */
export class PluginError extends Error {
  /** The plugin's name (or its `uses:` reference when it never loaded). */
  readonly plugin: string;
  /**
   * Make the error; the message is prefixed with the plugin's name.
   *
   * @param plugin The plugin name.
   * @param message What went wrong.
   * @param options Standard error options (cause).
   */
  constructor(plugin: string, message: string, options?: ErrorOptions) {
    super(`Plugin "${plugin}": ${message}`, options);
    this.name = "PluginError";
    this.plugin = plugin;
  }
}

/** The command line was used wrongly (exit code 2). */
export class UsageError extends Error {
  /**
   * Make the error.
   *
   * @param message What is wrong and how to call it instead.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** A feature that this build cannot provide, with the reason (exit code 2). */
export class UnavailableError extends Error {
  /**
   * Make the error.
   *
   * @param message What is unavailable and why.
   */
  constructor(message: string) {
    super(message);
    this.name = "UnavailableError";
  }
}

/** A git command failed (exit code other than 0). */
export class GitError extends Error {
  /** The git arguments. */
  readonly args: readonly string[];
  /** Git's output. */
  readonly output: string;
  /**
   * Make the error from git's arguments and result.
   *
   * @param args The arguments.
   * @param result What git returned.
   */
  constructor(args: readonly string[], result: { code: number; output: string }) {
    super(
      `git ${args.join(" ")} failed (exit ${result.code}): ${result.output.trim().slice(-800)}`,
    );
    this.name = "GitError";
    this.args = args;
    this.output = result.output;
  }
}

/** The repository lock is held by another live run (exit code 2). */
export class LockBusyError extends Error {
  /** The owner's process id. */
  readonly pid: number;
  /**
   * Make the error.
   *
   * @param message What is locked and by whom.
   * @param pid The owner.
   */
  constructor(message: string, pid: number) {
    super(message);
    this.name = "LockBusyError";
    this.pid = pid;
  }
}

/** A JSON-RPC error answered by an exec plugin. */
export class RpcError extends Error {
  /** JSON-RPC error code. */
  readonly code: number;
  /** Extra data from the plugin. */
  readonly data: unknown;
  /**
   * Make the error from the plugin's JSON-RPC error object.
   *
   * @param code JSON-RPC code.
   * @param message Plugin's message.
   * @param data Plugin's data.
   */
  constructor(code: number, message: string, data: unknown) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }
}

/**
 * The message of a caught value: an Error's message, a string as it is, and
 * anything else as `String(value)`, so a `catch (e)` never prints `undefined`.
 *
 * @param e Whatever was thrown.
 * @returns Text for a user or a log.
 *
 * @example
 * ```ts
 * import { messageOf } from "./errors.ts";
 * console.assert(messageOf(new Error("boom")) === "boom");
 * console.assert(messageOf("plain") === "plain");
 * console.assert(messageOf(42) === "42");
 * ```
 */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  try {
    return String(e);
  } catch {
    // An object whose toString throws (or a null-prototype object) has no
    // printable form; name its type instead of throwing from a catch block.
    return Object.prototype.toString.call(e);
  }
}
