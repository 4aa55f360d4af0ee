/**
 * The models of a run, made from the agents' config: OpenAI-compatible
 * presets through the built-in provider, or any `llm` plugin by name. Every
 * call is recorded in the run's cost ledger, and a call is refused once the
 * ledger has reached the cap.
 *
 * @module
 */

import type { AgentModelConfig, Config } from "../core/config.ts";
import type { LlmPlugin } from "../core/plugin.ts";
import type { CompletionRequest, CompletionResponse } from "../core/types.ts";
import { PROVIDERS } from "../plugins/llm/presets.ts";
import { createOpenAiClient } from "../plugins/llm/openai.ts";
import type { CostLedger } from "../plugins/llm/pricing.ts";
import type { Models } from "./fix.ts";
import type { Runtime } from "./runtime.ts";

/** The run's cost cap was reached before a model call. */
export class CostCapReached extends Error {
  /**
   * @param spent Dollars spent.
   * @param cap The cap.
   */
  constructor(spent: number, cap: number) {
    super(`The cost cap of $${cap} is reached ($${spent.toFixed(4)} spent)`);
    this.name = "CostCapReached";
  }
}

function metered(llm: LlmPlugin, ledger: CostLedger): LlmPlugin {
  return {
    ...llm,
    complete: async (req: CompletionRequest): Promise<CompletionResponse> => {
      if (ledger.capUsd !== undefined && ledger.totalUsd >= ledger.capUsd) {
        throw new CostCapReached(ledger.totalUsd, ledger.capUsd);
      }
      const res = await llm.complete(req);
      ledger.record(res.record);
      return res;
    },
  };
}

async function makeLlm(
  rt: Runtime,
  agent: AgentModelConfig,
  config: Config,
): Promise<{ llm: LlmPlugin; problem: string | null }> {
  if ((PROVIDERS as readonly string[]).includes(agent.provider)) {
    const client = createOpenAiClient({
      provider: agent.provider as typeof PROVIDERS[number],
      base_url: agent.base_url,
      api_key_env: agent.api_key_env,
      timeout_seconds: agent.timeout_seconds,
      max_retries: agent.max_retries,
      max_reply_bytes: agent.max_reply_bytes,
      prices: config.pricing,
    }, { fetch: rt.pluginContext.fetch, env: (n) => rt.env[n], log: rt.log.child("llm") });
    return { llm: client, problem: client.credentialProblem() };
  }
  const llm = await rt.registry.instantiate("llm", { uses: agent.provider, with: {} }, {
    configDir: rt.repoRoot,
    context: rt.pluginContext,
  });
  return { llm, problem: null };
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
    const { llm, problem } = await makeLlm(rt, codex, config);
    if (problem) {
      models.fixerProblem =
        `No fixer model: ${problem}. Recipes fixed what they could; the rest needs a model`;
    } else {
      models.fixer = {
        llm: metered(llm, ledger),
        model: codex.model,
        ...(codex.temperature !== undefined ? { temperature: codex.temperature } : {}),
        ...(codex.max_tokens !== undefined ? { maxTokens: codex.max_tokens } : {}),
        ...(codex.context_tokens !== undefined ? { contextTokens: codex.context_tokens } : {}),
      };
    }
  } else models.fixerProblem = "The fixer model is disabled (agents.codex.enabled: false)";
  if (jules.enabled) {
    const { llm, problem } = await makeLlm(rt, jules, config);
    if (problem) {
      rt.log.warn(`No reviewer model (${problem}); patches are reviewed by the policy engine only`);
    } else {
      models.reviewer = {
        llm: metered(llm, ledger),
        model: jules.model,
        ...(jules.temperature !== undefined ? { temperature: jules.temperature } : {}),
        ...(jules.max_tokens !== undefined ? { maxTokens: jules.max_tokens } : {}),
        ...(jules.context_tokens !== undefined ? { contextTokens: jules.context_tokens } : {}),
      };
    }
  }
  return models;
}
