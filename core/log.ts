/**
 * Logging: human lines on stderr (coloured only on a TTY and never with
 * NO_COLOR), and an optional log file. Every line passes a redaction function
 * first, so secrets never reach a log.
 *
 * @module
 */

/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A sink for log lines. */
export interface Logger {
  /** Detail for the log file; shown on the console only in verbose mode. */
  debug(message: string): void;
  /** Progress a user wants to see. */
  info(message: string): void;
  /** Something went wrong but the run goes on. */
  warn(message: string): void;
  /** Something failed. */
  error(message: string): void;
  /** A logger whose lines are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level printed on the console. @default "info" */
  level?: LogLevel;
  /** Write the console lines here. @default stderr */
  write?: (line: string) => void;
  /** Also append every line (all levels) to this file (or each of these files). */
  file?: string | readonly string[];
  /** Applied to every line before it is written anywhere. */
  redact?: (text: string) => string;
  /** Colour the console lines. @default useColor() */
  color?: boolean;
}

/**
 * Whether colours may be used on stderr: only on a TTY, never with NO_COLOR.
 *
 * @returns True when colour escapes may be written.
 */
export function useColor(): boolean {
  try {
    // no-color.org: present and not empty disables colour.
    if (Deno.env.get("NO_COLOR")) return false;
  } catch {
    return false;
  }
  return Deno.stderr.isTerminal();
}

const COLORS: Record<LogLevel, [string, string]> = {
  debug: ["\x1b[90m", "\x1b[39m"],
  info: ["", ""],
  warn: ["\x1b[33m", "\x1b[39m"],
  error: ["\x1b[31m", "\x1b[39m"],
};

/**
 * Create a logger.
 *
 * @param options Level, sinks and redaction.
 * @returns The logger.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const min = ORDER[options.level ?? "info"];
  const enc = new TextEncoder();
  const write = options.write ?? ((line: string) => Deno.stderr.writeSync(enc.encode(line + "\n")));
  const redact = options.redact ?? ((t: string) => t);
  const color = options.color ?? useColor();
  const files = typeof options.file === "string" ? [options.file] : options.file ?? [];
  const make = (scope: string): Logger => {
    const emit = (level: LogLevel, message: string) => {
      const text = redact(scope ? `[${scope}] ${message}` : message);
      for (const file of files) {
        try {
          Deno.writeTextFileSync(
            file,
            `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${text}\n`,
            { append: true },
          );
        } catch {
          // The log file is a convenience; a full disk must not stop the run.
        }
      }
      if (ORDER[level] < min) return;
      const [on, off] = color ? COLORS[level] : ["", ""];
      const tag = level === "warn" ? "warning: " : level === "error" ? "error: " : "";
      write(`${on}${tag}${text}${off}`);
    };
    return {
      debug: (m) => emit("debug", m),
      info: (m) => emit("info", m),
      warn: (m) => emit("warn", m),
      error: (m) => emit("error", m),
      child: (s) => make(scope ? `${scope}:${s}` : s),
    };
  };
  return make("");
}

/** A logger that drops everything (library use, tests). */
export function silentLogger(): Logger {
  return createLogger({ write: () => {}, level: "error" });
}
