/**
 * The Azure DevOps host plugin (`uses: azure-devops`), on
 * `azure-devops-node-api` (imported only when first needed): credentials
 * check, pull requests, comment threads, a commit status with the result, and
 * the log lines of a build's failed tasks. Every call waits out throttling
 * (429 and 503 with `Retry-After`, `_retry.ts`).
 *
 * @module
 */

import { z } from "zod";
import type { WebApi } from "azure-devops-node-api";
import { messageOf, PluginError } from "../../core/errors.ts";
import { azureVerdict, RateLimitError, type RetryPolicy, withRateLimit } from "./_retry.ts";
import { commentMarkerOf } from "./_marker.ts";
import { definePlugin, type PluginContext, type VcsPlugin } from "../../core/plugin.ts";

/** Options of the `azure-devops` plugin (`with:`). */
export const AzureDevopsOptionsSchema = z.object({
  /** Organization URL. @default env SYSTEM_COLLECTIONURI */
  org_url: z.string().url().optional(),
  /** Project name or id. @default env SYSTEM_TEAMPROJECT */
  project: z.string().min(1).optional(),
  /** Repository name or id. @default env BUILD_REPOSITORY_ID */
  repository: z.string().min(1).optional(),
  /** Environment variable with the token. @default SYSTEM_ACCESSTOKEN, else AZURE_DEVOPS_PAT */
  token_env: z.string().min(1).optional(),
  /** How the token is sent. @default "bearer" for SYSTEM_ACCESSTOKEN, else "pat" */
  token_kind: z.enum(["bearer", "pat"]).optional(),
  /** Genre of the commit status posted by `annotate`. @default "fleet-orch" */
  status_genre: z.string().min(1).default("fleet-orch"),
  /** Retries of a throttled call (429, 503). @default 4 */
  max_retries: z.number().int().min(0).max(10).default(4),
  /** The longest single wait for throttling, in seconds; a longer one fails the call. @default 600 */
  max_wait_seconds: z.number().min(0).default(600),
});

/** Parsed options of the `azure-devops` plugin. */
export type AzureDevopsOptions = z.infer<typeof AzureDevopsOptionsSchema>;

// Values of the SDK's enums, kept here so the SDK loads only when used.
const PR_STATUS_ACTIVE = 1;
const THREAD_STATUS_ACTIVE = 1;
const COMMENT_TYPE_TEXT = 1;
const STATE_SUCCEEDED = 2;
// GitStatusState: 3 is Failed (the checks ran and found failures); 4 is Error,
// which Azure DevOps shows as the status provider itself breaking.
const STATE_FAILED = 3;
const TASK_RESULT_FAILED = 2;

/**
 * Make an Azure DevOps host client.
 *
 * @param options Organization, project, repository and token settings.
 * @param context env, logger and dry-run flag.
 * @returns The VCS plugin instance.
 * @throws {PluginError} From every method when a setting or the token is missing or rejected.
 */
