/**
 * The HTTP verifier: after a deploy, checks an environment's health endpoint
 * (with retries, so a service still starting passes), its verification
 * endpoints, smoke tests and critical flows, as the seed's `Verifier` did.
 *
 * @module
 */

import { z } from "zod";
import { definePlugin, type VerifierPlugin } from "../../core/plugin.ts";
import type { Logger } from "../../core/log.ts";
import type { VerificationResult } from "../../core/types.ts";
import { checkRequest, displayUrl, type RequestContext } from "./_http_request.ts";
import { type HttpSettings, parseHttpSettings } from "./_http_settings.ts";

/** Options of the `http` verifier (`with:`); environment settings override them. */
export const HttpVerifierOptionsSchema = z.object({
  /** Health-check attempts after the first. @default 3 */
  retries: z.number().int().min(0).max(100).default(3),
  /** First wait between health attempts; doubles each time, capped at 30 s. @default 2 */
  retry_delay_seconds: z.number().min(0).default(2),
  /** Request timeout when a check sets none, in seconds. @default 10 */
  timeout: z.number().positive().default(10),
});

/** Parsed options of the `http` verifier. */
export type HttpVerifierOptions = z.infer<typeof HttpVerifierOptionsSchema>;

/** Dependencies of {@link createHttpVerifier}. */
export interface HttpVerifierDeps {
  /** fetch to use. */
  fetch: typeof fetch;
  /** Where progress goes. */
  log: Logger;
  /** Environment lookup for `${NAME}` in header values. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Waits between health attempts (tests pass an instant one). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Make an HTTP verifier.
 *
 * @param options Retry and timeout defaults.
 * @param deps fetch, logger, env and sleep.
 * @returns A verifier that checks every HTTP setting of an environment.
 * @throws {TypeError} From `verify` when the environment's settings have the wrong shape.
 * @example
 * ```ts
 * import { silentLogger } from "../../core/log.ts";
 * const v = createHttpVerifier({}, { fetch, log: silentLogger() });
 * const results = await v.verify({ environment: "none", settings: {} });
 * console.assert(results.length === 0);
 * ```
 */
export function createHttpVerifier(
  options: Partial<HttpVerifierOptions>,
  deps: HttpVerifierDeps,
): VerifierPlugin {
  const opts = HttpVerifierOptionsSchema.parse(options);
  const env = deps.env ?? ((n: string) => Deno.env.get(n));
  const sleep = deps.sleep ?? _sleep;
  return {
    async verify({ environment, settings }) {
      const envSettings = parseHttpSettings(environment, settings);
      const ctx: RequestContext = {
        fetch: deps.fetch,
        env,
        defaultTimeoutSeconds: opts.timeout,
        ...(envSettings.base_url ? { baseUrl: envSettings.base_url } : {}),
      };
      const results: VerificationResult[] = [];
      if (envSettings.health_endpoint) {
        results.push(await _health(envSettings, ctx, opts, deps.log, sleep));
      }
      for (const ep of envSettings.verification_endpoints) {
        const r = await checkRequest(ep, ctx);
        results.push({
          target: `endpoint: ${ep.method.toUpperCase()} ${_shown(ep.url, envSettings)}`,
          ok: r.ok,
          message: r.message,
          durationMs: r.durationMs,
        });
      }
      for (const t of envSettings.smoke_tests) {
        const r = await checkRequest(t, ctx);
        results.push({
          target: `smoke: ${t.name}`,
          ok: r.ok,
          message: r.message,
          durationMs: r.durationMs,
        });
      }
      for (const flow of envSettings.critical_flows) {
        results.push(await _flow(flow, envSettings, ctx));
      }
      for (const r of results) {
        deps.log.debug(`${r.ok ? "PASS" : "FAIL"} ${r.target}: ${r.message}`);
      }
      return results;
    },
  };
}

/** The `http` verifier plugin (`uses: http`). */
export const httpVerifier = definePlugin({
  kind: "verifier",
  name: "http",
  description: "Checks health endpoint, verification endpoints, smoke tests and critical flows",
  options: HttpVerifierOptionsSchema,
  create: (options, context) =>
    createHttpVerifier(options, { fetch: context.fetch, log: context.log, env: context.env }),
});

/** Options of {@link verifyEnvironment}. */
export interface VerifyEnvironmentOptions {
  /** fetch to use. */
  fetch: typeof fetch;
  /** Where progress goes. */
  log: Logger;
  /** Verifiers to run. @default the `http` verifier with default options */
  verifiers?: VerifierPlugin[];
  /** Environment lookup for `${NAME}` in header values. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Waits between health attempts. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Run every verifier against one environment.
 *
 * @param envName The environment (`deployment.environments.<envName>`).
 * @param settings Its settings from config.
 * @param opts fetch, logger and the verifiers.
 * @returns Whether every check passed, and the checks. An environment with
 *   nothing to check does not pass: it yields one failed result saying so.
 * @throws {TypeError} When the settings have the wrong shape.
 */
export async function verifyEnvironment(
  envName: string,
  settings: Record<string, unknown>,
  opts: VerifyEnvironmentOptions,
): Promise<{ ok: boolean; results: VerificationResult[] }> {
  const deps: HttpVerifierDeps = {
    fetch: opts.fetch,
    log: opts.log,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.sleep ? { sleep: opts.sleep } : {}),
  };
  const verifiers = opts.verifiers ?? [createHttpVerifier({}, deps)];
  const results: VerificationResult[] = [];
  for (const v of verifiers) {
    results.push(...await v.verify({ environment: envName, settings }));
  }
  if (results.length === 0) {
    results.push({
      target: `environment: ${envName}`,
      ok: false,
      message: `Nothing to verify: set health_endpoint, verification_endpoints, smoke_tests or ` +
        `critical_flows under deployment.environments.${envName}`,
      durationMs: 0,
    });
  }
  return { ok: results.every((r) => r.ok), results };
}

async function _health(
  envSettings: HttpSettings,
  ctx: RequestContext,
  opts: HttpVerifierOptions,
  log: Logger,
  sleep: (ms: number) => Promise<void>,
): Promise<VerificationResult> {
  const url = envSettings.health_endpoint ?? "";
  const retries = envSettings.retries ?? opts.retries;
  let delayMs = (envSettings.retry_delay_seconds ?? opts.retry_delay_seconds) * 1000;
  const started = performance.now();
  const check = {
    url,
    method: "GET",
    expected_status: envSettings.health_expected_status,
    ...(envSettings.health_timeout ? { timeout: envSettings.health_timeout } : {}),
  };
  let attempt = 0;
  for (;;) {
    attempt++;
    const r = await checkRequest(check, ctx);
    const done = r.ok || attempt > retries;
    if (done) {
      const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
      return {
        target: `health: ${_shown(url, envSettings)}`,
        ok: r.ok,
        message: `${r.message}${tries}`,
        durationMs: Math.round(performance.now() - started),
      };
    }
    log.warn(`Health check ${_shown(url, envSettings)} attempt ${attempt}: ${r.message}; retrying`);
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, MAX_BACKOFF_MS);
  }
}

async function _flow(
  flow: HttpSettings["critical_flows"][number],
  envSettings: HttpSettings,
  base: RequestContext,
): Promise<VerificationResult> {
  // Each flow has its own cookie jar, so a login step carries into later steps.
  const ctx: RequestContext = { ...base, cookies: new Map() };
  let total = 0;
  for (const [i, step] of flow.steps.entries()) {
    const r = await checkRequest(step, ctx);
    total += r.durationMs;
    if (!r.ok) {
      return {
        target: `flow: ${flow.name}`,
        ok: false,
        message: `Step ${i + 1} (${step.method.toUpperCase()} ${
          _shown(step.url, envSettings)
        }): ${r.message}`,
        durationMs: total,
      };
    }
  }
  return {
    target: `flow: ${flow.name}`,
    ok: true,
    message: `${flow.steps.length} step${flow.steps.length === 1 ? "" : "s"} passed`,
    durationMs: total,
  };
}

function _shown(url: string, envSettings: HttpSettings): string {
  return /^https?:\/\//i.test(url) || !envSettings.base_url ? displayUrl(url) : url;
}

function _sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
