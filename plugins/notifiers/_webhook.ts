/**
 * What the Slack, Teams and webhook notifiers share: reading the webhook URL
 * from the environment, posting JSON with a timeout and bounded retries of
 * 429/5xx answers, and turning the run's Markdown into the smaller dialects
 * chat tools render.
 *
 * @module
 */

import { PluginError } from "../../core/errors.ts";

/**
 * Read a webhook URL from the environment.
 *
 * @param plugin Plugin name for errors.
 * @param varName The variable.
 * @param env Environment lookup.
 * @returns The URL.
 * @throws {PluginError} When the variable is unset or not an http(s) URL (the value is never shown).
 */
export function webhookUrl(
  plugin: string,
  varName: string,
  env: (name: string) => string | undefined,
): URL {
  const raw = env(varName);
  if (!raw) {
    throw new PluginError(
      plugin,
      `Environment variable "${varName}" is not set: put the incoming webhook URL there`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PluginError(plugin, `Environment variable "${varName}" does not hold a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PluginError(
      plugin,
      `Environment variable "${varName}" holds a ${url.protocol} URL; use https`,
    );
  }
  return url;
}

/** Clock and sleep of the retry loop; tests inject their own so nothing waits. */
export interface NotifierDeps {
  /** Wait this many milliseconds. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch (for Retry-After dates and signature timestamps). @default Date.now */
  now?: () => number;
}

/** Bounds of the retry loop of {@link postJson}. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 4 */
  maxAttempts: number;
  /** First backoff when the answer has no Retry-After; doubles per attempt. @default 1000 */
  baseDelayMs: number;
  /** The longest single wait: a longer Retry-After is not waited out. @default 60000 */
  maxDelayMs: number;
}

/** The retry bounds used unless a caller gives others. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * How long to wait before retrying a 429 or 5xx answer: the Retry-After
 * header (seconds or an HTTP date) when there is one, else exponential backoff.
 *
 * @param retryAfter The Retry-After header, or null.
 * @param attempt The attempt that just failed (1 for the first).
 * @param now Milliseconds since the epoch.
 * @param policy Backoff base.
 * @returns Milliseconds to wait (never negative).
 */
export function retryDelayMs(
  retryAfter: string | null,
  attempt: number,
  now: number,
  policy: Pick<RetryPolicy, "baseDelayMs"> = DEFAULT_RETRY,
): number {
  const value = retryAfter?.trim() ?? "";
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = value ? Date.parse(value) : NaN;
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return policy.baseDelayMs * 2 ** (attempt - 1);
}

/** Whether an answer is worth another attempt: rate limited or a server error. */
function _retryable(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Options of {@link postJson}. */
export interface PostOptions extends NotifierDeps {
  /** Extra headers per attempt, from the exact body sent (a signature is made here). */
  headers?: (body: string, now: number) => Promise<Record<string, string>>;
  /** Retry bounds. @default DEFAULT_RETRY */
  retry?: Partial<RetryPolicy>;
}

/**
 * POST a JSON payload to a webhook. A 429 or 5xx answer is retried, waiting
 * what Retry-After asks (or backing off exponentially), within a bounded
 * number of attempts; a Retry-After longer than the longest wait fails at once.
 *
 * @param plugin Plugin name for errors.
 * @param fetcher fetch to use.
 * @param url The webhook (secret: it never appears in an error).
 * @param payload The JSON body.
 * @param timeoutSeconds Give up on one attempt after this long.
 * @param options Per-attempt headers, retry bounds, sleep and clock.
 * @returns The response text.
 * @throws {PluginError} On a network error, a timeout or a non-2xx answer (the last one, after retries).
 */
export async function postJson(
  plugin: string,
  fetcher: typeof fetch,
  url: URL,
  payload: unknown,
  timeoutSeconds: number,
  options: PostOptions = {},
): Promise<string> {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const body = JSON.stringify(payload);
  for (let attempt = 1;; attempt++) {
    let res: Response;
    try {
      const extra = options.headers ? await options.headers(body, now()) : {};
      res = await fetcher(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...extra },
        body,
        signal: AbortSignal.timeout(timeoutSeconds * 1000),
      });
    } catch (e) {
      const err = e as Error;
      const why = err.name === "TimeoutError"
        ? `no answer within ${timeoutSeconds} s`
        : err.message;
      throw new PluginError(plugin, `Webhook at ${url.host} could not be reached: ${why}`, {
        cause: e,
      });
    }
    const text = await res.text();
    if (res.ok) return text;
    const answered = `Webhook at ${url.host} answered ${res.status}${
      text ? `: ${text.slice(0, 300).trim()}` : ""
    }`;
    if (!_retryable(res.status)) throw new PluginError(plugin, answered);
    if (attempt >= policy.maxAttempts) {
      throw new PluginError(plugin, `${answered} (gave up after ${attempt} attempts)`);
    }
    const wait = Math.min(
      retryDelayMs(res.headers.get("retry-after"), attempt, now(), policy),
      res.headers.has("retry-after") ? Infinity : policy.maxDelayMs,
    );
    if (wait > policy.maxDelayMs) {
      throw new PluginError(
        plugin,
        `${answered}; it asks to retry after ${Math.ceil(wait / 1000)} s, longer than the ${
          policy.maxDelayMs / 1000
        } s fleet-orch waits`,
      );
    }
    await sleep(wait);
  }
}

/** Teams refuses a message body over 28 KB (measured in bytes, not characters). */
export const TEAMS_MAX_BYTES = 28 * 1024;

/**
 * The size of a JSON payload as sent: UTF-8 bytes of its serialisation.
 *
 * @param payload The payload.
 * @returns Bytes.
 */
export function payloadBytes(payload: unknown): number {
  return new TextEncoder().encode(JSON.stringify(payload)).length;
}

/** How {@link simplifyMarkdown} writes bold text and links. */
export interface Dialect {
  /** Bold marker: "*" for Slack, "**" for Teams. */
  bold: string;
  /** Format a link. */
  link(text: string, url: string): string;
  /** Escape &, < and > (Slack requires it). */
  escapeHtml: boolean;
  /** At most this many characters. */
  maxLength: number;
}

/**
 * Turn the run's GitHub-flavoured Markdown into a chat dialect: headings become
 * bold lines, tables become lines of cells, `<details>` blocks (diffs) are
 * dropped, escapes are undone, and the text is cut to the dialect's limit.
 *
 * @param md The Markdown.
 * @param d The dialect.
 * @returns The text.
 */
export function simplifyMarkdown(md: string, d: Dialect): string {
  let s = md.replace(/<details>[\s\S]*?<\/details>\n?/g, "").replace(
    /<\/?(sub|sup|br)\s*\/?>/g,
    "",
  );
  const lines: string[] = [];
  for (const line of s.split("\n")) {
    if (/^\|?\s*:?-{3,}/.test(line)) continue;
    if (/^\|\s*\|\s*\|$/.test(line.trim())) continue;
    const heading = line.match(/^#{1,6}\s+(.*)$/);
    if (heading) {
      lines.push(`${d.bold}${heading[1]}${d.bold}`);
      continue;
    }
    if (line.startsWith("|")) {
      const cells = line.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) =>
        c.trim()
      )
        .filter(Boolean);
      lines.push(cells.join(" · "));
      continue;
    }
    lines.push(line);
  }
  s = lines.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  s = s.replace(/\\([\\`*_{}\[\]()#+\-.!|~>])/g, "$1")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  if (d.escapeHtml) s = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  s = s.replace(/\*\*([^*\n]+)\*\*/g, `${d.bold}$1${d.bold}`)
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, t: string, u: string) => d.link(t, u));
  return s.length <= d.maxLength ? s : s.slice(0, d.maxLength - 2) + " …";
}
