/**
 * What CI event started the run, as far as delivery cares: a pull request
 * (its head branch and head commit, whether it comes from a fork), and the
 * URL of the CI run to link from a pull request.
 *
 * @module
 */

/** A pull-request build, as GitHub Actions or Azure Pipelines describe it. */
export interface PullRequestEvent {
  /** Which CI system said so. */
  ci: "github" | "azure";
  /** Pull request number (GitHub) or id (Azure DevOps), when known. */
  number: number | null;
  /** The branch the pull request merges from (no `refs/heads/`). */
  headBranch: string;
  /** The head commit, when known (CI checks out a merge commit instead). */
  headSha: string | null;
  /** The branch the pull request merges into. */
  baseBranch: string;
  /**
   * The head lives in another repository (a fork), or that could not be
   * told: fleet-orch then never pushes and only comments.
   */
  fork: boolean;
}

/**
 * Read the pull request a CI build runs for: GitHub's `pull_request` and
 * `pull_request_target` events (`GITHUB_HEAD_REF`, the payload at
 * `GITHUB_EVENT_PATH`), or an Azure Pipelines PR build
 * (`SYSTEM_PULLREQUEST_SOURCEBRANCH`).
 *
 * @param env The environment.
 * @param readText Reads the event payload (tests pass their own).
 * @returns The pull request, or null when the build is not for one.
 * @example
 * ```ts
 * import { pullRequestEvent } from "./ci_event.ts";
 *
 * const pr = await pullRequestEvent({
 *   SYSTEM_PULLREQUEST_SOURCEBRANCH: "refs/heads/feature",
 *   SYSTEM_PULLREQUEST_TARGETBRANCH: "refs/heads/main",
 *   SYSTEM_PULLREQUEST_PULLREQUESTID: "7",
 *   SYSTEM_PULLREQUEST_ISFORK: "False",
 * });
 * console.assert(pr?.headBranch === "feature" && pr.number === 7 && !pr.fork);
 * ```
 */
export async function pullRequestEvent(
  env: Record<string, string | undefined>,
  readText: (path: string) => Promise<string> = Deno.readTextFile,
): Promise<PullRequestEvent | null> {
  const event = env.GITHUB_EVENT_NAME;
  if (env.GITHUB_HEAD_REF && (event === "pull_request" || event === "pull_request_target")) {
    return await _github(env, readText);
  }
  const source = env.SYSTEM_PULLREQUEST_SOURCEBRANCH;
  if (source) {
    // For a GitHub repository built in Azure Pipelines, the number (what the
    // comment API takes) differs from the id and is set; Azure Repos set the id only.
    const id = Number(
      env.SYSTEM_PULLREQUEST_PULLREQUESTNUMBER || env.SYSTEM_PULLREQUEST_PULLREQUESTID,
    );
    const isFork = (env.SYSTEM_PULLREQUEST_ISFORK ?? "").toLowerCase();
    return {
      ci: "azure",
      number: Number.isInteger(id) && id > 0 ? id : null,
      headBranch: _branch(source),
      headSha: _sha(env.SYSTEM_PULLREQUEST_SOURCECOMMITID),
      baseBranch: _branch(env.SYSTEM_PULLREQUEST_TARGETBRANCH ?? ""),
      // Not saying counts as a fork: never push what might be someone else's code.
      fork: isFork !== "false",
    };
  }
  return null;
}

