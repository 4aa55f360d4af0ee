/**
 * The one language-model provider: any OpenAI-compatible Chat Completions
 * endpoint (OpenAI, Azure OpenAI v1, Anthropic, Gemini, Ollama, vLLM,
 * LiteLLM) through the `openai` SDK, chosen by a preset. The SDK is imported
 * lazily on the first call so startup stays light.
 *
 * @module
 */

import { z } from "zod";
import { PluginError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import { definePlugin, type LlmPlugin } from "../../core/plugin.ts";
import type { CallRecord, CompletionRequest, CompletionResponse } from "../../core/types.ts";
import {
  createEntraTokenSource,
  type EntraSettings,
  EntraTokenError,
  type EntraTokenSource,
} from "./entra.ts";
import {
  AUTH_MODES,
  type AuthMode,
  baseUrlProblem,
  PROVIDERS,
  type ResolvedEndpoint,
  resolveEndpoint,
} from "./presets.ts";
import { costOf, findPrice, type ModelPrice, PriceTableSchema } from "./pricing.ts";

const PLUGIN = "openai";

/** Options of the `openai` plugin (the `with:` of an agent's provider in config). */
export interface OpenAiSettings {
  /** Preset for base URL and key variable. @default "openai" */
  provider?: typeof PROVIDERS[number] | undefined;
  /** Base URL of the OpenAI-compatible API (wins over preset and environment). */
  base_url?: string | undefined;
  /** Environment variable holding the key (wins over the preset). */
  api_key_env?: string | undefined;
  /**
   * `bearer`, `api-key` (Azure's header) or `entra` (Microsoft Entra ID token).
   * @default "api-key" for an Azure deployment URL, else "bearer"
   */
  auth?: AuthMode | undefined;
  /** `api-version` query parameter (Azure deployment URLs need one). */
  api_version?: string | undefined;
  /** Entra ID options for `auth: entra` (authority host, scope, managed identity endpoint). */
  entra?: EntraSettings | undefined;
  /** Timeout of one HTTP attempt in seconds. @default 120 */
  timeout_seconds?: number | undefined;
  /** Retries on 408/409/429/5xx and connection errors, with exponential backoff. @default 2 */
  max_retries?: number | undefined;
  /** Prices in USD per million tokens, by model name or prefix; merged over the defaults. */
  prices?: Record<string, ModelPrice> | undefined;
  /** Largest reply body accepted, in bytes; a larger one is refused unread. @default 2 MiB */
  max_reply_bytes?: number | undefined;
}

/** Default largest model reply accepted: 2 MiB (a real fix is a few kilobytes). */
export const DEFAULT_MAX_REPLY_BYTES = 2 * 1024 * 1024;

/** Zod schema of {@link OpenAiSettings}; unknown keys are refused. */
export const OpenAiSettingsSchema: z.ZodType<OpenAiSettings> = z.object({
  provider: z.enum(PROVIDERS).optional(),
  // Checked here, not only when the client is made: a base URL without its
  // scheme is a config error at its line before any gate runs.
  base_url: z.string().min(1).superRefine((raw, ctx) => {
    if (!raw) return; // min(1) says so
    const problem = baseUrlProblem(raw.trim());
    if (problem) ctx.addIssue({ code: "custom", message: `Base URL ${problem}` });
  }).optional(),
  api_key_env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Use an environment variable name")
    .optional(),
  timeout_seconds: z.number().positive().max(3600).optional(),
  max_retries: z.number().int().min(0).max(10).optional(),
  prices: PriceTableSchema.optional(),
  max_reply_bytes: z.number().int().min(1024).optional(),
  auth: z.enum(AUTH_MODES).optional(),
  api_version: z.string().regex(/^[0-9A-Za-z.-]+$/, "An API version such as 2024-10-21")
    .optional(),
  entra: z.strictObject({
    authority_host: z.string().url().optional(),
    scope: z.string().min(1).optional(),
    managed_identity_endpoint: z.string().url().optional(),
  }).optional(),
}).strict().refine((s) => s.entra === undefined || s.auth === "entra", {
  message: "entra: options apply only with auth: entra",
  path: ["entra"],
});

/** Dependencies of {@link createOpenAiClient}. */
export interface OpenAiDeps {
  /** fetch used for every HTTP request. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Environment lookup. @default Deno.env.get */
  env?: (name: string) => string | undefined;
  /** Logger for warnings (unknown prices, ignored settings) and SDK detail. */
  log?: Logger;
}

/** The provider instance: an {@link LlmPlugin} plus what a caller may want to show. */
export interface OpenAiClient extends LlmPlugin {
  /** Provider preset in use. */
  readonly provider: string;
  /** Base URL in use (no trailing slash). */
  readonly baseUrl: string;
  /** The variable the key is read from, or null. */
  readonly keyEnv: string | null;
  /** Whether a key is set (a keyless local endpoint has none; `auth: entra` needs none). */
  readonly hasKey: boolean;
  /** How requests authenticate. */
  readonly auth: AuthMode;
  /** Why calls cannot be made (a missing key, naming the variable), or null. */
  credentialProblem(): string | null;
  /**
   * One cheap request (GET {base_url}/models with the key or Entra token;
   * for an Azure deployment URL the resource's `/openai/models`; redirects not
   * followed) saying whether the endpoint is reachable and takes the key.
   * Never throws; never spends tokens.
   */
  probe(options?: { timeoutMs?: number }): Promise<EndpointProbe>;
}

/** The outcome of {@link OpenAiClient.probe}. */
export interface EndpointProbe {
  /**
   * reachable: an OpenAI-compatible reply; key_rejected: 401/403;
   * unreachable: no HTTP answer (refused, DNS, TLS, timeout);
   * rate_limited: 429 (a rate limit, or a quota spent: `quota` says which);
   * server_error: 5xx (the server, or a proxy before it, failed);
   * not_openai: an answer that is not an OpenAI-compatible model list.
   */
  outcome:
    | "reachable"
    | "key_rejected"
    | "unreachable"
    | "rate_limited"
    | "server_error"
    | "not_openai";
  /** For `rate_limited`: the reply says the account's quota is spent (calls will fail). */
  quota?: boolean;
  /** For `reachable`: the model ids the list holds (absent when it was not read whole). */
  models?: string[];
  /** The URL asked. */
  url: string;
  /** One line for a person: the URL, and what came back or why nothing did. */
  message: string;
}

/** Default timeout of {@link OpenAiClient.probe}. */
export const PROBE_TIMEOUT_MS = 5000;

type OpenAiModule = typeof import("openai");
let _sdk: Promise<OpenAiModule> | null = null;
function _loadSdk(): Promise<OpenAiModule> {
  _sdk ??= import("openai");
  return _sdk;
}

/**
 * Create an OpenAI-compatible client without the plugin registry.
 *
 * @param settings Provider, base URL, key variable, timeout, retries, prices.
 * @param deps Injected fetch, environment and logger.
 * @returns The provider; a missing key is reported by `verify()`,
 *   `complete()` and `credentialProblem()`, not here, so recipes still run.
 * @throws {TypeError} When the provider is unknown or the base URL is invalid or missing.
 * @example
 * ```ts ignore
 * const llm = createOpenAiClient({ provider: "ollama" }, {});
 * const { text, record } = await llm.complete({ model: "llama3.1", messages: [{ role: "user", content: "hi" }] });
 * ```
 */
export function createOpenAiClient(settings: OpenAiSettings, deps: OpenAiDeps = {}): OpenAiClient {
  const env = deps.env ?? ((name: string) => Deno.env.get(name));
  const endpoint = resolveEndpoint(settings, env);
  const fetchFn = deps.fetch ?? globalThis.fetch;
  if (settings.entra && endpoint.auth !== "entra") {
    throw new TypeError("entra: options apply only with auth: entra");
  }
  const entra = endpoint.auth === "entra"
    ? createEntraTokenSource(settings.entra ?? {}, env, fetchFn)
    : null;
  const credentialProblem = () => endpoint.credentialProblem ?? entra?.problem ?? null;
  const log = deps.log;
  const timeoutMs = Math.round((settings.timeout_seconds ?? 120) * 1000);
  const maxRetries = settings.max_retries ?? 2;
  const prices = settings.prices ?? {};
  const maxReplyBytes = settings.max_reply_bytes ?? DEFAULT_MAX_REPLY_BYTES;
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log?.warn(message);
  };

  const complete = async (request: CompletionRequest): Promise<CompletionResponse> => {
    const problem = credentialProblem();
    if (problem) throw new PluginError(PLUGIN, problem);
    // A token that cannot be had fails here, once, not inside the SDK's retries.
    if (entra) await entra.token(request.signal);
    const sdk = await _loadSdk();
    let attempts = 0;
    let oversized: number | null = null;
    // Every reply body is read through a bounded reader: a reply larger than
    // the limit is refused without being buffered (a 57 MB reply once took
    // 857 MB of memory and crashed the patch applier).
    let last: _Sniffed | null = null;
    const counting: typeof fetch = async (input, init) => {
      attempts++;
      // The Entra token is asked for (or taken from the cache) per attempt, so
      // a retry after expiry carries a fresh one.
      const token = entra ? await entra.token(request.signal) : null;
      const res = await fetchFn(input, _authenticated(init, endpoint, token));
      // What came back is kept (status, content type, first bytes) so an error
      // can say it instead of the SDK's "Unexpected token '<'".
      last = {
        status: res.status,
        contentType: res.headers.get("content-type"),
        head: [],
        location: res.headers.get("location"),
      };
      return _sniff(_bounded(res, maxReplyBytes, (n) => (oversized = n)), last);
    };
    const client = new sdk.OpenAI({
      // Local servers take no key, but the SDK insists on one.
      apiKey: endpoint.apiKey ?? "no-key",
      baseURL: endpoint.baseUrl,
      timeout: timeoutMs,
      maxRetries,
      fetch: counting,
      ...(endpoint.apiVersion ? { defaultQuery: { "api-version": endpoint.apiVersion } } : {}),
      logLevel: "warn",
      logger: _sdkLogger(log),
    });
    const body = _requestBody(request, endpoint, warnOnce);
    const started = performance.now();
    let completion;
    try {
      completion = await client.chat.completions.create(
        body,
        request.signal ? { signal: request.signal } : {},
      );
    } catch (error) {
      if (oversized !== null) throw _tooLarge(endpoint, oversized, maxReplyBytes, error);
      if (_entraFailure(error)) throw _entraFailure(error);
      throw _explain(error, sdk, endpoint, attempts, timeoutMs, last);
    }
    if (oversized !== null) throw _tooLarge(endpoint, oversized, maxReplyBytes);
    // A 200 that is not a chat completion (an HTML login page, a proxy's
    // notice) parses to a string or a foreign object: say what it was.
    if (!completion || typeof completion !== "object" || !Array.isArray(completion.choices)) {
      throw new PluginError(
        PLUGIN,
        `The model endpoint "${endpoint.baseUrl}/chat/completions" did not send an ` +
          `OpenAI-compatible reply: ${_notACompletion(completion)}; ${_whatCameBack(last)}`,
      );
    }
    const latencyMs = Math.round(performance.now() - started);
    const text = completion.choices?.[0]?.message?.content ?? "";
    let tokensIn = completion.usage?.prompt_tokens;
    let tokensOut = completion.usage?.completion_tokens;
    if (tokensIn === undefined || tokensOut === undefined) {
      warnOnce(
        "usage",
        `The endpoint "${endpoint.baseUrl}" reported no token usage: estimating 4 characters a token`,
      );
      tokensIn ??= Math.ceil(request.messages.reduce((n, m) => n + m.content.length, 0) / 4);
      tokensOut ??= Math.ceil(text.length / 4);
    }
    const model = completion.model || request.model;
    const price = findPrice(request.model, prices) ?? findPrice(model, prices);
    if (!price && !endpoint.local) {
      warnOnce(
        `price:${request.model}`,
        `No price is known for model "${request.model}": its calls count as $0 ` +
          `(add it under "pricing:" in the config to make the cost cap meaningful)`,
      );
    }
    const record: CallRecord = {
      provider: endpoint.provider,
      model,
      tokensIn,
      tokensOut,
      latencyMs,
      costUsd: costOf(price, tokensIn, tokensOut),
    };
    return { text, record };
  };

  return {
    provider: endpoint.provider,
    baseUrl: endpoint.baseUrl,
    // With Entra ID the "key" doctor reports is the credential's variable.
    keyEnv: entra ? entra.credentialEnv : endpoint.keyEnv,
    hasKey: endpoint.apiKey !== null || entra !== null,
    auth: endpoint.auth,
    credentialProblem,
    complete,
    probe: (options = {}) =>
      _probe(endpoint, entra, fetchFn, options.timeoutMs ?? PROBE_TIMEOUT_MS),
    verify() {
      const problem = credentialProblem();
      if (problem) return Promise.reject(new PluginError(PLUGIN, problem));
      return Promise.resolve();
    },
  };
}