export function createAzureDevops(options: AzureDevopsOptions, context: PluginContext): VcsPlugin {
  const name = "azure-devops";
  const settings = () => {
    const orgUrl = options.org_url ?? context.env("SYSTEM_COLLECTIONURI");
    const project = options.project ?? context.env("SYSTEM_TEAMPROJECT");
    const repository = options.repository ?? context.env("BUILD_REPOSITORY_ID");
    const missing = [
      !orgUrl && "org_url (or SYSTEM_COLLECTIONURI)",
      !project && "project (or SYSTEM_TEAMPROJECT)",
      !repository && "repository (or BUILD_REPOSITORY_ID)",
    ].filter(Boolean);
    if (missing.length) {
      throw new PluginError(name, `Missing settings: ${missing.join(", ")}; set them under with:`);
    }
    return { orgUrl: orgUrl!.replace(/\/+$/, ""), project: project!, repository: repository! };
  };
  let api: Promise<WebApi> | undefined;
  const connect = () =>
    api ??= (async () => {
      const { orgUrl } = settings();
      const tokenEnv = options.token_env ??
        (context.env("SYSTEM_ACCESSTOKEN") ? "SYSTEM_ACCESSTOKEN" : "AZURE_DEVOPS_PAT");
      const token = context.env(tokenEnv);
      if (!token) {
        throw new PluginError(
          name,
          options.token_env
            ? `Environment variable "${options.token_env}" is not set`
            : 'Neither "SYSTEM_ACCESSTOKEN" nor "AZURE_DEVOPS_PAT" is set: in a pipeline map ' +
              "env: SYSTEM_ACCESSTOKEN: $(System.AccessToken); elsewhere export a PAT with Code (Read & write) " +
              "and Build (Read) scopes",
        );
      }
      const kind = options.token_kind ?? (tokenEnv === "SYSTEM_ACCESSTOKEN" ? "bearer" : "pat");
      const az = await import("azure-devops-node-api");
      const handler = kind === "bearer"
        ? az.getBearerHandler(token)
        : az.getPersonalAccessTokenHandler(token);
      return new az.WebApi(orgUrl, handler, {
        allowRetries: true,
        maxRetries: 2,
        socketTimeout: 60_000,
      });
    })();
  const fail = (what: string, e: unknown): never => {
    if (e instanceof PluginError) throw e;
    const status = (e as { statusCode?: number }).statusCode;
    const hint = e instanceof RateLimitError
      ? " (Azure DevOps throttled the calls; nothing is wrong with the token)"
      : status === 401
      ? " (the token was rejected)"
      : status === 403
      ? " (the token lacks a permission: the build service needs Contribute and Contribute to pull requests)"
      : "";
    throw new PluginError(name, `${what} failed: ${messageOf(e)}${hint}`, { cause: e });
  };
  const policy: RetryPolicy = {
    maxRetries: options.max_retries,
    maxWaitSeconds: options.max_wait_seconds,
    ...(context.sleep ? { sleep: context.sleep } : {}),
    onWait: ({ attempt, seconds, why }) =>
      context.log.warn(
        `Azure DevOps: ${why}; waiting ${seconds} s (retry ${attempt}/${options.max_retries})`,
      ),
  };
  const verdict = (e: unknown, attempt: number, now: number) => {
    const err = e as { statusCode?: number; responseHeaders?: Record<string, string> };
    return azureVerdict(err.statusCode ?? 0, err.responseHeaders, attempt, now);
  };
  // Every method of an SDK client, called whole again after a throttled answer
  // (the SDK itself retries only 502-504 on reads, without Retry-After).
  const retrying = <T extends object>(api: T): T =>
    new Proxy(api, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) =>
          withRateLimit(
            async () => await v.apply(target, args),
            verdict,
            policy,
            `Azure DevOps ${String(prop)}`,
          );
      },
    });
  // Route discovery happens when an API client is made, so a bad token or URL fails here first.
  const gitApi = async (what: string) => {
    try {
      return retrying(
        await withRateLimit(async () => await (await connect()).getGitApi(), verdict, policy, what),
      );
    } catch (e) {
      return fail(what, e);
    }
  };
  const buildApi = async (what: string) => {
    try {
      return retrying(
        await withRateLimit(
          async () => await (await connect()).getBuildApi(),
          verdict,
          policy,
          what,
        ),
      );
    } catch (e) {
      return fail(what, e);
    }
  };
  return {
    async verify() {
      const { project, repository } = settings();
      const git = await gitApi("Connecting to Azure DevOps");
      let repo;
      try {
        repo = await git.getRepository(repository, project);
      } catch (e) {
        fail(`Reading repository "${repository}" in project "${project}"`, e);
      }
      if (!repo) {
        throw new PluginError(
          name,
          `Repository "${repository}" was not found in project "${project}"`,
        );
      }
    },

    async createPullRequest(input) {
      const { orgUrl, project, repository } = settings();
      if (context.dryRun) {
        context.log.info(
          `Dry run: would open a pull request ${input.head} -> ${input.base} in ${project}/${repository}`,
        );
        return { url: "", number: 0 };
      }
      const git = await gitApi("Connecting to Azure DevOps");
      const sourceRefName = _ref(input.head);
      const targetRefName = _ref(input.base);
      const description = _clip(input.body);
      // One pull request per source and target: a later run updates the active one.
      const findActive = async () =>
        (await git.getPullRequests(repository, {
          sourceRefName,
          targetRefName,
          status: PR_STATUS_ACTIVE,
        }, project))?.find((p) => p.pullRequestId);
      let pr;
      let created = false;
      try {
        pr = await findActive();
        if (pr) {
          await git.updatePullRequest(
            { title: input.title, description },
            repository,
            pr.pullRequestId!,
            project,
          );
        } else {
          try {
            pr = await git.createPullRequest(
              {
                sourceRefName,
                targetRefName,
                title: input.title,
                description,
                ...(input.draft ? { isDraft: true } : {}),
              },
              repository,
              project,
            );
            created = true;
          } catch (e) {
            // Another run opened it between the lookup and the create (409).
            pr = (e as { statusCode?: number }).statusCode === 409 ? await findActive() : undefined;
            if (!pr) throw e;
            await git.updatePullRequest(
              { title: input.title, description },
              repository,
              pr.pullRequestId!,
              project,
            );
          }
        }
      } catch (e) {
        return fail(`Opening a pull request ${input.head} -> ${input.base}`, e);
      }
      const id = pr.pullRequestId ?? 0;
      for (const label of input.labels ?? []) {
        try {
          await git.createPullRequestLabel({ name: label }, repository, id, project);
        } catch (e) {
          // Labels help triage; a token that may not label still delivered the fix.
          context.log.warn(`Could not label pull request ${id} "${label}": ${messageOf(e)}`);
        }
      }
      const web = pr.repository?.webUrl ??
        `${orgUrl}/${encodeURIComponent(project)}/_git/${encodeURIComponent(repository)}`;
      return { url: `${web}/pullrequest/${id}`, number: id, created };
    },

    async comment(pr, body) {
      const { project, repository } = settings();
      if (context.dryRun) {
        context.log.info(`Dry run: would comment on pull request ${pr}`);
        return;
      }
      const git = await gitApi("Connecting to Azure DevOps");
      const content = _clip(body, 150_000);
      const marker = commentMarkerOf(body);
      try {
        // fleet-orch's own earlier thread (the same hidden marker) is updated, not piled on.
        if (marker) {
          const threads = await git.getThreads(repository, pr, project);
          const own = (threads ?? []).findLast((t) =>
            (t.comments?.[0]?.content ?? "").includes(marker)
          );
          const first = own?.comments?.[0];
          if (own?.id !== undefined && first?.id !== undefined) {
            await git.updateComment({ content }, repository, pr, own.id, first.id, project);
            return;
          }
        }
        await git.createThread(
          {
            comments: [{ content, commentType: COMMENT_TYPE_TEXT }],
            status: THREAD_STATUS_ACTIVE,
          },
          repository,
          pr,
          project,
        );
      } catch (e) {
        fail(`Commenting on pull request ${pr}`, e);
      }
    },

    async annotate(sha, annotations, summary) {
      const { project, repository } = settings();
      if (context.dryRun) {
        context.log.info(`Dry run: would post a commit status on ${sha.slice(0, 12)}`);
        return;
      }
      // Line annotations go to the build log as ##vso commands (ci_output.ts); the commit gets a status.
      const failed = annotations.some((a) => a.level === "error");
      const git = await gitApi("Connecting to Azure DevOps");
      try {
        await git.createCommitStatus(
          {
            state: failed ? STATE_FAILED : STATE_SUCCEEDED,
            description: summary.replace(/[#*`>_|]/g, "").replace(/\s+/g, " ").trim().slice(0, 256),
            context: { name: "fleet-orch", genre: options.status_genre },
          },
          sha,
          repository,
          project,
        );
      } catch (e) {
        fail(`Posting a commit status on ${sha}`, e);
      }
    },

    async fetchFailedLog(runId) {
      const { project } = settings();
      const buildId = Number(runId);
      if (!Number.isInteger(buildId) || buildId <= 0) {
        throw new PluginError(name, `Build id "${runId}" is not a positive integer`);
      }
      const build = await buildApi("Connecting to Azure DevOps");
      try {
        const timeline = await build.getBuildTimeline(project, buildId);
        if (!timeline) {
          throw new PluginError(name, `Build ${buildId} has no timeline in project "${project}"`);
        }
        const failed = (timeline.records ?? [])
          .filter((r) =>
            _isFailed(r.result) && r.log?.id !== undefined && r.type !== "Stage" &&
            r.type !== "Phase"
          )
          .sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
        if (failed.length === 0) {
          throw new PluginError(name, `Build ${buildId} has no failed task with a log`);
        }
        const parts: string[] = [];
        for (const rec of failed) {
          const lines = await build.getBuildLogLines(project, buildId, rec.log!.id!);
          const issues = (rec.issues ?? []).map((i) => `##[error]${i.message ?? ""}`);
          parts.push(
            `===== ${rec.type ?? "Task"} "${rec.name ?? "?"}" (failed) =====`,
            ...lines,
            ...issues,
          );
        }
        return parts.join("\n") + "\n";
      } catch (e) {
        return fail(`Fetching the logs of build ${buildId}`, e);
      }
    },
  };
}

/** The `azure-devops` VCS plugin (`uses: azure-devops`). */
export const azureDevopsVcs = definePlugin({
  kind: "vcs",
  name: "azure-devops",
  description:
    "Azure DevOps: pull requests, comment threads, commit status, failed build task logs",
  options: AzureDevopsOptionsSchema,
  create: createAzureDevops,
});

function _ref(branch: string): string {
  return branch.startsWith("refs/") ? branch : `refs/heads/${branch}`;
}

function _isFailed(result: unknown): boolean {
  // The SDK maps the wire's "failed" to its enum value; accept both in case it does not.
  return result === TASK_RESULT_FAILED || result === "failed";
}

function _clip(s: string, max = 4000): string {
  // Azure DevOps rejects PR descriptions over 4000 characters and long comments too.
  return s.length <= max ? s : s.slice(0, max - 20) + "\n\n… (truncated)";
}
