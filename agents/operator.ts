/**
 * The operator (the seed's DevOpsAgent): runs an environment's deploy
 * commands through the executor, so every one passes the policy engine
 * (which never lets a cloud resource be deleted or a secret rotated), and
 * refuses production without explicit approval.
 *
 * @module
 */

import { PolicyViolation } from "../core/errors.ts";
import type { ShellExecutor } from "../core/exec.ts";
import type { Logger } from "../core/log.ts";

/** One deploy command to run, with a short name for messages and logs. */
export interface NamedCommand {
  /** Short name (`build`, `apply`, or the command's position). */
  name: string;
  /** The command line. */
  command: string;
}

/** One deploy command's outcome. */
export interface DeployStep {
  /** Short name. */
  name: string;
  /** The command line. */
  command: string;
  /** The full output's log file, when one was written. */
  logFile?: string;
  /** Exit code (null when not run: dry run). */
  exitCode: number | null;
  /** Duration in milliseconds. */
  durationMs: number;
  /** Tail of the output. */
  output: string;
}

/** Names treated as production even without `requires_approval: true`. */
export const PRODUCTION_NAMES: readonly string[] = ["prod", "production", "live"];

/**
 * Whether deploying to an environment needs explicit approval.
 *
 * @param name Environment name.
 * @param requiresApproval The environment's `requires_approval` setting.
 * @returns True for production-like environments.
 */
export function needsApproval(name: string, requiresApproval: boolean | undefined): boolean {
  return requiresApproval ?? PRODUCTION_NAMES.includes(name.toLowerCase());
}

/**
 * Judge a deploy plan as a whole before any of it runs (and before the run's
 * first gate or model call): production approval, then every command through
 * the policy. All refusals are reported together, so nothing is spent and no
 * environment is left half-deployed because of a command the policy was
 * always going to refuse.
 *
 * @param input Environment, its commands, the policy's judge and the approval.
 * @throws {PolicyViolation} When production is not approved, or any command is refused.
 */
export function checkDeployPlan(input: {
  environment: string;
  commands: readonly string[];
  judge: (command: string) => { allowed: boolean; rule: string | null; message: string };
  approved: boolean;
  requiresApproval: boolean | undefined;
}): void {
  if (needsApproval(input.environment, input.requiresApproval) && !input.approved) {
    throw new PolicyViolation(
      `Deploying to "${input.environment}" needs explicit approval: pass --approve (or approve the pipeline's gate)`,
      "production-approval",
      input.environment,
    );
  }
  const refused = input.commands
    .map((command) => ({ command, verdict: input.judge(command) }))
    .filter((c) => !c.verdict.allowed);
  if (refused.length === 0) return;
  const first = refused[0]!;
  const list = refused.map((c, i) =>
    `${refused.length > 1 ? `${i + 1}. ` : ""}${c.command}: ${c.verdict.message}`
  );
  throw new PolicyViolation(
    `Deploy plan for "${input.environment}" refused by policy (nothing was run): ${
      list.join("; ")
    }`,
    first.verdict.rule,
    first.command,
  );
}

/**
 * Deploy: run the environment's commands in order, stopping at the first failure.
 * The whole plan is judged first ({@link checkDeployPlan}).
 *
 * @param input Environment, commands, executor, directory, approval, dry run.
 * @returns The steps and whether all succeeded.
 * @throws {PolicyViolation} When production is not approved, or a command is refused.
 */