/** The `openai` LLM plugin for the registry (`uses: openai` in config). */
export const openaiProvider = definePlugin({
  kind: "llm",
  name: PLUGIN,
  description: "Any OpenAI-compatible chat endpoint: OpenAI, Azure, Anthropic, Gemini, Ollama, " +
    "vLLM, LiteLLM",
  options: OpenAiSettingsSchema,
  create: (options, context) =>
    createOpenAiClient(options, { fetch: context.fetch, env: context.env, log: context.log }),
});

/** Thrown inside a reply body stream that passed the size limit. */
class _ReplyTooLarge extends Error {
  override name = "ReplyTooLarge";
}

// A Response whose body errors once more than `limit` bytes have been read
// (or at once when Content-Length already says so); `seen` learns the size.
function _bounded(res: Response, limit: number, seen: (bytes: number) => void): Response {
  if (!res.body) return res;
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    res.body.cancel().catch(() => {});
    seen(declared);
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.error(new _ReplyTooLarge(`reply of ${declared} bytes`)),
    });
    return new Response(body, { status: res.status, headers: res.headers });
  }
  let total = 0;
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      const { done, value } = await reader.read();
      if (done) return c.close();
      total += value.length;
      if (total > limit) {
        seen(total);
        await reader.cancel().catch(() => {});
        return c.error(new _ReplyTooLarge(`reply over ${limit} bytes`));
      }
      c.enqueue(value);
    },
    cancel: (why) => reader.cancel(why),
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

