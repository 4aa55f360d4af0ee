/**
 * What a user sees while gates run: a compact live view on a TTY (one line
 * per gate with a spinner, elapsed time and status, plus the tail of a
 * failing gate's output), plain lines in CI, or nothing. In CI a long gate
 * prints a heartbeat line every 30 s, so a log that says "started" and then
 * nothing for ten minutes does not look like a hung job.
 *
 * @module
 */

import type { GateResult, GateStatus } from "../core/types.ts";
import type { GateStep } from "./plan.ts";
import { stripAnsi } from "../core/text.ts";

/** Receives the progress of a gate run. */
export interface GateView {
  /** A step started. */
  started(step: GateStep): void;
  /** A step printed something. */
  output(id: string, text: string): void;
  /** A step ended (or was skipped). */
  finished(result: GateResult): void;
  /** The run is over: draw the last frame, stop timers. */
  close(): void;
}

/** Options of {@link createView}. */
export interface ViewOptions {
  /** Where the text goes. @default stderr */
  write?: (text: string) => void;
  /** Colour escapes (TTY view only). @default true unless NO_COLOR is set */
  color?: boolean;
  /** Terminal width. @default the console's width, or 100 */
  columns?: number;
  /** Redraw interval in milliseconds (TTY view). @default 100 */
  intervalMs?: number;
  /**
   * Heartbeat interval in milliseconds for a running gate (plain view); 0
   * turns heartbeats off. @default 30000
   */
  heartbeatMs?: number;
  /** Time source and timer for heartbeats; tests inject one. @default real time */
  clock?: ViewClock;
  /**
   * Applied to everything the view prints. Output arrives redacted already;
   * this catches what the view takes from the config, such as a command line
   * with a secret interpolated from the environment. @default none
   */
  redact?: (text: string) => string;
}

/** A time source and repeating timer, injectable so tests need no sleeps. */
export interface ViewClock {
  /** Now, in milliseconds (any origin; only differences are used). */
  now(): number;
  /**
   * Call `tick` every `ms` milliseconds until the returned function is
   * called. A real timer must not keep the process alive on its own.
   */
  every(ms: number, tick: () => void): () => void;
}

/** The real clock: `performance.now()` and an unref'd `setInterval`. */
export const realClock: ViewClock = {
  now: () => performance.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    Deno.unrefTimer(timer);
    return () => clearInterval(timer);
  },
};

/** Default heartbeat interval of the plain view. */
export const HEARTBEAT_MS = 30_000;

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const TAIL_LINES = 3;
const PLAIN_TAIL_LINES = 15;

interface _Row {
  step: GateStep;
  status: GateStatus | "pending" | "running";
  started?: number;
  durationMs?: number;
  last: string;
  tail: string[];
}

/**
 * Make the view for a run.
 *
 * @param kind "tty" redraws with ANSI escapes, "plain" prints one line per
 * event, "silent" prints nothing.
 * @param steps The planned steps, in display order.
 * @param options Writer, colour, width.
 * @returns The view.
 */
export function createView(
  kind: "tty" | "plain" | "silent",
  steps: readonly GateStep[],
  options: ViewOptions = {},
): GateView {
  if (kind === "silent") {
    return { started() {}, output() {}, finished() {}, close() {} };
  }
  const enc = new TextEncoder();
  const sink = options.write ?? ((t: string) => {
    Deno.stderr.writeSync(enc.encode(t));
  });
  const redact = options.redact;
  const write = redact ? (t: string) => sink(redact(t)) : sink;
  return kind === "tty" ? new _TtyView(steps, write, options) : new _PlainView(write, options);
}

/**
 * The view that suits stderr: "tty" on a terminal, "plain" otherwise.
 *
 * @returns The view kind.
 */
export function defaultViewKind(): "tty" | "plain" {
  return Deno.stderr.isTerminal() ? "tty" : "plain";
}

