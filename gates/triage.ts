/**
 * Triage before treatment: what kind of failure a failed gate shows, read
 * from its output with ONE table of signatures. Only code failures are worth
 * a patch; a network or registry error, a runner that died, or a missing
 * secret is not something a model can fix in the repository.
 *
 * @module
 */

import type { GateResult } from "../core/types.ts";

/** What kind of failure a gate shows. */
export type FailureClass = "code" | "flaky" | "infrastructure" | "configuration";

/** One signature of a failure that is not the code's fault. */
export interface TriageSignature {
  /** Stable id, named in reports ("npm-network", "dns", …). */
  id: string;
  /** The class it puts a gate in. */
  class: "infrastructure" | "configuration";
  /** Matched against the gate's output; group 1, when present, names the variable or host. */
  pattern: RegExp;
  /** What went wrong, in words. */
  what: string;
  /** What to do about it. */
  advice: string;
  /** Only when the gate's exit code is this. */
  exitCode?: number;
}

/**
 * Every signature, checked in order: configuration first (retrying cannot
 * help a missing secret), then infrastructure. The patterns are anchored on
 * the shapes real tools print (fixtures in tests/fixtures/triage/ are
 * genuine output of npm, pip, git, bash and python).
 */
export const TRIAGE_SIGNATURES: readonly TriageSignature[] = [
  {
    id: "unbound-variable",
    class: "configuration",
    // bash `set -u`: "bash: line 1: DEPLOY_TOKEN: unbound variable". Only
    // upper-case names: a lower-case local is a bug in the script.
    pattern: /: ([A-Z][A-Z0-9_]*): unbound variable/,
    what: "a required environment variable is not set",
    advice: "set it in the environment of the run (a CI secret or variable), then re-run",
  },
  {
    id: "python-environ",
    class: "configuration",
    // `os.environ["X"]` raises KeyError with a traceback through os.py.
    pattern: /(?:environ|<frozen os>|os\.py)[\s\S]{0,400}?\nKeyError: '([A-Z][A-Z0-9_]*)'/,
    what: "a required environment variable is not set",
    advice: "set it in the environment of the run (a CI secret or variable), then re-run",
  },
  {
    id: "missing-env",
    class: "configuration",
    pattern:
      /(?:missing|required|undefined|not set|must be set|not defined)[^\n]{0,30}?\b(?:environment variable|env(?:ironment)? var|secret|credential)s?\b[\s:"'`]*([A-Z][A-Z0-9_]{2,})\b/i,
    what: "a required environment variable or secret is not set",
    advice: "set it in the environment of the run (a CI secret or variable), then re-run",
  },
  {
    id: "env-not-set",
    class: "configuration",
    pattern:
      /\b(?:environment variable|env var|secret)\s+["'`]?([A-Z][A-Z0-9_]{2,})["'`]?\s+(?:is\s+)?(?:not set|missing|required|undefined|empty)\b/i,
    what: "a required environment variable or secret is not set",
    advice: "set it in the environment of the run (a CI secret or variable), then re-run",
  },
  {
    id: "registry-auth",
    class: "configuration",
    pattern: /npm (?:ERR!|error) code (?:E401|ENEEDAUTH|E403)\b/,
    what: "the package registry refused the credentials (missing or invalid token)",
    advice: "provide the registry token (e.g. NODE_AUTH_TOKEN / .npmrc authToken) to the run",
  },
  {
    id: "git-credentials",
    class: "configuration",
    pattern: /could not read (?:Username|Password) for '[^']*'|Authentication failed for '/,
    what: "git has no credentials for a remote",
    advice: "give the run a token for the remote (e.g. GITHUB_TOKEN) or use a public URL",
  },
  {
    id: "npm-network",
    class: "infrastructure",
    pattern:
      /npm (?:ERR!|error) (?:code (ETIMEDOUT|ECONNRESET|ECONNREFUSED|EAI_AGAIN|ENOTFOUND|FETCH_ERROR|E429|E5\d\d|EPIPE|ESOCKETTIMEDOUT)\b|network (?:request|timeout)\b)/,
    what: "npm could not reach the package registry",
    advice: "check the registry's status, the network and the proxy settings, then re-run",
  },
  {
    id: "pip-network",
    class: "infrastructure",
    pattern:
      /Retrying \(Retry\(total=\d+[^\n]*(?:NewConnectionError|ConnectTimeoutError|ReadTimeoutError|ProtocolError|Connection refused|Connection reset)|\bHTTPSConnectionPool\([^\n]*Max retries exceeded/,
    what: "pip could not reach the package index",
    advice: "check the index's status, the network and the proxy settings, then re-run",
  },
  {
    id: "git-network",
    class: "infrastructure",
    pattern:
      /fatal: unable to access '[^']*': (?:Failed to connect|Could not resolve host|Operation timed out|Connection timed out|Recv failure|The requested URL returned error: 5\d\d)/,
    what: "git could not reach a remote",
    advice: "check the remote's status and the network, then re-run",
  },
  {
    id: "dns",
    class: "infrastructure",
    pattern:
      /\bgetaddrinfo (?:ENOTFOUND|EAI_AGAIN)\b|Temporary failure in name resolution|Could not resolve host: (\S+)|\bEAI_AGAIN\b/,
    what: "a host name could not be resolved (DNS)",
    advice: "check DNS and the network of the runner, then re-run",
  },
  {
    id: "rate-limit",
    class: "infrastructure",
    pattern:
      /\b429 Too Many Requests\b|\bAPI rate limit exceeded\b|\brate limit(?:ed| exceeded)\b|toomanyrequests:/i,
    what: "a service rate-limited the run",
    advice: "wait and re-run, or authenticate to get a higher limit",
  },
  {
    id: "service-unavailable",
    class: "infrastructure",
    pattern: /\b(?:502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out)\b/,
    what: "a remote service was unavailable",
    advice: "check the service's status page, then re-run",
  },
  {
    id: "connection",
    class: "infrastructure",
    // Socket errors while downloading (not a test's own local server: those
    // name 127.0.0.1 or localhost and are the code's business).
    pattern:
      /\b(?:ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT)\b(?![^\n]*(?:127\.0\.0\.1|localhost|::1))|Connection reset by peer|TLS handshake timeout|\bi\/o timeout\b/,
    what: "a network connection failed",
    advice: "check the network of the runner, then re-run",
  },
  {
    id: "disk-full",
    class: "infrastructure",
    pattern: /\bENOSPC\b|No space left on device/,
    what: "the runner's disk is full",
    advice: "free disk space on the runner (caches, docker images) or use a larger disk",
  },
  {
    id: "runner-lost",
    class: "infrastructure",
    pattern:
      /The runner has received a shutdown signal|lost communication with the server|The agent did not connect within the alloted time|##\[error\]The job running on agent .* ran longer than|The self-hosted runner: .* lost communication/,
    what: "the CI runner was lost or shut down",
    advice: "re-run the job; if it repeats, check the runner's host",
  },
  {
    id: "runner-killed",
    class: "infrastructure",
    // SIGKILL with no word from the build about memory: something outside the
    // build (the runner's OOM killer, a cancelled job) ended it.
    pattern: /^/,
    exitCode: 137,
    what: "the build was killed (SIGKILL) without an out-of-memory message of its own",
    advice: "check the runner's memory and whether the job was cancelled, then re-run",
  },
];

/** The triage of one gate. */
export interface GateTriage {
  /** Gate id. */
  gate: string;
  /** The class. */
  class: FailureClass;
  /** The signature that matched (not for code or flaky). */
  signature?: string;
  /** The variable or host the signature named, when it named one. */
  subject?: string;
  /** What went wrong, in words. */
  what?: string;
  /** What to do. */
  advice?: string;
  /** The line that matched. */
  evidence?: string;
}

/**
 * Classify one failed gate by its output.
 *
 * A gate whose status is `oom` (the build said it ran out of memory) is a
 * code failure: recipes raise the heap or the pool. `runner-killed` applies
 * only to a plain `failed` with exit 137 (no "Killed", no OOM words).
 *
 * @param g The gate result.
 * @returns Its triage (`code` when no signature matches).
 * @example
 * ```ts
 * import { triageGate } from "./triage.ts";
 * const t = triageGate({ id: "install", name: "install", required: true, status: "failed",
 *   exitCode: 1, durationMs: 1, output: "npm error code ETIMEDOUT\n", failures: [] });
 * console.assert(t.class === "infrastructure");
 * ```
 */
export function triageGate(g: GateResult): GateTriage {
  if (g.status === "passed" || g.status === "skipped") return { gate: g.id, class: "code" };
  for (const sig of TRIAGE_SIGNATURES) {
    if (sig.exitCode !== undefined) {
      if (g.exitCode !== sig.exitCode || g.status !== "failed") continue;
    }
    const m = sig.pattern.exec(g.output);
    if (!m) continue;
    const lineStart = g.output.lastIndexOf("\n", m.index) + 1;
    const lineEnd = g.output.indexOf("\n", m.index + Math.max(1, m[0].length) - 1);
    const evidence = g.output.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).trim()
      .slice(0, 300);
    return {
      gate: g.id,
      class: sig.class,
      signature: sig.id,
      ...(m[1] ? { subject: m[1] } : {}),
      what: sig.what,
      advice: sig.advice,
      ...(evidence ? { evidence } : {}),
    };
  }
  return { gate: g.id, class: "code" };
}

/**
 * One sentence about a non-code triage for the console and the report.
 *
 * @param t The triage.
 * @returns E.g. `Gate "install": npm could not reach the package registry
 * (npm-network: npm error code ETIMEDOUT); check …`.
 */
export function describeTriage(t: GateTriage): string {
  const subject = t.subject && t.class === "configuration" ? ` ${t.subject}` : "";
  const evidence = t.evidence ? `: ${t.evidence}` : "";
  return `Gate "${t.gate}": ${t.what ?? t.class}${subject ? ` (${subject.trim()})` : ""} [${
    t.signature ?? t.class
  }${evidence}]; ${t.advice ?? ""}`.trim();
}
