/**
 * One HTTP check: send a request with a timeout, compare the status and the
 * body. Shared by health checks, endpoints, smoke tests and flow steps.
 *
 * @module
 */

import type { RequestCheck } from "./_http_settings.ts";
import { messageOf } from "../../core/errors.ts";

/** What a check needs from its surroundings. */
export interface RequestContext {
  /** fetch to use (tests inject their own). */
  fetch: typeof fetch;
  /** Environment lookup for `${NAME}` in header values. */
  env: (name: string) => string | undefined;
  /** Resolves URLs that are not absolute. */
  baseUrl?: string;
  /** Timeout when the check sets none, in seconds. */
  defaultTimeoutSeconds: number;
  /** Cookies carried between the steps of a flow (name -> value). */
  cookies?: Map<string, string>;
}

/** The outcome of one request. */
export interface RequestOutcome {
  /** Whether status and body matched. */
  ok: boolean;
  /** What happened, in words. */
  message: string;
  /** Status received, when an answer came. */
  status?: number;
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
}

/** Bodies are read up to this size: enough for a "contains" check, bounded for memory. */
const MAX_BODY_BYTES = 1 << 20;

/**
 * Resolve a check's URL against the environment's `base_url`.
 *
 * @param url The URL from config.
 * @param baseUrl The environment's base URL.
 * @returns The absolute URL.
 * @throws {TypeError} When the URL is relative and there is no base URL, or it is malformed.
 */
export function resolveUrl(url: string, baseUrl?: string): URL {
  if (/^https?:\/\//i.test(url)) return new URL(url);
  if (!baseUrl) {
    throw new TypeError(`URL "${url}" is not absolute and the environment sets no base_url`);
  }
  return new URL(url, baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
}

/**
 * A URL fit for logs and reports: user and password removed.
 *
 * @param url The URL.
 * @returns The URL without credentials.
 */
export function displayUrl(url: URL | string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return String(url);
  }
}

/**
 * Send one request and judge the answer.
 *
 * @param check The request and its expectations.
 * @param ctx fetch, env, base URL, default timeout and cookie jar.
 * @returns The outcome; network errors and timeouts are outcomes, not exceptions.
 */
export async function checkRequest(
  check: RequestCheck,
  ctx: RequestContext,
): Promise<RequestOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeoutS = check.timeout ?? ctx.defaultTimeoutSeconds;
  let url: URL;
  let headers: Headers;
  try {
    url = resolveUrl(check.url, ctx.baseUrl);
    headers = _headers(check, ctx);
  } catch (e) {
    return { ok: false, message: messageOf(e), durationMs: elapsed() };
  }
  const body = check.body === undefined
    ? undefined
    : typeof check.body === "string"
    ? check.body
    : JSON.stringify(check.body);
  if (body !== undefined && typeof check.body !== "string" && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  const signal = AbortSignal.timeout(Math.max(1, Math.round(timeoutS * 1000)));
  try {
    const res = await ctx.fetch(url, {
      method: check.method.toUpperCase(),
      headers,
      redirect: "follow",
      signal,
      ...(body === undefined ? {} : { body }),
    });
    if (ctx.cookies) {
      for (const c of res.headers.getSetCookie()) {
        const pair = c.split(";", 1)[0] ?? "";
        const eq = pair.indexOf("=");
        if (eq > 0) ctx.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
    }
    // The body is always read (or cancelled) so the connection is released.
    const text = check.expect_body_contains === undefined
      ? (await res.body?.cancel(), "")
      : await _readBounded(res);
    const expected = Array.isArray(check.expected_status)
      ? check.expected_status
      : [check.expected_status];
    if (!expected.includes(res.status)) {
      return {
        ok: false,
        status: res.status,
        message: `Expected status ${expected.join(" or ")}, got ${res.status}`,
        durationMs: elapsed(),
      };
    }
    if (check.expect_body_contains !== undefined && !text.includes(check.expect_body_contains)) {
      return {
        ok: false,
        status: res.status,
        message:
          `Status ${res.status} but the body does not contain "${check.expect_body_contains}"`,
        durationMs: elapsed(),
      };
    }
    return { ok: true, status: res.status, message: `Status ${res.status}`, durationMs: elapsed() };
  } catch (e) {
    const err = e as Error;
    const message = err.name === "TimeoutError" || signal.aborted
      ? `Timed out after ${timeoutS} s`
      : `Request failed: ${err.message}`;
    return { ok: false, message, durationMs: elapsed() };
  }
}

function _headers(check: RequestCheck, ctx: RequestContext): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(check.headers ?? {})) {
    // `${NAME}` keeps tokens out of the config file; the value never reaches a log.
    headers.set(
      name,
      value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, v: string) => {
        const got = ctx.env(v);
        if (got === undefined) {
          throw new TypeError(
            `Header "${name}" needs environment variable "${v}", which is not set`,
          );
        }
        return got;
      }),
    );
  }
  if (ctx.cookies && ctx.cookies.size > 0 && !headers.has("cookie")) {
    headers.set("cookie", [...ctx.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  }
  return headers;
}

async function _readBounded(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= MAX_BODY_BYTES) await reader.cancel();
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all.subarray(0, MAX_BODY_BYTES));
}