function _tooLarge(
  endpoint: ResolvedEndpoint,
  bytes: number,
  limit: number,
  cause?: unknown,
): PluginError {
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  return new PluginError(
    PLUGIN,
    `The model endpoint "${endpoint.baseUrl}" sent a reply larger than the limit ` +
      `(${bytes > limit ? `at least ${mb(bytes)}` : mb(bytes)}, limit ${
        mb(limit)
      }): refused unread. ` +
      `Raise max_reply_bytes of the provider if replies this large are expected`,
    cause === undefined ? undefined : { cause },
  );
}

// Reasoning models refuse `max_tokens` and any temperature but the default.
const _REASONING = /^(o\d|gpt-5)/i;

function _requestBody(
  request: CompletionRequest,
  endpoint: ResolvedEndpoint,
  warnOnce: (key: string, message: string) => void,
) {
  const reasoning = (endpoint.provider === "openai" || endpoint.provider === "azure") &&
    _REASONING.test(request.model);
  const body: {
    model: string;
    messages: { role: "system" | "user" | "assistant"; content: string }[];
    temperature?: number;
    max_tokens?: number;
    max_completion_tokens?: number;
  } = {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
  };
  if (request.temperature !== undefined) {
    if (reasoning) {
      warnOnce(
        `temp:${request.model}`,
        `Model "${request.model}" takes no temperature: ignoring temperature ${request.temperature}`,
      );
    } else body.temperature = request.temperature;
  }
  if (request.maxTokens !== undefined) {
    if (reasoning) body.max_completion_tokens = request.maxTokens;
    else body.max_tokens = request.maxTokens;
  }
  return body;
}

