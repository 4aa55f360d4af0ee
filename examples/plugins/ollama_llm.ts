/**
 * An example LLM plugin: Ollama's native chat API (`POST /api/chat`), to show
 * the shape an `llm` plugin returns: `{ text, record }`, where the record
 * counts tokens and cost so the run's cost cap and report include the call.
 * (fleet-orch's built-in `openai` plugin already speaks Ollama's
 * OpenAI-compatible API; this one exists to be read and copied.)
 *
 * ```yaml
 * plugins:
 *   - uses: ./examples/plugins/ollama_llm.ts
 *     name: local-model
 *     with:
 *       base_url: http://127.0.0.1:11434
 * agents:
 *   codex:
 *     provider: local-model   # the plugins entry's name
 *     model: qwen2.5-coder
 * ```
 *
 * @module
 */

import { definePlugin, optionsSchema, z } from "../../plugin.ts";

/** The plugin: an `llm` named `ollama-native`. */
export default definePlugin({
  kind: "llm",
  name: "ollama-native",
  description: "Ollama's native /api/chat endpoint",
  options: optionsSchema({
    /** Where Ollama listens. @default "http://127.0.0.1:11434" */
    base_url: z.string().url().default("http://127.0.0.1:11434"),
    /** Seconds to wait for one answer. @default 300 */
    timeout_seconds: z.number().positive().default(300),
  }),
  create: (options, context) => ({
    complete: async (request) => {
      const started = performance.now();
      const timeout = AbortSignal.timeout(options.timeout_seconds * 1000);
      const res = await context.fetch(`${options.base_url.replace(/\/+$/, "")}/api/chat`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: request.model,
          messages: request.messages,
          stream: false,
          options: {
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            ...(request.maxTokens !== undefined ? { num_predict: request.maxTokens } : {}),
          },
        }),
        signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
      });
      if (!res.ok) throw new Error(`Ollama answered ${res.status}: ${await res.text()}`);
      const body = await res.json() as {
        model?: string;
        message?: { content?: string };
        prompt_eval_count?: number;
        eval_count?: number;
      };
      const text = body.message?.content ?? "";
      return {
        text,
        record: {
          provider: "ollama-native",
          model: body.model ?? request.model,
          tokensIn: body.prompt_eval_count ?? 0,
          tokensOut: body.eval_count ?? 0,
          latencyMs: Math.round(performance.now() - started),
          // A local model costs nothing per call.
          costUsd: 0,
        },
      };
    },
    verify: async () => {
      const res = await context.fetch(`${options.base_url.replace(/\/+$/, "")}/api/tags`);
      await res.body?.cancel();
      if (!res.ok) throw new Error(`Ollama at ${options.base_url} answered ${res.status}`);
    },
  }),
});
