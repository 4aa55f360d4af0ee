/**
 * The JSON verification report the seed wrote as `logs/verification_*.json`.
 *
 * @module
 */

import type { VerificationResult } from "../../core/types.ts";

/** The content of a verification report file. */
export interface VerificationReport {
  /** Environment checked. */
  environment: string;
  /** Whether every check passed. */
  ok: boolean;
  /** ISO time the checks started. */
  startedAt: string;
  /** ISO time the checks finished. */
  finishedAt: string;
  /** Every check. */
  results: VerificationResult[];
}

/**
 * Write a verification report as `verification_<env>_<YYYYMMDD_HHMMSS>.json`
 * in `dir` (created when missing). An existing file is never overwritten: a
 * `_2`, `_3`, … suffix is added instead.
 *
 * @param dir The folder.
 * @param report The report.
 * @returns The path written.
 * @throws {Deno.errors.PermissionDenied} When the folder cannot be written.
 */
export async function writeVerificationReport(
  dir: string,
  report: VerificationReport,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const stamp = report.startedAt.replace(/\.\d+Z$/, "").replace(/[-:]/g, "").replace("T", "_");
  const env = report.environment.replace(/[^A-Za-z0-9._-]/g, "_");
  const text = JSON.stringify(report, null, 2) + "\n";
  for (let n = 1;; n++) {
    const path = `${dir.replace(/\/+$/, "")}/verification_${env}_${stamp}${
      n === 1 ? "" : `_${n}`
    }.json`;
    try {
      await Deno.writeTextFile(path, text, { createNew: true });
      return path;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
  }
}
