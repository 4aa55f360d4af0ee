/**
 * The shell executor: the one place in fleet-orch where a process starts.
 *
 * Every command line is judged by the policy hook before anything is spawned;
 * a denied command never starts. Commands run under a small bash supervisor
 * that puts the command in its own process group and watches a lifeline pipe:
 * when fleet-orch closes the pipe (timeout, abort) or dies (even by SIGKILL,
 * which closes the pipe too), the supervisor kills the whole group, so no gate
 * process outlives its run. Output is streamed with bounded memory: the head
 * and tail are kept, the full log goes to a file when asked.
 *
 * Untrusted commands (gates, recipes) get an allowlisted environment
 * (`core/gate_env.ts`) and, when asked, run inside the bubblewrap sandbox
 * (`core/sandbox.ts`); the policy judges the command as written, never the
 * sandbox wrapper around it.
 *
 * @module
 */

import { PolicyViolation } from "./errors.ts";
import {
  BoundedBuffer,
  DEFAULT_LOG_LIMIT_BYTES,
  HeadTailLog,
  LineRedactor,
} from "./_exec_output.ts";
import { gateEnvironment } from "./gate_env.ts";
import {
  findBwrap,
  gitDirsOf,
  probeArgv,
  sandboxArgv,
  type SandboxMode,
  type SandboxProbe,
  type SandboxSpec,
  sandboxToolEnv,
  sanitizedGitConfigs,
} from "./sandbox.ts";

/** The policy engine's answer about one command line. */
export interface CommandJudgement {
  /** Whether the command may run. */
  allowed: boolean;
  /** Id of the rule that decided, or null. */
  rule: string | null;
  /** Why, in words a user can act on. */
  message: string;
}

/** A function that judges a command line before it runs. */
export type CommandJudge = (commandLine: string) => CommandJudgement;

/** Options of one run. */
export interface RunOptions {
  /** Working directory. @default Deno.cwd() */
  cwd?: string;
  /** Extra environment variables for this call (merged over the executor's). */
  env?: Record<string, string>;
  /** Kill the process tree after this many milliseconds. */
  timeoutMs?: number;
  /** Abort the run (kills the process tree). */
  signal?: AbortSignal;
  /**
   * Write the output (stdout and stderr merged) to this file; past the
   * executor's `logLimitBytes`, its head and tail with a marker line.
   */
  logFile?: string;
  /** Receives output as it arrives (decoded text). */
  onOutput?: (text: string) => void;
  /** Text fed to the command's standard input. */
  stdin?: string;
  /** Bytes of output kept from the start. @default 16384 */
  headBytes?: number;
  /** Bytes of output kept from the end. @default 65536 */
  tailBytes?: number;
  /**
   * Return the output byte-exact instead of redacted (the log file and the
   * live view are redacted regardless). Only for fleet-orch's own plumbing
   * whose output is data, not a message: git diffs and file contents that
   * are applied or compared, never shown. @default false
   */
  rawOutput?: boolean;
  /**
   * Run as untrusted code: an allowlisted environment instead of the
   * inherited one, and the sandbox when `sandbox` is given.
   */
  untrusted?: UntrustedRun;
}

/** How an untrusted command runs. */
export interface UntrustedRun {
  /** Variables passed beyond the allowlist (a gate's `env_passthrough`). */
  passthrough?: readonly string[];
  /**
   * Run in the sandbox with these rights. Without a usable sandbox the
   * executor's mode decides: `required` throws {@link SandboxUnavailableError},
   * `auto` runs unsandboxed (the caller warned once), `off` never sandboxes.
   */
  sandbox?: SandboxSpec;
}

/** A run asked for the sandbox under `safety.sandbox: required` and none works here. */
export class SandboxUnavailableError extends Error {
  /** The probe's answer. */
  readonly probe: SandboxProbe;
  /**
   * @param probe Why the sandbox is not available.
   */
  constructor(probe: SandboxProbe) {
    super(
      `safety.sandbox is "required" but no sandbox is available: ${probe.reason}. ` +
        `Install bubblewrap (apt-get install bubblewrap) and allow user namespaces, ` +
        `or set safety.sandbox to "auto"`,
    );
    this.name = "SandboxUnavailableError";
    this.probe = probe;
  }
}