function _sdkLogger(log: Logger | undefined) {
  const to = (m: string, ...rest: unknown[]) =>
    log?.debug([m, ...rest.map((r) => typeof r === "string" ? r : JSON.stringify(r))].join(" "));
  return { debug: to, info: to, warn: to, error: to };
}

function _causeText(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg && !parts.some((p) => p.includes(msg))) parts.push(msg);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.at(-1) ?? "unknown cause";
}

/**
 * Why a request got no HTTP reply, in words: connection refused, a failed DNS
 * lookup, a TLS error, a connection closed before any reply; else the
 * runtime's own message. The request's URL is said by the caller.
 */
function _networkCause(error: unknown, url: string): string {
  const chain: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    chain.push(e instanceof Error ? `${e.name} ${e.message}` : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  const all = chain.join(" | ");
  // Deno's message repeats the URL the caller already names.
  const detail = _causeText(error)
    .replace(/^error sending request (?:for url \([^)]*\)|from \S+ for \S+ \([^)]*\)): /, "");
  let host = url;
  let https = false;
  try {
    const u = new URL(url);
    host = u.host;
    https = u.protocol === "https:";
  } catch {
    // Not a URL: the caller's text names it as given.
  }
  if (/connection refused|ECONNREFUSED|os error 111\b/i.test(all)) {
    return `connection refused: nothing listens on ${host} (${detail})`;
  }
  if (
    /dns error|failed to lookup address|name or service not known|ENOTFOUND|EAI_AGAIN|nodename nor servname|no such host/i
      .test(all)
  ) {
    return `DNS lookup of "${host.replace(/:\d+$/, "")}" failed: no such host (${detail})`;
  }
  if (
    /\btls\b|ssl|certificate|handshake|InvalidContentType|corrupt message|UnknownIssuer/i.test(all)
  ) {
    return `TLS error with ${host}: ${detail}${
      https ? " (a plain-HTTP server on that port? Then base_url starts with http://)" : ""
    }`;
  }
  if (
    /connection closed before message completed|connection reset|ECONNRESET|broken pipe/i.test(all)
  ) {
    return `the connection to ${host} closed before any reply (${detail})`;
  }
  return detail;
}

