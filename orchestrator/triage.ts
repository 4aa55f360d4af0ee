/**
 * Triage before treatment, the lifecycle step between the baseline gates
 * and the fix loop. Every failed required gate is classified (the signature
 * table of gates/triage.ts): a missing secret stops the run at once
 * (`configuration`); a network, registry, disk or runner failure is retried
 * with backoff within a budget and then stops the run (`infrastructure`);
 * the remaining failures are re-run once, unchanged, in the same worktree: a
 * gate that passes then is flaky, and when that leaves the build green the
 * run ends `flaky` with no model call and no commit. Only what fails twice
 * goes on to recipes and the fixer, so a patch is credited with a fix only
 * when the gate failed deterministically before it.
 *
 * @module
 */

import type { GateResult } from "../core/types.ts";
import { describeTriage, type GateTriage, triageGate } from "../gates/triage.ts";
import { failureLocation } from "../report/text.ts";
import { failingRequired, green, mergeGates, runCounted, type RunState } from "./state.ts";

/** Options of {@link triageStep}. */
export interface TriageOptions {
  /** Re-run code failures once to tell flaky from deterministic (before the first fix only). */
  flakyCheck: boolean;
  /** Label of the gate logs of the re-runs. */
  label: string;
}

/**
 * Classify the failing gates of the run and act on the classes that are not
 * the code's fault. Sets `s.stop` when the run must end (`configuration`,
 * `infrastructure`, `flaky`); otherwise leaves `s.gates` holding the
 * failures that deserve a fix.
 *
 * @param s The run.
 * @param options Whether to re-run for flakiness, log label.
 */
export async function triageStep(s: RunState, options: TriageOptions): Promise<void> {
  s.triage ??= [];
  const o = s.rt.loaded.config.agents.orchestrator;
  const retries = o.infra_retries;
  const backoffMs = o.infra_backoff_seconds * 1000;
  let verdicts = judge(s.gates);
  let attempt = 0;
  while (true) {
    const config = verdicts.find((t) => t.class === "configuration");
    if (config) {
      record(s, config, attempt);
      s.stop = {
        reason: "configuration",
        message: `${describeTriage(config)} (no fix was attempted)`,
      };
      s.log.error(s.stop.message);
      return;
    }
    const infra = verdicts.filter((t) => t.class === "infrastructure");
    if (infra.length === 0) break;
    if (attempt >= retries) {
      for (const t of infra) record(s, t, attempt);
      s.stop = {
        reason: "infrastructure",
        message: `${infra.map(describeTriage).join("; ")} (still failing after ${attempt} ${
          attempt === 1 ? "retry" : "retries"
        }; no fix was attempted: this is not a code bug)${
          // After a fix, gates run in the sandbox, which has no network.
          !options.flakyCheck && s.sandbox?.active
            ? "; after a fix gates run sandboxed without network: give a gate that needs it `network: true`"
            : ""}`,
      };
      s.log.error(s.stop.message);
      return;
    }
    // Backoff doubles: 1x, 2x, 4x the configured base.
    const wait = backoffMs * 2 ** attempt;
    attempt++;
    s.log.warn(
      `${infra.map(describeTriage).join("; ")}; retrying in ${
        Math.round(wait / 1000)
      } s (retry ${attempt}/${retries})`,
    );
    await pause(wait, s.opts.signal);
    if (s.opts.signal?.aborted) return;
    const again = await runCounted(s, `${options.label}-retry-${attempt}`, {
      only: infra.map((t) => t.gate),
      reuse: "unchanged",
    });
    s.gates = mergeGates(s.gates, again);
    verdicts = judge(s.gates);
  }
  if (attempt > 0) s.log.info(`The infrastructure failure cleared after ${attempt} retry(ies)`);
  if (!options.flakyCheck || green(s)) return;
  await flakyCheck(s, verdicts, options.label);
}

/** Re-run the failing gates once, unchanged; those that pass are flaky. */
async function flakyCheck(s: RunState, verdicts: GateTriage[], label: string): Promise<void> {
  const ids = verdicts.map((t) => t.gate);
  if (ids.length === 0) return;
  const before = new Map(s.gates.map((g) => [g.id, g]));
  s.log.info(`Re-running ${ids.join(", ")} once, unchanged, to tell a flaky failure from a bug`);
  const again = await runCounted(s, `${label}-flaky-check`, { only: ids, reuse: "unchanged" });
  s.gates = mergeGates(s.gates, again);
  for (const id of ids) {
    const now = s.gates.find((g) => g.id === id);
    const was = before.get(id)!;
    if (now?.status === "passed") {
      const tests = testsOf(was);
      s.triage!.push({ gate: id, class: "flaky", tests, retries: 1 });
      s.log.warn(
        `Gate "${id}" failed, then passed unchanged: flaky${
          tests.length ? ` (${tests.join("; ")})` : ""
        }`,
      );
    } else {
      s.triage!.push({ gate: id, class: "code", retries: 1 });
    }
  }
  if (green(s)) {
    const flaky = s.triage!.filter((t) => t.class === "flaky");
    s.stop = {
      reason: "flaky",
      message: `Flaky: ${
        flaky.map((t) => `gate "${t.gate}"${t.tests?.length ? ` (${t.tests.join("; ")})` : ""}`)
          .join(", ")
      } failed once and passed when re-run with no change; nothing was committed`,
    };
  }
}

/** The triage of every failing required gate. */
function judge(gates: GateResult[]): GateTriage[] {
  return gates.filter((g) => failingRequired(g) && g.status !== "skipped").map(triageGate);
}

function record(s: RunState, t: GateTriage, retries: number): void {
  s.triage!.push({
    gate: t.gate,
    class: t.class,
    ...(t.signature ? { signature: t.signature } : {}),
    ...(t.subject ? { subject: t.subject } : {}),
    ...(t.evidence ? { evidence: t.evidence } : {}),
    ...(t.advice ? { advice: t.advice } : {}),
    retries,
  });
}

/** The failed tests of a gate: name or message, with where. */
function testsOf(g: GateResult): string[] {
  return g.failures.slice(0, 5).map((f) => {
    const where = f.file ? ` at ${failureLocation(f)}` : "";
    return `${f.message.split("\n")[0]!.slice(0, 160)}${where}`;
  });
}

/** Wait, unless the run is aborted. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