/** Last lines of some output, without ANSI escapes or blank lines. */
export function tailLines(output: string, count: number): string[] {
  const lines = stripAnsi(output).split(/\r?\n|\r/).map((l) => l.trimEnd()).filter((l) => l);
  return lines.slice(-count);
}

function _seconds(ms: number): string {
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)}s`
    : `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

function _statusText(r: GateResult): string {
  if (r.status === "failed" && r.exitCode !== null) return `failed (exit ${r.exitCode})`;
  if (r.status === "passed") return r.status;
  if (r.status === "skipped") {
    // A required step that did not run fails the build: say so, and why.
    return r.required && !r.notApplicable ? `not run, fails the build (${r.output})` : r.status;
  }
  return r.required ? r.status : `${r.status} (optional)`;
}

/**
 * The parsed failures of a gate as one line each, `message (file:line:col)`,
 * parser findings before the generic extractor's: the console leads with
 * these and then shows the tail.
 *
 * @param r The gate result.
 * @param max At most this many lines (a last line counts the rest).
 * @returns The lines.
 */
export function failureHeadlines(r: GateResult, max = 3): string[] {
  const parsed = r.failures.filter((f) => f.tool !== "generic");
  const list = parsed.length > 0 ? parsed : r.failures;
  const out = list.slice(0, max).map((f) => {
    const where = f.file
      ? ` (${f.file}${f.line ? `:${f.line}` : ""}${f.line && f.column ? `:${f.column}` : ""})`
      : "";
    const code = f.code && !f.message.includes(f.code) ? ` [${f.code}]` : "";
    return `${f.message.split("\n")[0]!.trim().slice(0, 240)}${code}${where}`;
  });
  if (list.length > max) out.push(`(+${list.length - max} more)`);
  return out;
}

class _PlainView implements GateView {
  readonly #write: (t: string) => void;
  readonly #clock: ViewClock;
  readonly #heartbeatMs: number;
  /** Running gates: when each started, its last output line, its timer. */
  readonly #running = new Map<string, { started: number; last: string; stop: () => void }>();