/** What a run produced. */
export interface RunResult {
  /** The command line that ran. */
  command: string;
  /** Exit code; 128+N when killed by signal N. */
  code: number;
  /** True when the run was killed by its timeout. */
  timedOut: boolean;
  /** True when the run was killed by its abort signal. */
  aborted: boolean;
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
  /**
   * Output, complete when small, else head + marker + tail; redacted when the
   * executor has a redactor (unless `rawOutput` was asked for).
   */
  output: string;
  /** Total bytes of output. */
  bytes: number;
  /** True when `output` lost a middle part. */
  truncated: boolean;
}

/** A long-lived process with piped standard input and output. */
export interface InteractiveProcess {
  /** Process id of the supervisor. */
  pid: number;
  /** Write to the command's standard input. */
  stdin: WritableStream<Uint8Array>;
  /** The command's standard output. */
  stdout: ReadableStream<Uint8Array>;
  /** The command's standard error. */
  stderr: ReadableStream<Uint8Array>;
  /** Resolves with the exit code. */
  status: Promise<number>;
  /** Kill the process tree. */
  kill(): void;
}

/** Options of the executor. */
export interface ExecutorOptions {
  /** The policy hook; every command line passes it first. */
  judge: CommandJudge;
  /** Environment added to every run. */
  env?: Record<string, string>;
  /** Shell that interprets command lines. @default "bash" */
  shell?: string;
  /**
   * The redaction chokepoint: applied to every line of child output before
   * it reaches anything (the returned output, the log file, the live view),
   * so a secret a command prints never reaches a console, a report, a log or
   * a model. core/ cannot import the policy layer: the caller hands it in.
   */
  redact?: (text: string) => string;
  /**
   * Environment variables removed from what `run` passes on (fleet-orch's own
   * model keys: gates and deploy commands have no use for them, and code a
   * model wrote must not be able to read them). `open` keeps them: exec
   * plugins of kind llm need their key.
   */
  hideEnv?: readonly string[];
  /**
   * The environment fleet-orch runs in, from which untrusted runs take the
   * allowlisted part. @default Deno.env.toObject()
   */
  parentEnv?: Record<string, string>;
  /** The gate sandbox. @default { mode: "off" } */
  sandbox?: SandboxOptions;
  /**
   * Size past which a log file keeps only its first and last halves (config
   * `report.full_logs: true` passes null: keep everything). @default 2 MiB
   */
  logLimitBytes?: number | null;
}

/** Options of the executor's sandbox. */
export interface SandboxOptions {
  /** `safety.sandbox`. */
  mode: SandboxMode;
  /**
   * The bwrap binary. @default FLEET_ORCH_BWRAP from the parent environment,
   * else `bwrap` on PATH
   */
  bwrap?: string;
}

// One probe per bwrap binary and process: the answer does not change while
// fleet-orch runs, and every gate would otherwise pay for a spawn.
const _probes = new Map<string, Promise<SandboxProbe>>();