function _explain(
  error: unknown,
  sdk: OpenAiModule,
  endpoint: ResolvedEndpoint,
  attempts: number,
  timeoutMs: number,
  last: _Sniffed | null,
): unknown {
  const url = `${endpoint.baseUrl}/chat/completions`;
  const tries = attempts === 1 ? "1 attempt" : `${attempts} attempts`;
  if (error instanceof sdk.APIUserAbortError) return error;
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new PluginError(
      PLUGIN,
      `The model endpoint "${url}" did not answer within ${timeoutMs / 1000} s (${tries})`,
      { cause: error },
    );
  }
  if (error instanceof sdk.APIConnectionError) {
    return new PluginError(
      PLUGIN,
      `Cannot reach the model endpoint "${url}" (${tries}): ${_networkCause(error, url)}`,
      { cause: error },
    );
  }
  if (
    error instanceof sdk.APIError && error.status !== undefined && error.status >= 300 &&
    error.status < 400
  ) {
    return new PluginError(
      PLUGIN,
      `The model endpoint "${url}" redirects to "${
        last?.location ?? "?"
      }" (HTTP ${error.status}): ` +
        "check base_url (an API answers directly; a redirect is often a login page or a " +
        "missing or extra path segment such as /v1)",
      { cause: error },
    );
  }
  if (error instanceof sdk.APIError) {
    const hint = (error.status === 401 || error.status === 403) && endpoint.auth === "entra"
      ? " (check that the Entra ID identity has the Cognitive Services OpenAI User role on the resource)"
      : error.status === 401 || error.status === 403
      ? ` (check the key in "${endpoint.keyEnv ?? "api_key_env"}")`
      : error.status === 404
      ? " (check base_url and the model or deployment name)"
      : "";
    // A JSON error body carries the server's own message; anything else (an
    // HTML error page) is described by its content type and first bytes.
    const detail = last && !_isJson(last.contentType)
      ? _whatCameBack(last)
      : `${error.message} (content type ${last?.contentType ?? "(none)"})`;
    return new PluginError(
      PLUGIN,
      `The model endpoint "${url}" answered ${error.status}${hint} after ${tries}: ${detail}`,
      { cause: error },
    );
  }
  if (last) {
    // The reply arrived but could not be read as JSON: cut off part-way, or
    // not JSON at all (e.g. HTML sent as 200).
    return new PluginError(
      PLUGIN,
      `The model endpoint "${url}" ${
        last.cutOff !== undefined
          ? "sent a truncated reply"
          : "did not send an OpenAI-compatible reply"
      }: ${_whatCameBack(last)}`,
      { cause: error },
    );
  }
  return error;
}

/** What the last HTTP reply was, as the SDK read it. */
interface _Sniffed {
  status: number;
  contentType: string | null;
  /** The first bytes of the body, as read. */
  head: Uint8Array[];
  /** Bytes of the body read. */
  bytes?: number;
  /** The body failed part-way (the connection closed early): why. */
  cutOff?: string;
  /** The `location` header (a redirect's target). */
  location?: string | null;
}

const _SNIFF_BYTES = 160;

/** The most of a model list doctor's probe reads. */
const _PROBE_LIST_BYTES = 8 * 1024 * 1024;