export async function deploy(input: {
  environment: string;
  commands: readonly (string | NamedCommand)[];
  exec: ShellExecutor;
  cwd: string;
  approved: boolean;
  requiresApproval: boolean | undefined;
  dryRun: boolean;
  timeoutMs: number;
  log: Logger;
  env?: Record<string, string>;
  /**
   * Variables the deploy commands get beyond the allowlist (names or
   * `PREFIX_*`): `agents.devops.env_passthrough`. Everything else of the job's
   * environment (VCS tokens, database URLs, model keys) is withheld.
   */
  envPassthrough?: readonly string[];
  /** Folder for each step's full output (`deploy-<n>-<name>.log`); none when absent. */
  logDir?: string;
  /** Prefix of the log file names (an attempt number). */
  logPrefix?: string;
  /** Stops the running step (its process tree is killed) and skips the rest. */
  signal?: AbortSignal;
}): Promise<{ ok: boolean; steps: DeployStep[] }> {
  const named = input.commands.map((c, i) =>
    typeof c === "string" ? { name: `step ${i + 1}`, command: c } : c
  );
  checkDeployPlan({
    ...input,
    commands: named.map((c) => c.command),
    judge: (c) => input.exec.judge(c),
  });
  const steps: DeployStep[] = [];
  for (const [i, { name, command }] of named.entries()) {
    if (input.signal?.aborted) return { ok: false, steps };
    if (input.dryRun) {
      input.log.info(`[dry run] would deploy to ${input.environment} (${name}): ${command}`);
      steps.push({ name, command, exitCode: null, durationMs: 0, output: "" });
      continue;
    }
    input.log.info(`Deploying to ${input.environment} (${name}): ${command}`);
    const slug = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "step";
    const logFile = input.logDir
      ? `${input.logDir.replace(/\/+$/, "")}/deploy-${input.logPrefix ?? ""}${i + 1}-${slug}.log`
      : undefined;
    // Output is redacted by the executor at the source: console, report and log alike.
    const r = await input.exec.run(command, {
      cwd: input.cwd,
      timeoutMs: input.timeoutMs,
      ...(input.env ? { env: input.env } : {}),
      ...(logFile ? { logFile } : {}),
      // The deploy runs from the worktree the fix loop changed: not sandboxed
      // (it must reach the cloud), but it only gets what it declares.
      untrusted: { passthrough: input.envPassthrough ?? [] },
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const step: DeployStep = {
      name,
      command,
      exitCode: r.code,
      durationMs: r.durationMs,
      output: r.output.slice(-4000),
      ...(logFile ? { logFile } : {}),
    };
    steps.push(step);
    // Interrupted: the step was killed, not failed; nothing more runs.
    if (input.signal?.aborted) return { ok: false, steps };
    const tail = tailLines(r.output, r.code === 0 ? 5 : 30);
    if (r.code !== 0) {
      input.log.error(
        `Deploy step "${name}" failed (exit ${r.code}, ${Math.round(r.durationMs)} ms)` +
          (tail ? `:\n${tail}` : ""),
      );
      return { ok: false, steps };
    }
    input.log.info(`Deploy step "${name}" ok (${Math.round(r.durationMs)} ms)`);
    if (tail) input.log.debug(tail);
  }
  return { ok: true, steps };
}

/** The last `n` non-empty lines of an output, indented for the console. */
function tailLines(output: string, n: number): string {
  return output.split("\n").map((l) => l.trimEnd()).filter(Boolean).slice(-n)
    .map((l) => `    ${l}`).join("\n");
}

/**
 * The repository files a deploy command names: every word (or the value of
 * `--flag=value`, `@file`) that is a file of the repository or a folder
 * holding some (`kubectl apply -f k8s/` names every file under `k8s/`).
 * These go to the fixer with a failing step's output.
 *
 * @param command The command line (config-authored).
 * @param known The repository's files, relative paths.
 * @returns The files, in the order the command names them.
 */
export function namedFiles(command: string, known: readonly string[]): string[] {
  const out: string[] = [];
  const add = (f: string) => {
    if (!out.includes(f)) out.push(f);
  };
  for (const word of shellWords(command)) {
    for (const raw of [word, word.replace(/^[^=]*=/, ""), word.replace(/^@/, "")]) {
      const p = raw.replace(/^\.\//, "").replace(/\/+$/, "");
      if (!p || p.startsWith("-") || p.startsWith("/") || p.split("/").includes("..")) continue;
      if (p === ".") continue; // the whole repository is not a manifest
      if (known.includes(p)) add(p);
      else known.filter((f) => f.startsWith(p + "/")).forEach(add);
    }
  }
  return out;
}

/** Words of a command line, with simple quoting (deploy commands come from the config). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of command.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3] ?? "");
  return words;
}
