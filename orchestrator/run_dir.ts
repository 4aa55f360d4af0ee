/**
 * Where a run writes: `.git/fleet-orch/runs/<run-id>/` (never in the working
 * tree), or `--report-dir` / `report.dir` when a CI system collects artifacts.
 *
 * @module
 */

import { dirname, isAbsolute, join, resolve } from "node:path";
import { timestamp } from "../core/git.ts";
import { messageOf, UsageError } from "../core/errors.ts";

/**
 * A new run id: UTC time plus a short random suffix.
 *
 * @param now The clock.
 * @returns e.g. `20261125_203000-a1b2`.
 */
export function newRunId(now: Date = new Date()): string {
  const rand = crypto.getRandomValues(new Uint8Array(2));
  return `${timestamp(now)}-${[...rand].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * Create the run's report directory.
 *
 * @param stateDir `.git/fleet-orch`.
 * @param runId The run id.
 * @param reportDir `--report-dir` or `report.dir`, relative to the repository root.
 * @param repoRoot The repository root.
 * @returns The directory (created), with a `logs/` folder inside.
 */
export async function createRunDir(
  stateDir: string,
  runId: string,
  reportDir: string | undefined,
  repoRoot: string,
): Promise<string> {
  const dir = reportDir
    ? join(isAbsolute(reportDir) ? reportDir : resolve(repoRoot, reportDir), runId)
    : join(stateDir, "runs", runId);
  try {
    await Deno.mkdir(join(dir, "logs"), { recursive: true });
  } catch (e) {
    if (!reportDir) throw e;
    // A report folder the user named that cannot hold the run is a usage error.
    throw new UsageError(
      `Cannot write reports under "${reportDir}" (--report-dir or report.dir): ${messageOf(e)}`,
    );
  }
  return dir;
}

/**
 * The seed's log folder (`report.layout: seed`): `logs/` next to the config
 * file, as the seed kept `logs/orchestrator.log` and `logs/verification_*.json`
 * beside its `config.yaml`; under `report.dir` when one is set.
 *
 * @param configFile The config file in use.
 * @param reportDir `--report-dir` or `report.dir`, relative to the repository root.
 * @param repoRoot The repository root.
 * @returns The folder (created).
 */
export async function createSeedLogDir(
  configFile: string,
  reportDir: string | undefined,
  repoRoot: string,
): Promise<string> {
  const dir = reportDir
    ? join(isAbsolute(reportDir) ? reportDir : resolve(repoRoot, reportDir), "logs")
    : join(dirname(configFile), "logs");
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}
