/**
 * Access probes of the built-in VCS hosts, for `fleet-orch doctor`: is the
 * token there, does the host take it, and may it do what a run needs (push a
 * branch, open a pull request)? One cheap GET per host with a short timeout,
 * through `fetch` directly (the plugins' SDKs are not loaded), with the same
 * settings the plugins read: their `with:` options, then the CI variables.
 * The token is never printed.
 *
 * @module
 */

import { messageOf } from "../../core/errors.ts";
import { GithubOptionsSchema } from "./github.ts";
import { githubVerdict } from "./_retry.ts";
import { AzureDevopsOptionsSchema } from "./azure_devops.ts";

/** How a probe ended. */
export type VcsAccessOutcome =
  /** Token taken and permissions sufficient (as far as the host says). */
  | "ok"
  /** Works, with a caveat the user should know (permissions not visible, read-only check). */
  | "warn"
  /** No token, or a setting the plugin needs is missing. */
  | "missing"
  /** The host rejected the token. */
  | "rejected"
  /** The token is taken but lacks a permission a run needs. */
  | "insufficient"
  /** The repository does not exist or the token cannot see it. */
  | "not_found"
  /** The host could not be reached, or answered something else than its API. */
  | "unreachable";

/** One finding of a probe. */
export interface VcsAccessResult {
  /** What it is about: the token's presence, or the access the host grants. */
  check: "token" | "access";
  /** The outcome. */
  outcome: VcsAccessOutcome;
  /** What was found (names the variable, URL and repository, never the token). */
  message: string;
  /** What to do about it; absent when nothing needs doing. */
  fix?: string;
}

/** Options of the probes. */
export interface VcsProbeOptions {
  /** Environment lookup (the plugins read the same variables). */
  env: (name: string) => string | undefined;
  /** fetch. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Timeout of the request. @default 5000 */
  timeoutMs?: number;
  /** Only check the settings and the token's presence; contact nothing. */
  offline?: boolean;
}

/** Default timeout of a probe, milliseconds. */
export const VCS_PROBE_TIMEOUT_MS = 5000;

/** What a run needs from a GitHub token, said once. */
const GITHUB_NEEDS =
  "a token with Contents and Pull requests read & write on the repository (classic PAT: the repo scope; " +
  "in Actions: permissions: contents: write, pull-requests: write, checks: write)";

/** What a run needs from an Azure DevOps token. */
const ADO_NEEDS =
  "Code (Read & write) for a PAT; for the pipeline's build service: Contribute and Contribute to pull requests on the repository";

interface _Answer {
  status: number;
  headers: Headers;
  text: string;
  contentType: string;
}

async function _get(
  url: string,
  headers: Record<string, string>,
  options: VcsProbeOptions,
): Promise<_Answer | { error: string }> {
  const f = options.fetch ?? globalThis.fetch;
  try {
    const res = await f(url, {
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? VCS_PROBE_TIMEOUT_MS),
    });
    // A small read: the repository object, or an error page.
    const text = (await res.text()).slice(0, 64 * 1024);
    return {
      status: res.status,
      headers: res.headers,
      text,
      contentType: res.headers.get("content-type") ?? "",
    };
  } catch (e) {
    const why = e instanceof DOMException && e.name === "TimeoutError"
      ? `no answer within ${Math.round((options.timeoutMs ?? VCS_PROBE_TIMEOUT_MS) / 1000)} s`
      : messageOf(e);
    return { error: why };
  }
}