  constructor(write: (t: string) => void, options: ViewOptions) {
    this.#write = write;
    this.#clock = options.clock ?? realClock;
    this.#heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  }

  started(step: GateStep): void {
    this.#write(`[gate] ${step.id}: started${step.run ? ` (${step.run})` : ` (${step.uses})`}\n`);
    this.#running.get(step.id)?.stop();
    const entry = { started: this.#clock.now(), last: "", stop: () => {} };
    if (this.#heartbeatMs > 0) {
      // One timer per gate, so each gate's beat comes 30 s after its own
      // start rather than at a shared tick that may land a second after it.
      entry.stop = this.#clock.every(this.#heartbeatMs, () => this.#beat(step.id));
    }
    this.#running.set(step.id, entry);
  }

  output(id: string, text: string): void {
    const entry = this.#running.get(id);
    if (!entry) return;
    // The executor redacts before the view sees anything; only the last
    // non-blank line is kept, so a chatty gate costs no memory here.
    const last = tailLines(text.slice(-400), 1)[0];
    if (last !== undefined) entry.last = last;
  }

  finished(r: GateResult): void {
    this.#running.get(r.id)?.stop();
    this.#running.delete(r.id);
    const time = r.status === "skipped" ? "" : ` in ${_seconds(r.durationMs)}`;
    let text = `[gate] ${r.id}: ${_statusText(r)}${time}\n`;
    if (r.status !== "passed" && r.status !== "skipped") {
      for (const l of failureHeadlines(r)) text += `    ✘ ${l}\n`;
      for (const l of tailLines(r.output, PLAIN_TAIL_LINES)) text += `    | ${l}\n`;
      if (r.logFile) text += `    full log: ${r.logFile}\n`;
    }
    this.#write(text);
  }

  close(): void {
    for (const entry of this.#running.values()) entry.stop();
    this.#running.clear();
  }

  #beat(id: string): void {
    const entry = this.#running.get(id);
    if (!entry) return;
    const elapsed = _seconds(this.#clock.now() - entry.started);
    const last = entry.last ? `last output: ${entry.last.slice(0, 200)}` : "no output yet";
    this.#write(`[gate] ${id}: running for ${elapsed}; ${last}\n`);
  }
}

class _TtyView implements GateView {
  readonly #rows = new Map<string, _Row>();
  readonly #write: (t: string) => void;
  readonly #color: boolean;
  readonly #columns: number;
  readonly #timer: ReturnType<typeof setInterval>;
  #drawn = 0;
  #frame = 0;

  constructor(steps: readonly GateStep[], write: (t: string) => void, options: ViewOptions) {
    for (const step of steps) {
      this.#rows.set(step.id, { step, status: "pending", last: "", tail: [] });
    }
    this.#write = write;
    this.#color = options.color ?? !Deno.env.get("NO_COLOR");
    let columns = options.columns;
    if (columns === undefined) {
      try {
        columns = Deno.consoleSize().columns;
      } catch {
        columns = 100;
      }
    }
    // A pseudo-terminal that never had its size set reports 0 columns.
    this.#columns = columns > 0 ? Math.max(20, columns) : 100;
    this.#timer = setInterval(() => this.#draw(), options.intervalMs ?? 100);
    // The view must never keep the process alive on its own.
    this.#timer.unref();
  }

  started(step: GateStep): void {
    const row = this.#rows.get(step.id);
    if (row) Object.assign(row, { status: "running", started: performance.now() });
  }

  output(id: string, text: string): void {
    const row = this.#rows.get(id);
    if (!row) return;
    const last = tailLines(text.slice(-400), 1)[0];
    if (last !== undefined) row.last = last;
  }

  finished(r: GateResult): void {
    const row = this.#rows.get(r.id);
    if (!row) return;
    row.status = r.status;
    row.durationMs = r.durationMs;
    row.last = _statusText(r);
    if (r.status !== "passed" && r.status !== "skipped") {
      // The parsed failure first (test, message, file:line), then the tail.
      row.tail = [...failureHeadlines(r).map((l) => `✘ ${l}`), ...tailLines(r.output, TAIL_LINES)];
    }
  }

  close(): void {
    clearInterval(this.#timer);
    this.#draw();
  }

  #paint(code: string, text: string): string {
    return this.#color ? `\x1b[${code}m${text}\x1b[0m` : text;
  }

  #fit(text: string, room: number): string {
    return text.length <= room ? text : text.slice(0, Math.max(0, room - 1)) + "…";
  }

  #draw(): void {
    this.#frame++;
    const width = Math.max(...[...this.#rows.values()].map((r) => r.step.id.length), 4);
    const lines: string[] = [];
    for (const row of this.#rows.values()) {
      const [icon, code] = this.#icon(row);
      const ms = row.durationMs ??
        (row.started !== undefined ? performance.now() - row.started : undefined);
      const time = ms === undefined ? "" : _seconds(ms);
      const head = `${icon} ${row.step.id.padEnd(width)} ${time.padStart(7)} `;
      const rest = this.#fit(
        row.status === "running" ? row.last : row.last || row.status,
        this.#columns - head.length - 1,
      );
      lines.push(this.#paint(code, icon) + head.slice(1) + this.#paint("2", rest));
      for (const t of row.tail) {
        lines.push(this.#paint("2", this.#fit(`    │ ${t}`, this.#columns - 1)));
      }
    }
    let out = this.#drawn > 0 ? `\x1b[${this.#drawn}F` : "";
    for (const l of lines) out += `\x1b[2K${l}\n`;
    out += "\x1b[J";
    this.#drawn = lines.length;
    this.#write(out);
  }

  #icon(row: _Row): [string, string] {
    switch (row.status) {
      case "pending":
        return ["·", "2"];
      case "running":
        return [SPINNER[this.#frame % SPINNER.length]!, "36"];
      case "passed":
        return ["✔", "32"];
      case "skipped":
        return ["-", "2"];
      default:
        return row.step.required && !row.step.continueOnError ? ["✘", "31"] : ["!", "33"];
    }
  }
}
