/**
 * The GitHub host plugin (`uses: github`), on `@octokit/rest` (imported only
 * when first needed): credentials check, pull requests, comments, check-run
 * annotations (commit status when checks are not allowed) and failed job logs.
 * Branches are pushed with git by the orchestrator, not here. Every request
 * waits out GitHub's primary and secondary rate limits (`_retry.ts`).
 *
 * @module
 */

import { z } from "zod";
import type { Octokit } from "@octokit/rest";
import { messageOf, PluginError } from "../../core/errors.ts";
import { githubVerdict, RateLimitError, withRateLimit } from "./_retry.ts";
import { commentMarkerOf } from "./_marker.ts";
import { repoRelativePath } from "../../report/ci_output.ts";
import {
  type Annotation,
  definePlugin,
  type PluginContext,
  type VcsPlugin,
} from "../../core/plugin.ts";

/** Options of the `github` plugin (`with:`). */
export const GithubOptionsSchema = z.object({
  /** Environment variable holding the token. @default "GITHUB_TOKEN" */
  token_env: z.string().min(1).default("GITHUB_TOKEN"),
  /** API root. @default env GITHUB_API_URL or https://api.github.com */
  api_url: z.string().url().optional(),
  /** Repository owner. @default from GITHUB_REPOSITORY */
  owner: z.string().min(1).optional(),
  /** Repository name. @default from GITHUB_REPOSITORY */
  repo: z.string().min(1).optional(),
  /** Name of the check run. @default "fleet-orch" */
  check_name: z.string().min(1).default("fleet-orch"),
  /** Retries of a rate-limited request. @default 4 */
  max_retries: z.number().int().min(0).max(10).default(4),
  /** The longest single wait for a rate limit, in seconds; a longer one fails the call. @default 600 */
  max_wait_seconds: z.number().min(0).default(600),
});

/** Parsed options of the `github` plugin. */
export type GithubOptions = z.infer<typeof GithubOptionsSchema>;

/** The check-runs API takes at most this many annotations per request. */
export const CHECK_ANNOTATION_BATCH = 50;

/** GitHub's limit on a check run's summary. */
const MAX_SUMMARY = 65_535;

/**
 * Make a GitHub host client.
 *
 * @param options Token variable, API URL, owner and repo.
 * @param context fetch, env, logger and dry-run flag.
 * @returns The VCS plugin instance.
 * @throws {PluginError} From every method when the token or repository is missing or rejected.
 */