function _json(a: _Answer): Record<string, unknown> | null {
  if (!/json/i.test(a.contentType)) return null;
  try {
    const v = JSON.parse(a.text);
    return v && typeof v === "object" ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/** What came back, for a message: status, content type and the first bytes. */
function _describe(a: _Answer): string {
  const first = a.text.replace(/\s+/g, " ").trim().slice(0, 80);
  // Redirects are not followed: where one points says what the URL reached.
  const location = a.status >= 300 && a.status < 400 ? a.headers.get("location") : null;
  return `HTTP ${a.status}${location ? ` redirecting to "${location}"` : ""}${
    a.contentType ? ` (${a.contentType.split(";")[0]})` : ""
  }${first ? `: ${first}` : ""}`;
}

/**
 * Probe GitHub: the token variable is set, `GET /repos/{owner}/{repo}` takes
 * it, and the answer's `permissions` allow pushing; a classic token's
 * `x-oauth-scopes` must hold `repo` (or `public_repo` for a public
 * repository). Fine-grained and Actions tokens do not list their
 * permissions: the probe says what it could not see.
 *
 * @param withOptions The `vcs:` entry's `with:` options.
 * @param options Environment, fetch, timeout, offline.
 * @returns Findings, in order (token, then access).
 */
export async function probeGithubAccess(
  withOptions: Record<string, unknown>,
  options: VcsProbeOptions,
): Promise<VcsAccessResult[]> {
  const parsed = GithubOptionsSchema.safeParse(withOptions ?? {});
  if (!parsed.success) {
    return [{
      check: "access",
      outcome: "missing",
      message: `the github options are invalid: ${parsed.error.issues[0]?.message ?? "?"}`,
      fix: 'correct "vcs: with:" (see "fleet-orch plugins")',
    }];
  }
  const o = parsed.data;
  const token = options.env(o.token_env);
  const api = (o.api_url ?? options.env("GITHUB_API_URL") ?? "https://api.github.com")
    .replace(/\/+$/, "");
  const [envOwner, envRepo] = (options.env("GITHUB_REPOSITORY") ?? "").split("/");
  const owner = o.owner ?? (envOwner || undefined);
  const repo = o.repo ?? (envRepo || undefined);
  if (!token) {
    return [{
      check: "token",
      outcome: "missing",
      message: `${o.token_env} is not set`,
      fix:
        `export ${o.token_env} with ${GITHUB_NEEDS}; in Actions map it with env: ${o.token_env}: \${{ secrets.GITHUB_TOKEN }}`,
    }];
  }
  const out: VcsAccessResult[] = [{
    check: "token",
    outcome: "ok",
    message: `${o.token_env} is set`,
  }];
  if (!owner || !repo) {
    out.push({
      check: "access",
      outcome: "missing",
      message: "the repository is unknown",
      fix: 'set "owner" and "repo" under vcs: with:, or GITHUB_REPOSITORY="owner/repo"',
    });
    return out;
  }
  const where = `${owner}/${repo} at ${api}`;
  if (options.offline) {
    out.push({ check: "access", outcome: "ok", message: `${where} not contacted (--offline)` });
    return out;
  }
  const url = `${api}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
  const a = await _get(url, {
    authorization: `Bearer ${token}`,
    accept: "application/vnd.github+json",
    "x-github-api-version": "2022-11-28",
    "user-agent": "fleet-orch-doctor",
  }, options);
  if ("error" in a) {
    out.push({
      check: "access",
      outcome: "unreachable",
      message: `GET ${url}: ${a.error}`,
      fix:
        "check the network and api_url (or GITHUB_API_URL for GitHub Enterprise: https://HOST/api/v3)",
    });
    return out;
  }
  const body = _json(a);
  if (a.status === 401) {
    out.push({
      check: "access",
      outcome: "rejected",
      message: `GitHub rejected the token in ${o.token_env} (GET ${url}: ${_describe(a)})`,
      fix: `replace it with a valid, unexpired token: ${GITHUB_NEEDS}`,
    });
    return out;
  }
  if (a.status === 403) {
    // A primary or secondary rate limit answers 403 too; it is not a missing permission.
    const limited = githubVerdict(
      403,
      Object.fromEntries(a.headers),
      String(body?.message ?? ""),
      0,
      Date.now(),
    ).kind !== null;
    out.push({
      check: "access",
      outcome: limited ? "unreachable" : "insufficient",
      message: limited
        ? `GitHub's rate limit is used up for this token (GET ${url}: ${_describe(a)})`
        : `the token in ${o.token_env} may not read ${owner}/${repo} (GET ${url}: ${_describe(a)})${
          a.headers.get("x-accepted-github-permissions")
            ? `; the endpoint needs: ${a.headers.get("x-accepted-github-permissions")}`
            : ""
        }`,
      fix: limited
        ? `wait ${
          a.headers.get("retry-after")
            ? `${a.headers.get("retry-after")} s`
            : `until ${a.headers.get("x-ratelimit-reset") ?? "the reset"}`
        } or use another token`
        : `grant it ${GITHUB_NEEDS}`,
    });
    return out;
  }
  if (a.status === 404) {
    out.push({
      check: "access",
      outcome: "not_found",
      message:
        `${owner}/${repo} was not found at ${api}, or the token in ${o.token_env} cannot see it`,
      fix:
        `check owner/repo (or GITHUB_REPOSITORY) and that the token is granted this repository: ${GITHUB_NEEDS}`,
    });
    return out;
  }
  if (a.status !== 200 || !body) {
    out.push({
      check: "access",
      outcome: "unreachable",
      message: `GET ${url} did not answer like the GitHub API: ${_describe(a)}`,
      fix: "api_url must be the REST API root (https://api.github.com, or https://HOST/api/v3)",
    });
    return out;
  }
  const perms = body.permissions as Record<string, unknown> | undefined;
  const scopesHeader = a.headers.get("x-oauth-scopes");
  const scopes = scopesHeader === null
    ? null
    : scopesHeader.split(",").map((s) => s.trim()).filter(Boolean);
  const isPrivate = body.private === true;
  if (scopes !== null) {
    // A classic token lists its scopes: it needs repo (public_repo is enough for a public repository).
    const enough = scopes.includes("repo") || (!isPrivate && scopes.includes("public_repo"));
    if (!enough) {
      out.push({
        check: "access",
        outcome: "insufficient",
        message: `the classic token in ${o.token_env} has scopes "${
          scopes.join(", ") || "(none)"
        }": it cannot push or open pull requests on ${owner}/${repo}`,
        fix: `give it the ${isPrivate ? "repo" : "repo (or public_repo)"} scope`,
      });
      return out;
    }
  }
  if (perms && typeof perms === "object") {
    if (perms.push !== true) {
      out.push({
        check: "access",
        outcome: "insufficient",
        message: `the token in ${o.token_env} can ${
          perms.pull === true ? "read" : "see"
        } ${owner}/${repo} but not push to it (permissions.push is false)`,
        fix: `grant it write access: ${GITHUB_NEEDS}`,
      });
      return out;
    }
    out.push({
      check: "access",
      outcome: scopes === null ? "warn" : "ok",
      message:
        `${owner}/${repo}: push and pull allowed${
          scopes !== null ? ` (classic token, scopes: ${scopes.join(", ")})` : ""
        }` + (scopes === null
          ? "; a fine-grained token does not list its permissions, so whether it may open pull requests was not checked"
          : ""),
      ...(scopes === null ? { fix: `make sure the token grants ${GITHUB_NEEDS}` } : {}),
    });
    return out;
  }
  // Installation (Actions) tokens get no permissions object: what they may
  // do is set by the workflow's permissions: block.
  const accepted = a.headers.get("x-accepted-github-permissions");
  out.push({
    check: "access",
    outcome: "warn",
    message: `${owner}/${repo} is readable; the host does not say whether the token may push${
      accepted ? ` (the endpoint accepts: ${accepted})` : ""
    }`,
    fix: `make sure the token grants ${GITHUB_NEEDS}`,
  });
  return out;
}

