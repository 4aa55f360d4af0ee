/**
 * Rate limits and retries for the VCS hosts, as each documents them.
 *
 * GitHub (docs.github.com, "Rate limits for the REST API"): a primary limit
 * answers 403 or 429 with `x-ratelimit-remaining: 0`; wait until the time in
 * `x-ratelimit-reset`. A secondary limit answers 403 or 429 with
 * `retry-after` (wait that many seconds) or only with a message naming the
 * secondary rate limit (wait at least one minute, then exponentially longer),
 * and a client gives up after a bounded number of retries. A 403 that is none
 * of these is a missing permission and is not retried.
 *
 * Azure DevOps: 429 (throttled) and 503 (unavailable) carry `Retry-After`;
 * without it the wait doubles from a few seconds.
 *
 * The wait goes through an injectable `sleep` (tests pass their own), and no
 * single wait may exceed `maxWaitSeconds`: past it the call fails at once,
 * saying when to try again, instead of holding a CI job for an hour.
 *
 * @module
 */

/** How a host's limits are waited out. */
export interface RetryPolicy {
  /** Retries after the first attempt. @default 4 */
  maxRetries?: number;
  /** The longest single wait; a longer one fails the call. @default 600 */
  maxWaitSeconds?: number;
  /** Wait (tests inject their own). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** The current time in ms (for `x-ratelimit-reset`). @default Date.now */
  now?: () => number;
  /** Told before each wait. */
  onWait?: (info: { attempt: number; seconds: number; why: string }) => void;
}

/** A rate limit that could not be waited out: retries spent, or the wait too long. */
export class RateLimitError extends Error {
  /** HTTP status of the last answer. */
  readonly status: number;
  /** Seconds the host asked to wait before the next try. */
  readonly retryAfterSeconds: number;
  /**
   * @param message What happened.
   * @param status HTTP status.
   * @param retryAfterSeconds Seconds to wait.
   * @param options The original error as `cause`.
   */
  constructor(message: string, status: number, retryAfterSeconds: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "RateLimitError";
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** What one failed answer says about waiting. */
export interface RateLimitVerdict {
  /** "primary", "secondary" or "throttled" (Azure); null when it is no rate limit. */
  kind: "primary" | "secondary" | "throttled" | null;
  /** Seconds to wait before the next attempt (already exponential where the host says so). */
  seconds: number;
}

/** Headers as octokit or typed-rest-client give them: lower-case keys. */
type Headers = Record<string, string | number | string[] | undefined>;

function header(headers: Headers | undefined, name: string): string | undefined {
  const v = headers?.[name] ?? headers?.[name.toLowerCase()];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : String(v);
}

/**
 * Seconds in a `Retry-After` header: delta-seconds or an HTTP date.
 *
 * @param value The header value.
 * @param now Current time in ms.
 * @returns Seconds (0 or more), or undefined when absent or unreadable.
 */
export function retryAfterSeconds(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value.trim());
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

const SECONDARY = /secondary rate limit|abuse detection|exceeded a secondary/i;

/**
 * Classify a GitHub error answer.
 *
 * @param status HTTP status.
 * @param headers Response headers (lower-case keys).
 * @param message The error message (body `message`).
 * @param attempt Retries already made (0 for the first failure).
 * @param now Current time in ms.
 * @returns The kind of limit and the wait.
 */
export function githubVerdict(
  status: number,
  headers: Headers | undefined,
  message: string,
  attempt: number,
  now: number,
): RateLimitVerdict {
  if (status !== 403 && status !== 429) return { kind: null, seconds: 0 };
  const after = retryAfterSeconds(header(headers, "retry-after"), now);
  if (after !== undefined) return { kind: "secondary", seconds: after };
  if (header(headers, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(headers, "x-ratelimit-reset"));
    // One second past the reset, so the retry lands after it.
    const seconds = Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - now / 1000) + 1) : 60;
    return { kind: "primary", seconds };
  }
  if (SECONDARY.test(message) || status === 429) {
    // No header to go by: at least a minute, doubling on each retry.
    return { kind: "secondary", seconds: 60 * 2 ** attempt };
  }
  return { kind: null, seconds: 0 };
}

/**
 * Classify an Azure DevOps error answer.
 *
 * @param status HTTP status.
 * @param headers Response headers (lower-case keys).
 * @param attempt Retries already made.
 * @param now Current time in ms.
 * @returns The kind and the wait.
 */
export function azureVerdict(
  status: number,
  headers: Headers | undefined,
  attempt: number,
  now: number,
): RateLimitVerdict {
  if (status !== 429 && status !== 503) return { kind: null, seconds: 0 };
  const after = retryAfterSeconds(header(headers, "retry-after"), now);
  return { kind: "throttled", seconds: after ?? 5 * 2 ** attempt };
}

/** The default wait: a real timer. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Call `fn`, waiting out rate limits as `verdict` reads them from the error.
 *
 * @param fn The call (repeated whole on a retry).
 * @param verdict Reads an error; `kind: null` means it is not retried.
 * @param policy Bounds, clock and sleep.
 * @param what The call, for messages.
 * @returns What `fn` returns.
 * @throws {RateLimitError} When the retries are spent or a wait is longer than allowed.
 * @throws {unknown} Any other error of `fn`, unchanged.
 */
export async function withRateLimit<T>(
  fn: () => Promise<T>,
  verdict: (e: unknown, attempt: number, now: number) => RateLimitVerdict,
  policy: RetryPolicy,
  what: string,
): Promise<T> {
  const maxRetries = policy.maxRetries ?? 4;
  const maxWait = policy.maxWaitSeconds ?? 600;
  const sleep = policy.sleep ?? realSleep;
  const now = policy.now ?? Date.now;
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const v = verdict(e, attempt, now());
      if (!v.kind) throw e;
      const status = (e as { status?: number; statusCode?: number }).status ??
        (e as { statusCode?: number }).statusCode ?? 0;
      const limit = v.kind === "primary"
        ? "the primary rate limit"
        : v.kind === "secondary"
        ? "a secondary rate limit"
        : `throttling (HTTP ${status})`;
      if (attempt >= maxRetries) {
        throw new RateLimitError(
          `${what}: still hit ${limit} after ${maxRetries} retries (HTTP ${status}); ` +
            `try again in ${v.seconds} s`,
          status,
          v.seconds,
          { cause: e },
        );
      }
      if (v.seconds > maxWait) {
        throw new RateLimitError(
          `${what}: hit ${limit} (HTTP ${status}); the host asks to wait ${v.seconds} s, ` +
            `more than max_wait_seconds (${maxWait}); try again later`,
          status,
          v.seconds,
          { cause: e },
        );
      }
      policy.onWait?.({ attempt: attempt + 1, seconds: v.seconds, why: limit });
      await sleep(v.seconds * 1000);
    }
  }
}