// The body is passed on unchanged; its first bytes are kept as they stream
// by, with how much came and whether it broke off part-way.
function _sniff(res: Response, into: _Sniffed): Response {
  if (!res.body || [101, 204, 205, 304].includes(res.status)) return res;
  const reader = res.body.getReader();
  into.bytes = 0;
  let kept = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        into.cutOff = _causeText(e);
        c.error(e);
        return;
      }
      if (chunk.done) return c.close();
      const value = chunk.value;
      into.bytes! += value.length;
      if (kept < _SNIFF_BYTES) {
        const part = value.slice(0, _SNIFF_BYTES - kept);
        into.head.push(part);
        kept += part.length;
      }
      c.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

function _isJson(contentType: string | null): boolean {
  return /\bjson\b/i.test(contentType ?? "");
}

function _firstBytes(head: Uint8Array[]): string {
  const bytes = new Uint8Array(head.reduce((n, h) => n + h.length, 0));
  let at = 0;
  for (const h of head) {
    bytes.set(h, at);
    at += h.length;
  }
  // Control characters and runs of white space would break the one-line message.
  // deno-lint-ignore no-control-regex
  const text = new TextDecoder().decode(bytes).replace(/[\x00-\x1f\x7f\s]+/g, " ").trim();
  return JSON.stringify(text.length > 120 ? text.slice(0, 120) + "…" : text);
}

/**
 * "HTTP 502, content type text/html, body starts "<html>…"" — what a person
 * needs to see that a URL points at the wrong server.
 */
function _whatCameBack(last: _Sniffed | null): string {
  if (!last) return "no reply was read";
  return [
    `HTTP ${last.status}`,
    `content type ${last.contentType ?? "(none)"}`,
    ...(last.cutOff !== undefined
      ? [`the body broke off after ${last.bytes ?? 0} bytes (${last.cutOff})`]
      : []),
    last.head.length ? `body starts ${_firstBytes(last.head)}` : "empty body",
  ].join(", ");
}

/** What a 200 that parsed but is no chat completion holds instead. */
function _notACompletion(completion: unknown): string {
  if (completion === null || typeof completion !== "object") {
    return `a body that is not a JSON object`;
  }
  const keys = Object.keys(completion).slice(0, 8);
  return `a JSON object without "choices" (its keys: ${
    keys.length ? keys.map((k) => `"${k}"`).join(", ") : "none"
  })`;
}

// The SDK always sends "Authorization: Bearer <apiKey>" ("no-key" without
// one). The headers are set here instead: Bearer with the key, Azure's
// `api-key` header, an Entra ID token, or nothing for a keyless endpoint.
function _authenticated(
  init: RequestInit | undefined,
  endpoint: ResolvedEndpoint,
  token: string | null,
): RequestInit {
  const headers = new Headers(init?.headers);
  headers.delete("authorization");
  headers.delete("api-key");
  for (const [k, v] of Object.entries(_authHeaders(endpoint, token))) headers.set(k, v);
  // A redirect is not followed: an API answers where it is, a redirect is a
  // login page or a wrong base_url (followed, the POST became a GET and the
  // error named the page it landed on), and the key stays with the host it is for.
  return { ...init, headers, redirect: "manual" };
}

function _authHeaders(endpoint: ResolvedEndpoint, token: string | null): Record<string, string> {
  if (endpoint.auth === "entra") return token ? { authorization: `Bearer ${token}` } : {};
  if (!endpoint.apiKey) return {};
  return endpoint.auth === "api-key"
    ? { "api-key": endpoint.apiKey }
    : { authorization: `Bearer ${endpoint.apiKey}` };
}

// A failed token request, wherever the SDK wrapped it.
function _entraFailure(error: unknown): EntraTokenError | null {
  let e: unknown = error;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof EntraTokenError) return e;
    e = e instanceof Error ? e.cause : undefined;
  }
  return null;
}