/**
 * Probe Azure DevOps: the token variable is set and a GET of the repository
 * (`{org}/{project}/_apis/git/repositories/{repo}`) takes it. 401 and 403 are
 * told apart; Azure DevOps does not say whether a token may write, so that
 * part is a reminder.
 *
 * @param withOptions The `vcs:` entry's `with:` options.
 * @param options Environment, fetch, timeout, offline.
 * @returns Findings, in order (token, then access).
 */
export async function probeAzureDevopsAccess(
  withOptions: Record<string, unknown>,
  options: VcsProbeOptions,
): Promise<VcsAccessResult[]> {
  const parsed = AzureDevopsOptionsSchema.safeParse(withOptions ?? {});
  if (!parsed.success) {
    return [{
      check: "access",
      outcome: "missing",
      message: `the azure-devops options are invalid: ${parsed.error.issues[0]?.message ?? "?"}`,
      fix: 'correct "vcs: with:" (see "fleet-orch plugins")',
    }];
  }
  const o = parsed.data;
  const orgUrl = o.org_url ?? options.env("SYSTEM_COLLECTIONURI");
  const project = o.project ?? options.env("SYSTEM_TEAMPROJECT");
  const repository = o.repository ?? options.env("BUILD_REPOSITORY_ID");
  const tokenEnv = o.token_env ??
    (options.env("SYSTEM_ACCESSTOKEN") ? "SYSTEM_ACCESSTOKEN" : "AZURE_DEVOPS_PAT");
  const token = options.env(tokenEnv);
  const out: VcsAccessResult[] = [];
  if (!token) {
    out.push({
      check: "token",
      outcome: "missing",
      message: o.token_env
        ? `${o.token_env} is not set`
        : "neither SYSTEM_ACCESSTOKEN nor AZURE_DEVOPS_PAT is set",
      fix: o.token_env
        ? `export ${o.token_env} with ${ADO_NEEDS}`
        : `in a pipeline map env: SYSTEM_ACCESSTOKEN: $(System.AccessToken); elsewhere export AZURE_DEVOPS_PAT with ${ADO_NEEDS}`,
    });
    return out;
  }
  out.push({ check: "token", outcome: "ok", message: `${tokenEnv} is set` });
  const missing = [
    !orgUrl && "org_url (or SYSTEM_COLLECTIONURI)",
    !project && "project (or SYSTEM_TEAMPROJECT)",
    !repository && "repository (or BUILD_REPOSITORY_ID)",
  ].filter(Boolean);
  if (missing.length) {
    out.push({
      check: "access",
      outcome: "missing",
      message: `the repository is unknown: ${missing.join(", ")} not set`,
      fix: `set ${missing.join(", ")} under vcs: with:`,
    });
    return out;
  }
  const url = `${orgUrl!.replace(/\/+$/, "")}/${
    encodeURIComponent(project!)
  }/_apis/git/repositories/${encodeURIComponent(repository!)}?api-version=7.1`;
  if (options.offline) {
    out.push({
      check: "access",
      outcome: "ok",
      message: `${url.replace(/\?.*$/, "")} not contacted (--offline)`,
    });
    return out;
  }
  const kind = o.token_kind ?? (tokenEnv === "SYSTEM_ACCESSTOKEN" ? "bearer" : "pat");
  const a = await _get(url, {
    authorization: kind === "bearer" ? `Bearer ${token}` : `Basic ${btoa(`:${token}`)}`,
    accept: "application/json",
  }, options);
  if ("error" in a) {
    out.push({
      check: "access",
      outcome: "unreachable",
      message: `GET ${url}: ${a.error}`,
      fix:
        "check the network and org_url (or SYSTEM_COLLECTIONURI), e.g. https://dev.azure.com/ORG",
    });
    return out;
  }
  const body = _json(a);
  // A PAT Azure DevOps does not take often gets a sign-in page (203 or a
  // redirect), not a 401.
  const signIn = (a.status === 203 || (a.status >= 300 && a.status < 400)) && !body;
  if (a.status === 401 || signIn) {
    out.push({
      check: "access",
      outcome: "rejected",
      message: `Azure DevOps rejected the token in ${tokenEnv} (GET ${url}: ${_describe(a)})`,
      fix: kind === "pat"
        ? `replace it with a valid, unexpired PAT of this organization with ${ADO_NEEDS}`
        : `check that the pipeline maps $(System.AccessToken) to ${tokenEnv} (or set token_kind: pat for a PAT)`,
    });
    return out;
  }
  if (a.status === 403) {
    out.push({
      check: "access",
      outcome: "insufficient",
      message: `the token in ${tokenEnv} may not read repository "${repository}" (GET ${url}: ${
        _describe(a)
      })`,
      fix: `grant it ${ADO_NEEDS}`,
    });
    return out;
  }
  if (a.status === 404) {
    out.push({
      check: "access",
      outcome: "not_found",
      message: `repository "${repository}" of project "${project}" was not found at ${orgUrl}, ` +
        `or the token in ${tokenEnv} cannot see it (${_describe(a)})`,
      fix: "check org_url, project and repository (name or id)",
    });
    return out;
  }
  if (a.status !== 200 || !body) {
    out.push({
      check: "access",
      outcome: "unreachable",
      message: `GET ${url} did not answer like the Azure DevOps API: ${_describe(a)}`,
      fix: "org_url must be the organization URL, e.g. https://dev.azure.com/ORG",
    });
    return out;
  }
  out.push({
    check: "access",
    outcome: "warn",
    message: `repository "${String(body.name ?? repository)}" is readable with ${tokenEnv}; ` +
      "Azure DevOps does not say whether the token may push or open pull requests",
    fix: `make sure it has ${ADO_NEEDS}`,
  });
  return out;
}

/**
 * Probe the access of a `vcs:` entry, when fleet-orch has a probe for it.
 *
 * @param uses The entry's `uses:`.
 * @param withOptions Its `with:`.
 * @param options Environment, fetch, timeout, offline.
 * @returns Findings, or null for a host without a probe (a module or exec plugin).
 */
export function probeVcsAccess(
  uses: string,
  withOptions: Record<string, unknown>,
  options: VcsProbeOptions,
): Promise<VcsAccessResult[]> | null {
  if (uses === "github") return probeGithubAccess(withOptions, options);
  if (uses === "azure-devops") return probeAzureDevopsAccess(withOptions, options);
  return null;
}