// The supervisor. $1 = shell, $2 = command line, $3 = "1" when the command
// reads the supervisor's stdin (interactive), else the command gets /dev/null
// and stdin is the lifeline; $4, when not empty, is a file fed to the
// command's stdin instead of /dev/null; the words after $4 are a wrapper the
// shell runs under (the sandbox), none for a plain run. For interactive
// processes the lifeline is fd 3, a second pipe is not available from Deno,
// so the plugin's stdin EOF ends it.
const SUPERVISOR = `
exec 4>&2 2>/dev/null
sh=$1 cmd=$2 mode=$3 in=\${4:-/dev/null}
shift 4
set -m
if [ "$mode" = "1" ]; then
  "$@" "$sh" -c "$cmd" 2>&4 4>&- &
  child=$!
  set +m
  trap 'kill -KILL -"$child" 2>/dev/null; exit 143' TERM
  wait "$child"; rc=$?
  kill -KILL -"$child" 2>/dev/null
  exit "$rc"
fi
exec 3<&0
# The guard runs in a process group of its own: a kill of the caller's group
# (a CI system cancelling the job, kill -9 of fleet-orch's group) takes the
# caller and this shell down, but not the guard, which then sees the lifeline
# close and kills the command's group. Without it such a kill orphaned gates.
{
  trap '' HUP
  set -m
  "$@" "$sh" -c "$cmd" <"$in" 2>&1 3<&- 4>&- &
  child=$!
  { while read -r _ <&3; do :; done; kill -KILL -"$child" 2>/dev/null; } &
  watcher=$!
  set +m
  trap 'kill -KILL -"$child" 2>/dev/null; kill "$watcher" 2>/dev/null; exit 143' TERM
  wait "$child"; rc=$?
  kill -KILL -"$child" 2>/dev/null
  kill "$watcher" 2>/dev/null
  exit "$rc"
} &
guard=$!
set +m
trap 'kill -TERM "$guard" 2>/dev/null; wait "$guard"; exit 143' TERM
wait "$guard"; rc=$?
exit "$rc"
`;

/** Quote one word for a POSIX shell. */
export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_\-./=:,@%+]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Join argv into a command line that a POSIX shell splits back into argv. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}

/**
 * Runs command lines after the policy hook allows them. The only place that
 * calls `Deno.Command`.
 *
 * @example
 * ```ts
 * import { ShellExecutor } from "./exec.ts";
 * const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
 * const r = await exec.run("echo hello");
 * console.assert(r.code === 0 && r.output === "hello\n");
 * ```
 */
export class ShellExecutor {
  readonly #judge: CommandJudge;
  readonly #env: Record<string, string>;
  readonly #shell: string;
  readonly #redact: ((text: string) => string) | undefined;
  readonly #hideEnv: readonly string[];
  readonly #parentEnv: Record<string, string> | undefined;
  readonly #sandboxMode: SandboxMode;
  readonly #bwrap: string | undefined;
  readonly #logLimit: number | null;

  /**
   * Make an executor.
   *
   * @param options The policy hook and defaults.
   */
  constructor(options: ExecutorOptions) {
    this.#judge = options.judge;
    this.#env = options.env ?? {};
    this.#shell = options.shell ?? "bash";
    this.#redact = options.redact;
    this.#hideEnv = options.hideEnv ?? [];
    this.#parentEnv = options.parentEnv;
    this.#sandboxMode = options.sandbox?.mode ?? "off";
    this.#bwrap = options.sandbox?.bwrap;
    this.#logLimit = options.logLimitBytes === undefined
      ? DEFAULT_LOG_LIMIT_BYTES
      : options.logLimitBytes;
  }

  /** The configured sandbox mode (`safety.sandbox`). */
  get sandboxMode(): SandboxMode {
    return this.#sandboxMode;
  }