export function createGithub(options: GithubOptions, context: PluginContext): VcsPlugin {
  const name = "github";
  let client: Promise<Octokit> | undefined;
  const octokit = () =>
    client ??= (async () => {
      const token = context.env(options.token_env);
      if (!token) {
        throw new PluginError(
          name,
          `Environment variable "${options.token_env}" is not set: export a token with contents, ` +
            `pull-requests and checks write access (in Actions, map it with env: ${options.token_env}: ` +
            "${{ secrets.GITHUB_TOKEN }})",
        );
      }
      const { Octokit } = await import("@octokit/rest");
      const api = new Octokit({
        auth: token,
        baseUrl: (options.api_url ?? context.env("GITHUB_API_URL") ?? "https://api.github.com")
          .replace(/\/+$/, ""),
        request: { fetch: context.fetch },
        userAgent: "fleet-orch",
        // Octokit prints failed requests itself; they are handled here, so keep them in the debug log.
        log: {
          debug: () => {},
          info: () => {},
          warn: (m: string) => context.log.debug(m),
          error: (m: string) => context.log.debug(m),
        },
      });
      // Every request, pagination included, waits out the rate limits.
      api.hook.wrap("request", (request, opts) =>
        withRateLimit(
          async () => await request(opts),
          (e, attempt, now) => {
            const err = e as {
              status?: number;
              message?: string;
              response?: { headers?: Record<string, string>; data?: { message?: string } };
            };
            return githubVerdict(
              err.status ?? 0,
              err.response?.headers,
              `${err.message ?? ""} ${err.response?.data?.message ?? ""}`,
              attempt,
              now,
            );
          },
          {
            maxRetries: options.max_retries,
            maxWaitSeconds: options.max_wait_seconds,
            ...(context.sleep ? { sleep: context.sleep } : {}),
            onWait: ({ attempt, seconds, why }) =>
              context.log.warn(
                `GitHub: ${why} on ${opts.method} ${opts.url}; waiting ${seconds} s (retry ${attempt}/${options.max_retries})`,
              ),
          },
          `${opts.method} ${opts.url}`,
        ));
      return api;
    })();
  const where = () => {
    const [envOwner, envRepo] = (context.env("GITHUB_REPOSITORY") ?? "").split("/");
    const owner = options.owner ?? (envOwner || undefined);
    const repo = options.repo ?? (envRepo || undefined);
    if (!owner || !repo) {
      throw new PluginError(
        name,
        'The repository is unknown: set "owner" and "repo" under with:, or GITHUB_REPOSITORY="owner/repo"',
      );
    }
    return { owner, repo };
  };
  const fail = (what: string, e: unknown): never => {
    if (e instanceof PluginError) throw e;
    const status = (e as { status?: number }).status;
    // A rate limit that could not be waited out is not a missing permission.
    const hint = e instanceof RateLimitError
      ? " (GitHub's rate limit; nothing is wrong with the token)"
      : status === 401
      ? ` (the token in ${options.token_env} was rejected)`
      : status === 403
      ? ` (the token in ${options.token_env} lacks a permission)`
      : status === 404
      ? ` (not found, or the token in ${options.token_env} cannot see it)`
      : "";
    throw new PluginError(name, `${what} failed: ${messageOf(e)}${hint}`, { cause: e });
  };
  return {
    async verify() {
      const api = await octokit();
      const hasRepo = (options.owner && options.repo) || context.env("GITHUB_REPOSITORY");
      try {
        // An Actions GITHUB_TOKEN cannot read /user, so check the repository when it is known.
        if (hasRepo) await api.rest.repos.get(where());
        else await api.rest.users.getAuthenticated();
      } catch (e) {
        fail(hasRepo ? `Reading repository ${where().owner}/${where().repo}` : "Reading /user", e);
      }
    },

    async createPullRequest(input) {
      const { owner, repo } = where();
      if (context.dryRun) {
        context.log.info(
          `Dry run: would open a pull request ${input.head} -> ${input.base} in ${owner}/${repo}`,
        );
        return { url: "", number: 0 };
      }
      const api = await octokit();
      const body = _clip(input.body);
      // One pull request per head and base: a later run updates the open one.
      const findOpen = async () =>
        (await api.rest.pulls.list({
          owner,
          repo,
          head: `${owner}:${input.head}`,
          base: input.base,
          state: "open",
          per_page: 1,
        })).data[0];
      let pr: { number: number; html_url: string };
      let created = false;
      try {
        const open = await findOpen();
        if (open) {
          await api.rest.pulls.update({
            owner,
            repo,
            pull_number: open.number,
            title: input.title,
            body,
          });
          pr = open;
        } else {
          try {
            pr = (await api.rest.pulls.create({
              owner,
              repo,
              head: input.head,
              base: input.base,
              title: input.title,
              body,
              ...(input.draft ? { draft: true } : {}),
            })).data;
            created = true;
          } catch (e) {
            // Another run opened it between the lookup and the create.
            const raced = (e as { status?: number }).status === 422 ? await findOpen() : undefined;
            if (!raced) throw e;
            await api.rest.pulls.update({
              owner,
              repo,
              pull_number: raced.number,
              title: input.title,
              body,
            });
            pr = raced;
          }
        }
      } catch (e) {
        return fail(`Opening a pull request ${input.head} -> ${input.base}`, e);
      }
      if (input.labels?.length) {
        try {
          await api.rest.issues.addLabels({
            owner,
            repo,
            issue_number: pr.number,
            labels: input.labels,
          });
        } catch (e) {
          // Labels help triage; a token that may not label still delivered the fix.
          context.log.warn(`Could not label pull request #${pr.number}: ${messageOf(e)}`);
        }
      }
      return { url: pr.html_url, number: pr.number, created };
    },

    async comment(pr, body) {
      const { owner, repo } = where();
      if (context.dryRun) {
        context.log.info(`Dry run: would comment on pull request #${pr}`);
        return;
      }
      const api = await octokit();
      const text = _clip(body);
      const marker = commentMarkerOf(body);
      try {
        // fleet-orch's own earlier comment (the same hidden marker) is updated, not piled on.
        if (marker) {
          const comments = await api.paginate(api.rest.issues.listComments, {
            owner,
            repo,
            issue_number: pr,
            per_page: 100,
          });
          const own = comments.findLast((c) => (c.body ?? "").includes(marker));
          if (own) {
            await api.rest.issues.updateComment({ owner, repo, comment_id: own.id, body: text });
            return;
          }
        }
        await api.rest.issues.createComment({ owner, repo, issue_number: pr, body: text });
      } catch (e) {
        fail(`Commenting on #${pr}`, e);
      }
    },

    async annotate(sha, annotations, summary) {
      const { owner, repo } = where();
      if (context.dryRun) {
        context.log.info(
          `Dry run: would publish ${annotations.length} annotations on ${sha.slice(0, 12)}`,
        );
        return;
      }
      const api = await octokit();
      const failed = annotations.some((a) => a.level === "error");
      const located = annotations.filter((a) => a.file);
      const unlocated = annotations.filter((a) => !a.file);
      const text = _clip(
        summary +
          (unlocated.length
            ? "\n\n" + unlocated.map((a) => `- **${a.level}**: ${a.message}`).join("\n")
            : ""),
      );
      const title = failed ? "fleet-orch: failures remain" : "fleet-orch: all gates pass";
      const batches: Annotation[][] = [];
      for (let i = 0; i < located.length; i += CHECK_ANNOTATION_BATCH) {
        batches.push(located.slice(i, i + CHECK_ANNOTATION_BATCH));
      }
      try {
        const { data } = await api.rest.checks.create({
          owner,
          repo,
          name: options.check_name,
          head_sha: sha,
          status: "completed",
          conclusion: failed ? "failure" : "success",
          output: { title, summary: text, annotations: (batches[0] ?? []).map(_checkAnnotation) },
        });
        for (const batch of batches.slice(1)) {
          await api.rest.checks.update({
            owner,
            repo,
            check_run_id: data.id,
            output: { title, summary: text, annotations: batch.map(_checkAnnotation) },
          });
        }
      } catch (e) {
        // Only a permission refusal falls back; a rate limit that outlasted the retries is an error.
        if ((e as { status?: number }).status !== 403 || e instanceof RateLimitError) {
          fail(`Creating a check run on ${sha}`, e);
        }
        // Personal access tokens may not create check runs: a commit status still shows the result.
        context.log.warn(
          `Check runs are not allowed for the token in ${options.token_env}; publishing a commit status instead`,
        );
        try {
          await api.rest.repos.createCommitStatus({
            owner,
            repo,
            sha,
            state: failed ? "failure" : "success",
            context: options.check_name,
            description: _oneLine(summary || title).slice(0, 140),
          });
        } catch (e2) {
          fail(`Creating a commit status on ${sha}`, e2);
        }
      }
    },

    async fetchFailedLog(runId) {
      const { owner, repo } = where();
      const api = await octokit();
      const run_id = Number(runId);
      if (!Number.isInteger(run_id) || run_id <= 0) {
        throw new PluginError(name, `Workflow run id "${runId}" is not a positive integer`);
      }
      try {
        const jobs = await api.paginate(api.rest.actions.listJobsForWorkflowRun, {
          owner,
          repo,
          run_id,
          filter: "latest",
          per_page: 100,
        });
        const failed = jobs.filter((j) =>
          j.conclusion === "failure" || j.conclusion === "timed_out"
        );
        if (failed.length === 0) {
          throw new PluginError(
            name,
            `Workflow run ${run_id} has no failed jobs (${jobs.length} jobs)`,
          );
        }
        const parts: string[] = [];
        for (const job of failed) {
          // The API answers 302 to a short-lived log URL; fetch follows it.
          const { data } = await api.rest.actions.downloadJobLogsForWorkflowRun({
            owner,
            repo,
            job_id: job.id,
          });
          parts.push(`===== job "${job.name}" (${job.conclusion}) =====\n${_text(data)}`);
        }
        return parts.join("\n");
      } catch (e) {
        return fail(`Fetching the logs of workflow run ${run_id}`, e);
      }
    },
  };
}

/** The `github` VCS plugin (`uses: github`). */
export const githubVcs = definePlugin({
  kind: "vcs",
  name: "github",
  description: "GitHub: pull requests, comments, check-run annotations, failed Actions job logs",
  options: GithubOptionsSchema,
  create: createGithub,
});

function _checkAnnotation(a: Annotation) {
  return {
    // Check-run annotations attach only to repository-relative paths.
    path: repoRelativePath(a.file ?? ""),
    start_line: a.line ?? 1,
    end_line: a.line ?? 1,
    annotation_level: a.level === "error" ? "failure" as const : a.level,
    message: a.message.slice(0, 64 * 1024),
  };
}

function _clip(s: string): string {
  return s.length <= MAX_SUMMARY ? s : s.slice(0, MAX_SUMMARY - 20) + "\n\n… (truncated)";
}

function _oneLine(s: string): string {
  return s.replace(/[#*`>_|]/g, "").replace(/\s+/g, " ").trim();
}

function _text(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return String(data);
}
