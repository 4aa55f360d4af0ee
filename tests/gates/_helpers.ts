/**
 * Shared helpers of the gate tests: an allow-all executor and temp dirs.
 *
 * @module
 */

import { ShellExecutor } from "../../core/exec.ts";
import type { GateStep } from "../../gates/plan.ts";

/** An executor whose policy allows everything. */
export function allowAll(): ShellExecutor {
  return new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
}

/** A step with defaults, for tests. */
export function step(id: string, run: string, extra: Partial<GateStep> = {}): GateStep {
  return {
    id,
    name: id,
    run,
    with: {},
    env: {},
    timeoutMs: 20_000,
    continueOnError: false,
    required: true,
    condition: "success",
    needs: [],
    ...extra,
  };
}

/** Run `fn` in a fresh temporary directory, removed afterwards. */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-gates-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