async function _github(
  env: Record<string, string | undefined>,
  readText: (path: string) => Promise<string>,
): Promise<PullRequestEvent> {
  let payload: {
    pull_request?: {
      number?: number;
      head?: { ref?: string; sha?: string; repo?: { full_name?: string } | null };
      base?: { ref?: string; repo?: { full_name?: string } };
    };
  } = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(await readText(env.GITHUB_EVENT_PATH));
    } catch {
      // Unreadable payload: the variables below still name the branches, and fork stays true.
    }
  }
  const pr = payload.pull_request;
  const fromRef = Number(env.GITHUB_REF?.match(/^refs\/pull\/(\d+)\//)?.[1]);
  const number = pr?.number ?? (Number.isInteger(fromRef) && fromRef > 0 ? fromRef : null);
  const headRepo = pr?.head?.repo?.full_name;
  const baseRepo = pr?.base?.repo?.full_name ?? env.GITHUB_REPOSITORY;
  return {
    ci: "github",
    number,
    headBranch: pr?.head?.ref ?? env.GITHUB_HEAD_REF!,
    headSha: _sha(pr?.head?.sha),
    baseBranch: pr?.base?.ref ?? env.GITHUB_BASE_REF ?? "",
    // A deleted fork has head.repo null; an unreadable payload names no repository.
    fork: !headRepo || !baseRepo || headRepo.toLowerCase() !== baseRepo.toLowerCase(),
  };
}

/**
 * The web page of the CI run: GitHub
 * `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`, Azure
 * `$SYSTEM_COLLECTIONURI$SYSTEM_TEAMPROJECT/_build/results?buildId=$BUILD_BUILDID`.
 *
 * @param env The environment.
 * @returns The URL, or null outside those CI systems.
 * @example
 * ```ts
 * import { ciRunUrl } from "./ci_event.ts";
 *
 * console.assert(ciRunUrl({
 *   GITHUB_SERVER_URL: "https://github.com",
 *   GITHUB_REPOSITORY: "acme/app",
 *   GITHUB_RUN_ID: "42",
 * }) === "https://github.com/acme/app/actions/runs/42");
 * ```
 */
export function ciRunUrl(env: Record<string, string | undefined>): string | null {
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = (env.GITHUB_SERVER_URL || "https://github.com").replace(/\/+$/, "");
    return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${
      encodeURIComponent(env.GITHUB_RUN_ID)
    }`;
  }
  if (env.BUILD_BUILDID && env.SYSTEM_COLLECTIONURI && env.SYSTEM_TEAMPROJECT) {
    const org = env.SYSTEM_COLLECTIONURI.replace(/\/*$/, "/");
    return `${org}${encodeURIComponent(env.SYSTEM_TEAMPROJECT)}/_build/results?buildId=${
      encodeURIComponent(env.BUILD_BUILDID)
    }`;
  }
  return null;
}

/**
 * The work branch fleet-orch owns for one base branch:
 * `fleet-orch/fix/<base>`, with what git refuses in a ref name replaced.
 *
 * @param base The base branch (`refs/heads/` is dropped).
 * @returns The branch name.
 * @example
 * ```ts
 * import { fixBranchFor } from "./ci_event.ts";
 *
 * console.assert(fixBranchFor("refs/heads/release/1.2") === "fleet-orch/fix/release/1.2");
 * console.assert(fixBranchFor("feat..x~1") === "fleet-orch/fix/feat-x-1");
 * ```
 */
export function fixBranchFor(base: string): string {
  const clean = _branch(base)
    // Letters, digits, . _ - / only: that avoids what git check-ref-format refuses
    // (control characters, space ~ ^ : ? * [ \ and "@{"), and "..".
    .replace(/[^A-Za-z0-9._/-]+/g, "-")
    .replace(/\.{2,}/g, "-")
    .split("/")
    // No component may start with "." or end with ".lock" or "."; none may be empty.
    .map((c) => c.replace(/^\.+/, "").replace(/(\.lock)+$/i, "").replace(/\.+$/, ""))
    .filter((c) => c.length > 0)
    .join("/")
    .replace(/-{2,}/g, "-");
  return `fleet-orch/fix/${clean || "branch"}`;
}

function _branch(ref: string): string {
  return ref.replace(/^refs\/heads\//, "");
}

function _sha(v: string | undefined | null): string | null {
  return v && /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(v) ? v.toLowerCase() : null;
}