async function _probe(
  endpoint: ResolvedEndpoint,
  entra: EntraTokenSource | null,
  fetchFn: typeof fetch,
  timeoutMs: number,
): Promise<EndpointProbe> {
  const url = endpoint.modelsUrl;
  let token: string | null = null;
  if (entra) {
    try {
      token = await entra.token(AbortSignal.timeout(timeoutMs));
    } catch (error) {
      const e = _entraFailure(error);
      const message = e?.message.replace(/^Plugin "openai": /, "") ?? _causeText(error);
      return {
        outcome: e?.rejected ? "key_rejected" : "unreachable",
        url: entra.endpoint,
        message,
      };
    }
  }
  const headers: Record<string, string> = {
    accept: "application/json",
    ..._authHeaders(endpoint, token),
  };
  let res: Response;
  try {
    res = await fetchFn(url, {
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const why = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${timeoutMs / 1000} s`
      : _networkCause(error, url);
    return { outcome: "unreachable", url, message: `Cannot reach "${url}": ${why}` };
  }
  const last: _Sniffed = {
    status: res.status,
    contentType: res.headers.get("content-type"),
    head: [],
  };
  // A model list is read whole up to a bound (a router lists hundreds of
  // models: half a megabyte or more); anything else only as far as a message
  // needs (an error page may be large).
  const limit = res.ok && _isJson(last.contentType) ? _PROBE_LIST_BYTES : 64 * 1024;
  let text = "";
  let total = 0;
  let whole = false;
  try {
    const reader = res.body?.getReader();
    const decoder = new TextDecoder();
    while (reader && total < limit) {
      const { done, value } = await reader.read();
      if (done) {
        whole = true;
        break;
      }
      total += value.length;
      if (last.head.reduce((n, h) => n + h.length, 0) < _SNIFF_BYTES) {
        last.head.push(value.slice(0, _SNIFF_BYTES));
      }
      text += decoder.decode(value, { stream: true });
    }
    if (!reader) whole = true;
    await reader?.cancel().catch(() => {});
  } catch (error) {
    return {
      outcome: "unreachable",
      url,
      message: `"${url}" answered HTTP ${res.status} (content type ${
        last.contentType ?? "(none)"
      }) but the body broke off after ${total} bytes: ${
        error instanceof DOMException && error.name === "TimeoutError"
          ? `the rest did not come within ${timeoutMs / 1000} s`
          : _causeText(error)
      }`,
    };
  }
  if (res.status === 401 || res.status === 403) {
    const key = entra
      ? `the Entra ID token (${entra.method})`
      : endpoint.keyEnv
      ? (endpoint.apiKey
        ? `the key in "${endpoint.keyEnv}"`
        : `no key ("${endpoint.keyEnv}" is unset)`)
      : "no key";
    return {
      outcome: "key_rejected",
      url,
      message: `"${url}" rejected ${key}: ${_whatCameBack(last)}`,
    };
  }
  if (res.status === 429) {
    // OpenAI answers 429 "insufficient_quota" to a key with no credit left:
    // every call will fail, unlike a passing rate limit.
    const quota = /quota|billing|credit/i.test(text.slice(0, 4096));
    return {
      outcome: "rate_limited",
      url,
      quota,
      message: `"${url}" answered HTTP 429 (${quota ? "the quota is spent" : "rate limited"}): ${
        _whatCameBack(last)
      }`,
    };
  }
  if (res.status >= 500) {
    return {
      outcome: "server_error",
      url,
      message: `"${url}" failed with HTTP ${res.status} (a server error, not a wrong key): ${
        _whatCameBack(last)
      }`,
    };
  }
  if (res.status >= 300 && res.status < 400) {
    return {
      outcome: "not_openai",
      url,
      message:
        `"${url}" redirects to "${res.headers.get("location") ?? "?"}" (HTTP ${res.status}): ` +
        "check base_url (an API answers directly; a redirect is often a login page)",
    };
  }
  let list: unknown;
  try {
    list = _isJson(last.contentType) ? JSON.parse(text) : undefined;
  } catch {
    list = undefined;
  }
  const data = (list as { data?: unknown } | undefined)?.data;
  if (res.ok && Array.isArray(data)) {
    const ids = data.map((m) => (m as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === "string");
    return {
      outcome: "reachable",
      url,
      models: ids,
      message: `"${url}" answered with ${data.length} model${data.length === 1 ? "" : "s"}`,
    };
  }
  if (
    res.ok && !whole && list === undefined && /^\s*\{[^]*"data"\s*:\s*\[/.test(text.slice(0, 4096))
  ) {
    // A model list past the bound: it is one, even unread to its end.
    return {
      outcome: "reachable",
      url,
      message: `"${url}" answered with a model list of more than ${
        Math.round(_PROBE_LIST_BYTES / 1024 / 1024)
      } MiB (not read to its end)`,
    };
  }
  return {
    outcome: "not_openai",
    url,
    message: `"${url}" is not an OpenAI-compatible reply: ${_whatCameBack(last)}`,
  };
}