  #parent(): Record<string, string> {
    return this.#parentEnv ?? Deno.env.toObject();
  }

  /**
   * Whether the sandbox works here: bwrap exists and a trivial sandbox runs.
   * Probed once per binary and process; the probe passes the policy like
   * every other command.
   *
   * @returns The probe's answer.
   */
  probeSandbox(): Promise<SandboxProbe> {
    const parent = this.#parent();
    const bwrap = this.#bwrap ?? findBwrap((n) => parent[n]);
    if (bwrap === "") {
      return Promise.resolve({
        available: false,
        bwrap,
        reason: "bwrap (bubblewrap) is not installed",
      });
    }
    let probe = _probes.get(bwrap);
    if (!probe) {
      probe = this.#probe(bwrap);
      _probes.set(bwrap, probe);
    }
    return probe;
  }

  async #probe(bwrap: string): Promise<SandboxProbe> {
    try {
      if (!(await Deno.stat(bwrap)).isFile) {
        return { available: false, bwrap, reason: `"${bwrap}" is not a file` };
      }
    } catch {
      return { available: false, bwrap, reason: `"${bwrap}" does not exist` };
    }
    try {
      const version = await this.run(shellJoin([bwrap, "--version"]), { timeoutMs: 30_000 });
      const r = await this.run(shellJoin(probeArgv(bwrap)), { timeoutMs: 30_000 });
      const found = version.code === 0 ? version.output.trim().split("\n")[0] : undefined;
      if (r.code !== 0) {
        return {
          available: false,
          bwrap,
          ...(found ? { version: found } : {}),
          reason: `"${bwrap}" cannot create a sandbox here (exit code ${r.code}: ${
            r.output.trim().slice(0, 300) || "no output"
          }); unprivileged user namespaces may be disabled`,
        };
      }
      return {
        available: true,
        bwrap,
        ...(found ? { version: found } : {}),
        reason: `${found ?? "bwrap"} at ${bwrap}`,
      };
    } catch (e) {
      return { available: false, bwrap, reason: (e as Error).message };
    }
  }

  // With names to hide, the child gets an explicit environment without them;
  // otherwise Deno merges the extra variables over the inherited ones. An
  // untrusted run starts from the allowlist instead of the inheritance; the
  // model keys stay hidden even when a gate names them.
  #childEnv(
    extra: Record<string, string> | undefined,
    untrusted?: UntrustedRun,
  ): { env: Record<string, string>; clearEnv: boolean } {
    const env = { ...this.#env, ...extra };
    if (untrusted) {
      const all = { ...gateEnvironment(this.#parent(), untrusted.passthrough ?? []), ...env };
      for (const name of this.#hideEnv) delete all[name];
      return { env: all, clearEnv: true };
    }
    if (this.#hideEnv.length === 0 && this.#parentEnv === undefined) {
      return { env, clearEnv: false };
    }
    const all: Record<string, string> = { ...this.#parent(), ...env };
    for (const name of this.#hideEnv) delete all[name];
    return { env: all, clearEnv: true };
  }

  // The wrapper argv for a sandboxed run ([] for a plain one), the
  // environment additions inside, and what to remove afterwards.
  async #wrapper(
    untrusted: UntrustedRun | undefined,
    cwd: string,
    env: Record<string, string>,
  ): Promise<{ prefix: string[]; env: Record<string, string>; tmp?: string }> {
    const spec = untrusted?.sandbox;
    if (!spec || this.#sandboxMode === "off") return { prefix: [], env };
    const probe = await this.probeSandbox();
    if (!probe.available) {
      if (this.#sandboxMode === "required") throw new SandboxUnavailableError(probe);
      return { prefix: [], env };
    }
    const tmp = await Deno.makeTempDir({ prefix: "fleet-orch-sandbox-" });
    try {
      const overlays = sanitizedGitConfigs(spec.writable, tmp);
      // git in the gate needs the repository's git directories (read-only).
      const readable = spec.writable.flatMap((w) => {
        const dirs = gitDirsOf(w);
        return dirs ? [dirs.common, dirs.gitDir] : [];
      });
      const prefix = sandboxArgv(spec, {
        bwrap: probe.bwrap,
        // Hidden even when the gate runs with another HOME: the files are the user's.
        home: this.#parent().HOME ?? env.HOME,
        cwd,
        readable,
        overlays,
      });
      return { prefix, env: { ...env, ...sandboxToolEnv(env) }, tmp };
    } catch (e) {
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
      throw e;
    }
  }

  /**
   * Redact a text with the executor's redactor (identity without one), for
   * output that reaches fleet-orch another way (plugin gates, error messages).
   *
   * @param text The text.
   * @returns The redacted text.
   */
  redactText(text: string): string {
    return this.#redact ? this.#redact(text) : text;
  }

  /**
   * Judge a command line without running it.
   *
   * @param commandLine The command line.
   * @returns The judgement.
   */
  judge(commandLine: string): CommandJudgement {
    return this.#judge(commandLine);
  }

  #enforce(commandLine: string): void {
    const verdict = this.#judge(commandLine);
    if (!verdict.allowed) {
      throw new PolicyViolation(
        `Command refused by policy${verdict.rule ? ` (${verdict.rule})` : ""}: ${verdict.message}`,
        verdict.rule,
        commandLine,
      );
    }
  }

  /**
   * Run a command line through the shell, after the policy allows it.
   *
   * @param commandLine A shell command line.
   * @param options Per-call cwd, env, timeout, log file, output callback.
   * @returns Exit code, bounded output and timings.
   * @throws {PolicyViolation} When the policy denies the command (nothing starts).
   */
  async run(commandLine: string, options: RunOptions = {}): Promise<RunResult> {
    this.#enforce(commandLine);
    const cwd = options.cwd ?? Deno.cwd();
    const childEnv = this.#childEnv(options.env, options.untrusted);
    const wrap = await this.#wrapper(options.untrusted, cwd, childEnv.env);
    let stdinFile: string | undefined;
    const cleanup = async () => {
      if (stdinFile) await Deno.remove(stdinFile).catch(() => {});
      if (wrap.tmp) await Deno.remove(wrap.tmp, { recursive: true }).catch(() => {});
    };
    if (options.stdin !== undefined) {
      try {
        stdinFile = await Deno.makeTempFile({ prefix: "fleet-orch-stdin-" });
        await Deno.writeTextFile(stdinFile, options.stdin);
      } catch (e) {
        await cleanup();
        throw e;
      }
    }
    const args = [
      "-c",
      SUPERVISOR,
      "fleet-orch-guard",
      this.#shell,
      commandLine,
      "0",
      stdinFile ?? "",
      ...wrap.prefix,
    ];
    // The log file is opened before the spawn: a failure to open it must
    // not leave a started command running unsupervised.
    let log: HeadTailLog | undefined;
    let child: Deno.ChildProcess;
    const started = performance.now();
    try {
      // Readable too: past the limit, closing reads the part it moves.
      log = options.logFile
        ? new HeadTailLog(
          await Deno.open(options.logFile, {
            read: true,
            write: true,
            create: true,
            truncate: true,
          }),
          this.#logLimit,
        )
        : undefined;
      child = new Deno.Command("bash", {
        args,
        cwd,
        env: wrap.env,
        clearEnv: childEnv.clearEnv,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      await log?.close().catch(() => {});
      await cleanup();
      throw e;
    }
    const lifeline = child.stdin.getWriter();
    let timedOut = false;
    let aborted = false;
    const cut = () => {
      lifeline.close().catch(() => {});
    };
    const timer = options.timeoutMs !== undefined
      ? setTimeout(() => {
        timedOut = true;
        cut();
      }, options.timeoutMs)
      : undefined;
    const onAbort = () => {
      aborted = true;
      cut();
    };
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });

    const buffer = new BoundedBuffer(options.headBytes ?? 16384, options.tailBytes ?? 65536);
    const decoder = options.onOutput ? new TextDecoder() : undefined;
    const drainStderr = new Response(child.stderr).text();
    // The chokepoint: every byte the child prints is redacted before any
    // sink sees it — the kept head and tail (so excerpts, failures, --json,
    // reports and prompts), the log file and the live view. Only callers
    // that asked for rawOutput (git plumbing: a diff must stay byte-exact)
    // keep raw bytes in the returned output, never in the log or the view.
    const rawKept = !this.#redact || options.rawOutput === true;
    const redactor = this.#redact && (log || decoder || !rawKept)
      ? new LineRedactor(this.#redact)
      : undefined;
    let rawBytes = 0;
    const sink = async (chunk: Uint8Array) => {
      if (!rawKept) buffer.push(chunk);
      if (log) await log.write(chunk);
      if (decoder) options.onOutput!(decoder.decode(chunk, { stream: true }));
    };
    try {
      for await (const raw of child.stdout) {
        rawBytes += raw.length;
        if (rawKept) buffer.push(raw);
        const shown = redactor ? redactor.push(raw) : raw;
        if (shown.length) await sink(shown);
      }
      if (redactor) {
        const rest = redactor.flush();
        if (rest.length) await sink(rest);
      }
    } catch (e) {
      // A failing log write or output callback: stop the command rather than
      // leave it running with nobody reading its output.
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      cut();
      await child.status;
      await drainStderr.catch(() => "");
      await cleanup();
      throw e;
    } finally {
      await log?.close();
    }
    const status = await child.status;
    const supervisorErr = await drainStderr;
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    await lifeline.close().catch(() => {});
    await cleanup();
    const { text, truncated } = buffer.text();
    return {
      command: commandLine,
      code: status.code,
      timedOut,
      aborted,
      durationMs: performance.now() - started,
      output: supervisorErr
        ? text + (rawKept ? supervisorErr : this.redactText(supervisorErr))
        : text,
      bytes: rawBytes,
      truncated,
    };
  }

  /**
   * Run a program with arguments (no shell interpretation of the words).
   * The policy judges the quoted command line.
   *
   * @param argv Program and arguments.
   * @param options As for {@link ShellExecutor.run}.
   * @returns As for {@link ShellExecutor.run}.
   * @throws {PolicyViolation} When the policy denies the command.
   */
  runArgv(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.run(shellJoin(argv), options);
  }

  /**
   * Run a program directly, without the shell and its supervisor, once the
   * policy allows the command line {@link ShellExecutor.runArgv} would judge.
   * Only for fleet-orch's own fixed git queries (`git rev-parse` finding the
   * repository): one process that starts no other, reads no input and ends
   * at once, where the supervisor's two shells cost more than the command.
   * The timeout kills the process itself; the output is its stdout followed
   * by its stderr, redacted as {@link ShellExecutor.run} does.
   *
   * @param argv Program and arguments.
   * @param options cwd, env, timeout, rawOutput.
   * @returns As for {@link ShellExecutor.run}.
   * @throws {PolicyViolation} When the policy denies the command (nothing starts).
   */
  async runDirect(
    argv: readonly [string, ...string[]],
    options: Pick<RunOptions, "cwd" | "env" | "timeoutMs" | "rawOutput"> = {},
  ): Promise<RunResult> {
    const commandLine = shellJoin(argv);
    this.#enforce(commandLine);
    const childEnv = this.#childEnv(options.env);
    const started = performance.now();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd: options.cwd ?? Deno.cwd(),
        env: childEnv.env,
        clearEnv: childEnv.clearEnv,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      // As the shell would say it, so callers see one answer either way.
      const output = `${argv[0]}: command not found\n`;
      return {
        command: commandLine,
        code: 127,
        timedOut: false,
        aborted: false,
        durationMs: performance.now() - started,
        output,
        bytes: output.length,
        truncated: false,
      };
    }
    let timedOut = false;
    const timer = options.timeoutMs !== undefined
      ? setTimeout(() => {
        timedOut = true;
        try {
          child.kill("SIGKILL");
        } catch {
          // It ended on its own meanwhile.
        }
      }, options.timeoutMs)
      : undefined;
    const out = await child.output().finally(() => clearTimeout(timer));
    const bytes = new Uint8Array(out.stdout.length + out.stderr.length);
    bytes.set(out.stdout);
    bytes.set(out.stderr, out.stdout.length);
    const text = new TextDecoder().decode(bytes);
    return {
      command: commandLine,
      code: out.code,
      timedOut,
      aborted: false,
      durationMs: performance.now() - started,
      output: options.rawOutput ? text : this.redactText(text),
      bytes: bytes.length,
      truncated: false,
    };
  }

  /**
   * Start a long-lived process with piped stdin and stdout (exec plugins).
   * Closing its stdin, or killing it, ends the whole process tree.
   *
   * @param commandLine The command line.
   * @param options cwd and env.
   * @returns A handle on the process.
   * @throws {PolicyViolation} When the policy denies the command.
   */
  open(commandLine: string, options: Pick<RunOptions, "cwd" | "env"> = {}): InteractiveProcess {
    this.#enforce(commandLine);
    const child = new Deno.Command("bash", {
      args: ["-c", SUPERVISOR, "fleet-orch-guard", this.#shell, commandLine, "1", ""],
      cwd: options.cwd ?? Deno.cwd(),
      env: { ...this.#env, ...options.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return {
      pid: child.pid,
      stdin: child.stdin,
      stdout: child.stdout,
      stderr: child.stderr,
      status: child.status.then((s) => s.code),
      kill: () => {
        try {
          child.kill("SIGTERM");
        } catch {
          // already gone
        }
      },
    };
  }
}
