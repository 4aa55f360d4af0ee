/**
 * The GitHub Action's guard against untrusted pull requests, run as its own
 * step before fleet-orch starts. fleet-orch runs the repository's gates with
 * the job's secrets at hand, so the code under repair must come from people
 * who can already push: a `pull_request_target` (or `workflow_run`) event runs
 * with the base repository's secrets for code the pull request supplies, and
 * a pull request from a fork is code from anyone. Both are refused unless the
 * workflow sets the input `allow-untrusted-pull-requests: 'true'`.
 *
 * The Action runs it as
 * `deno run --allow-read --allow-env action_guard.ts`, reading
 * `GITHUB_EVENT_NAME`, `GITHUB_EVENT_PATH` and `FO_ALLOW_UNTRUSTED`.
 *
 * @module
 */

/** The event payload fields the guard reads. */
interface RepoRef {
  full_name?: string;
}
interface Payload {
  pull_request?: { head?: { repo?: RepoRef | null }; base?: { repo?: RepoRef | null } };
  workflow_run?: { event?: string; head_repository?: RepoRef | null };
  repository?: RepoRef;
}

/**
 * Why an event must not run fleet-orch, or null when it may.
 *
 * @param eventName `GITHUB_EVENT_NAME`.
 * @param payload The parsed JSON of `GITHUB_EVENT_PATH`.
 * @returns The reason, or null for a trusted event.
 * @example
 * ```ts
 * import { untrustedReason } from "./_action_guard.ts";
 * console.assert(untrustedReason("pull_request_target", {}) !== null);
 * console.assert(untrustedReason("push", {}) === null);
 * ```
 */
export function untrustedReason(eventName: string, payload: unknown): string | null {
  const p = (payload && typeof payload === "object" ? payload : {}) as Payload;
  if (eventName === "pull_request_target") {
    return "The event is pull_request_target: it runs with the base repository's secrets and write token for code the pull request supplies";
  }
  const pr = p.pull_request;
  if (pr && eventName.startsWith("pull_request")) {
    const head = pr.head?.repo?.full_name;
    const base = pr.base?.repo?.full_name;
    // A deleted fork has no head repository: it was not the base repository.
    if (!head || head !== base) {
      return `The pull request comes from a fork (${head ?? "a deleted repository"}), not from ${
        base ?? "the base repository"
      }`;
    }
  }
  const run = p.workflow_run;
  if (eventName === "workflow_run" && run) {
    const head = run.head_repository?.full_name;
    if (run.event?.startsWith("pull_request") && head !== p.repository?.full_name) {
      return `The workflow_run was triggered by a pull request from a fork (${
        head ?? "a deleted repository"
      }) and runs with the base repository's secrets`;
    }
  }
  return null;
}

/**
 * The step's decision: print a GitHub annotation and return the exit code.
 *
 * @param env Environment lookup.
 * @param print Where annotation lines go.
 * @returns 0 to go on, 3 to stop the job (refused by policy).
 */
export function guard(
  env: (name: string) => string | undefined,
  print: (line: string) => void,
): number {
  const eventName = env("GITHUB_EVENT_NAME") ?? "";
  const path = env("GITHUB_EVENT_PATH");
  let payload: unknown = {};
  if (path) {
    try {
      payload = JSON.parse(Deno.readTextFileSync(path));
    } catch (e) {
      // No payload to judge by: fail closed, the event cannot be shown trusted.
      print(`::error title=fleet-orch::Cannot read the event payload ${path}: ${e}`);
      return 3;
    }
  }
  const why = untrustedReason(eventName, payload);
  if (!why) return 0;
  if (/^true$/i.test(env("FO_ALLOW_UNTRUSTED")?.trim() ?? "")) {
    print(
      `::warning title=fleet-orch::${why}; running anyway because allow-untrusted-pull-requests is 'true'`,
    );
    return 0;
  }
  print(
    `::error title=fleet-orch refused an untrusted pull request::${why}. fleet-orch runs the repository's code with this job's secrets; run it on pull requests from branches of this repository, or set the input allow-untrusted-pull-requests: 'true' if this job holds no secrets`,
  );
  return 3;
}

if (import.meta.main) {
  Deno.exit(guard((n) => Deno.env.get(n), (line) => console.log(line)));
}
