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

/** One deploy command's outcome. */
export interface DeployStep {
  /** The command line. */
  command: string;
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
  commands: readonly string[];
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
}): Promise<{ ok: boolean; steps: DeployStep[] }> {
  checkDeployPlan({ ...input, judge: (c) => input.exec.judge(c) });
  const steps: DeployStep[] = [];
  for (const command of input.commands) {
    if (input.dryRun) {
      input.log.info(`[dry run] would deploy to ${input.environment}: ${command}`);
      steps.push({ command, exitCode: null, durationMs: 0, output: "" });
      continue;
    }
    input.log.info(`Deploying to ${input.environment}: ${command}`);
    const r = await input.exec.run(command, {
      cwd: input.cwd,
      timeoutMs: input.timeoutMs,
      ...(input.env ? { env: input.env } : {}),
      // The deploy runs from the worktree the fix loop changed: not sandboxed
      // (it must reach the cloud), but it only gets what it declares.
      untrusted: { passthrough: input.envPassthrough ?? [] },
    });
    steps.push({
      command,
      exitCode: r.code,
      durationMs: r.durationMs,
      output: r.output.slice(-4000),
    });
    if (r.code !== 0) return { ok: false, steps };
  }
  return { ok: true, steps };
}
