/**
 * The models of a run, made from the agents' config through the plugin
 * registry like any plugin: a preset name is the built-in `openai` plugin with
 * that preset, any other name an `llm` plugin (see {@link llmReference}). Every
 * call is recorded in the run's cost ledger, and a call is refused once the
 * ledger has reached the cap.
 *
 * @module
 */

import { configDirOf } from "../core/registry.ts";
import type { LlmPlugin } from "../core/plugin.ts";
import type { CompletionRequest, CompletionResponse } from "../core/types.ts";
import { type CostLedger, costOf, findPrice, type ModelPrice } from "../plugins/llm/pricing.ts";
import { loadTokenCounter, promptTokensUpperBound } from "../agents/budget.ts";
import type { Models } from "./fix.ts";
import { llmReference, type Runtime } from "./runtime.ts";

/** The run's cost cap was reached, or the next call's worst case would pass it. */
export class CostCapReached extends Error {
  /**
   * @param spent Dollars spent.
   * @param cap The cap.
   * @param next The refused call's worst case, when that is why.
   * @param reserved Dollars reserved by calls in flight.
   */
  constructor(spent: number, cap: number, next?: number, reserved = 0) {
    super(
      spent >= cap || next === undefined
        ? `The cost cap of $${cap} is reached ($${spent.toFixed(4)} spent)`
        : `The cost cap of $${cap} would be exceeded: the next model call may cost up to ` +
          `$${next.toFixed(4)} ($${spent.toFixed(4)} spent, $${reserved.toFixed(4)} reserved ` +
          `by calls in flight); raise --max-cost-usd or lower max_tokens`,
    );
    this.name = "CostCapReached";
  }
}

/** Completion cap sent with a call whose agent sets no max_tokens (bounds its worst case). */
export const DEFAULT_MAX_COMPLETION_TOKENS = 4096;

// Every call reserves its worst case (prompt tokens + max_tokens at the
// model's price) in the run's ledger before it is sent, and settles to the
// real cost after: concurrent candidates share the ledger, so together they
// can never pass the cap.
function metered(llm: LlmPlugin, ledger: CostLedger, price: ModelPrice | null): LlmPlugin {
  return {
    ...llm,
    complete: async (req: CompletionRequest): Promise<CompletionResponse> => {
      const bounded: CompletionRequest = req.maxTokens === undefined
        ? { ...req, maxTokens: DEFAULT_MAX_COMPLETION_TOKENS }
        : req;
      const count = await loadTokenCounter();
      const worst = costOf(
        price,
        promptTokensUpperBound(bounded.messages, count),
        bounded.maxTokens!,
      );
      const hold = ledger.reserve(worst);
      if (!hold) {
        throw new CostCapReached(ledger.totalUsd, ledger.capUsd!, worst, ledger.reservedUsd);
      }
      try {
        const res = await llm.complete(bounded);
        ledger.settle(hold, res.record);
        return res;
      } finally {
        ledger.release(hold);
      }
    },
  };
}

async function makeLlm(
  rt: Runtime,
  role: "codex" | "jules",
): Promise<{ llm: LlmPlugin; problem: string | null }> {
  const { ref, where } = llmReference(rt.loaded, role);
  const llm = await rt.registry.instantiate("llm", ref, {
    configDir: configDirOf(rt.loaded.file),
    context: rt.pluginContext,
    where,
  });
  // The openai plugin says which key is missing without a network call.
  const check = (llm as { credentialProblem?: () => string | null }).credentialProblem;
  return { llm, problem: typeof check === "function" ? check.call(llm) : null };
}

/**
 * Make the fixer and reviewer models of a run.
 *
 * @param rt The runtime.
 * @param ledger The run's cost ledger.
 * @returns The models; a missing key leaves the fixer out with the reason.
 */
export async function makeModels(rt: Runtime, ledger: CostLedger): Promise<Models> {
  const config = rt.loaded.config;
  const { codex, jules } = config.agents;
  const models: Models = {};
  if (codex.enabled) {
    const { llm, problem } = await makeLlm(rt, "codex");
    if (problem) {
      models.fixerProblem =
        `No fixer model: ${problem}. Recipes fixed what they could; the rest needs a model`;
    } else {
      models.fixer = {
        llm: metered(llm, ledger, findPrice(codex.model, config.pricing)),
        model: codex.model,
        ...(codex.temperature !== undefined ? { temperature: codex.temperature } : {}),
        ...(codex.max_tokens !== undefined ? { maxTokens: codex.max_tokens } : {}),
        ...(codex.context_tokens !== undefined ? { contextTokens: codex.context_tokens } : {}),
      };
    }
  } else models.fixerProblem = "The fixer model is disabled (agents.codex.enabled: false)";
  if (jules.enabled) {
    const { llm, problem } = await makeLlm(rt, "jules");
    if (problem) {
      // The run's preflight decides whether this stops the run (a reviewer
      // the config names) or only leaves the policy engine to review.
      models.reviewerProblem = problem;
    } else {
      models.reviewer = {
        llm: metered(llm, ledger, findPrice(jules.model, config.pricing)),
        model: jules.model,
        ...(jules.temperature !== undefined ? { temperature: jules.temperature } : {}),
        ...(jules.max_tokens !== undefined ? { maxTokens: jules.max_tokens } : {}),
        ...(jules.context_tokens !== undefined ? { contextTokens: jules.context_tokens } : {}),
      };
    }
  }
  return models;
}
