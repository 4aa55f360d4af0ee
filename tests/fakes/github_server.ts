/**
 * A fake GitHub REST API on 127.0.0.1: the routes fleet-orch's `github`
 * plugin uses, with token checking, recorded requests, a switch that makes
 * check runs answer 403 (as they do for a personal access token), and a queue
 * of rate-limit answers given before the real ones.
 *
 * @module
 */

/** One request the fake received. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query. */
  path: string;
  /** Query parameters. */
  query: Record<string, string>;
  /** Parsed JSON body, or null. */
  body: unknown;
  /** The Authorization header as sent. */
  authorization: string | null;
}

/** A job of a workflow run, as the fake serves it. */
export interface FakeJob {
  /** Job id. */
  id: number;
  /** Job name. */
  name: string;
  /** "success", "failure", … */
  conclusion: string;
  /** The job's log text. */
  log: string;
}

/** One rate-limit answer the fake gives instead of the real one. */
export interface FakeThrottle {
  /** 403 or 429. */
  status: number;
  /** Headers, e.g. `retry-after`, `x-ratelimit-remaining`, `x-ratelimit-reset`. */
  headers?: Record<string, string>;
  /** The body's message. @default "You have exceeded a secondary rate limit." */
  message?: string;
  /** Only a request whose path contains this is answered so. @default any */
  path?: string;
  /** Only a request with this method. @default any */
  method?: string;
}

/** Options of {@link startGithubFake}. */
export interface GithubFakeOptions {
  /** The token accepted. @default "ghs_test" */
  token?: string;
  /** Repositories that exist, "owner/name". @default ["acme/app"] */
  repos?: string[];
  /** Jobs per workflow run id. */
  runs?: Record<string, FakeJob[]>;
  /** Make check runs answer 403 from the start. */
  checksForbidden?: boolean;
  /**
   * The `permissions` object of `GET /repos/{owner}/{repo}` (the token
   * owner's access, as GitHub reports it). @default absent, as for an
   * installation token
   */
  permissions?: Record<string, boolean>;
  /** `x-oauth-scopes` of every answer (a classic token). @default absent (fine-grained) */
  scopes?: string;
  /** `x-accepted-github-permissions` of every answer. @default absent */
  acceptedPermissions?: string;
  /** Tokens taken but refused every repository (403). @default none */
  forbiddenTokens?: string[];
  /** Whether the repositories are private. @default false */
  private?: boolean;
  /** Rate-limit answers, given in order to the first requests they match. */
  throttle?: FakeThrottle[];
}

/** A running fake. */
export interface GithubFake {
  /** API root, e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request, in order. */
  requests: RecordedRequest[];
  /** When true, check-run routes answer 403. */
  checksForbidden: boolean;
  /** Rate-limit answers still to give. */
  throttle: FakeThrottle[];
  /** Requests answered with a rate limit, "METHOD /path", in order. */
  throttled: string[];
  /** When true, adding labels answers 403 (a token without issues write access). */
  labelsForbidden: boolean;
  /** Pull requests opened. */
  pulls: {
    number: number;
    head: string;
    base: string;
    title: string;
    body: string;
    state: string;
    /** Opened as a draft. */
    draft: boolean;
    /** Labels added. */
    labels: string[];
  }[];
  /** Comments posted (id = index + 1): issue number and body, as last updated. */
  comments: { issue: number; body: string }[];
  /** Check runs with every annotation received. */
  checkRuns: {
    id: number;
    head_sha: string;
    conclusion: string;
    annotations: unknown[];
    updates: number;
  }[];
  /** Commit statuses posted. */
  statuses: { sha: string; state: string; context: string; description: string }[];
  /** Stop the server. */
  close(): Promise<void>;
}

/**
 * Start the fake on a free loopback port.
 *
 * @param options Token, repositories, workflow runs, the 403 switch.
 * @returns The running fake.
 */
export function startGithubFake(options: GithubFakeOptions = {}): GithubFake {
  const token = options.token ?? "ghs_test";
  const repos = new Set(options.repos ?? ["acme/app"]);
  const runs = options.runs ?? {};
  let nextCheck = 1;
  let nextComment = 1;
  const extra: Record<string, string> = {
    ...(options.scopes !== undefined ? { "x-oauth-scopes": options.scopes } : {}),
    ...(options.acceptedPermissions !== undefined
      ? { "x-accepted-github-permissions": options.acceptedPermissions }
      : {}),
  };
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json; charset=utf-8", ...extra, ...headers },
    });
  const forbidden = new Set(options.forbiddenTokens ?? []);
  const notFound = () =>
    json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  const fake: GithubFake = {
    url: "",
    requests: [],
    checksForbidden: options.checksForbidden ?? false,
    throttle: [...(options.throttle ?? [])],
    throttled: [],
    labelsForbidden: false,
    pulls: [],
    comments: [],
    checkRuns: [],
    statuses: [],
    close: () => server.shutdown(),
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const text = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      return json(400, { message: "Problems parsing JSON" });
    }
    const authorization = req.headers.get("authorization");
    fake.requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization,
    });
    const b = (body ?? {}) as Record<string, unknown>;
    // Log blobs are served without auth, like the signed URLs GitHub redirects to.
    const blob = url.pathname.match(/^\/_blobs\/logs\/(\d+)$/);
    if (blob) {
      const job = Object.values(runs).flat().find((j) => String(j.id) === blob[1]);
      return job
        ? new Response(job.log, { headers: { "content-type": "text/plain" } })
        : notFound();
    }
    const presented = authorization?.replace(/^(?:token|bearer) /i, "") ?? "";
    if (forbidden.has(presented)) {
      return json(403, {
        message: "Resource not accessible by personal access token",
        documentation_url: "https://docs.github.com/rest",
      });
    }
    if (
      authorization !== `token ${token}` && authorization !== `bearer ${token}` &&
      authorization !== `Bearer ${token}`
    ) {
      return json(401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
      });
    }
    const limit = fake.throttle[0];
    if (
      limit && (!limit.path || url.pathname.includes(limit.path)) &&
      (!limit.method || limit.method === req.method)
    ) {
      fake.throttle.shift();
      fake.throttled.push(`${req.method} ${url.pathname}`);
      return json(limit.status, {
        message: limit.message ?? "You have exceeded a secondary rate limit.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
      }, limit.headers ?? {});
    }
    if (req.method === "GET" && url.pathname === "/user") {
      return json(200, { login: "fleet-bot", id: 1, type: "User" });
    }
    const m = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/);
    if (!m || !repos.has(`${m[1]}/${m[2]}`)) return notFound();
    const [owner, repo, rest = ""] = [m[1]!, m[2]!, m[3]];
    const route = `${req.method} ${
      rest.replace(/\/\d+(?=\/|$)/g, "/:n").replace(/\/[0-9a-f]{7,40}$/, "/:sha")
    }`;
    const num = Number(rest.match(/\/(\d+)(?:\/|$)/)?.[1]);
    switch (route) {
      case "GET ":
        return json(200, {
          id: 42,
          name: repo,
          full_name: `${owner}/${repo}`,
          default_branch: "main",
          private: options.private ?? false,
          ...(options.permissions ? { permissions: options.permissions } : {}),
        });
      case "POST /pulls": {
        if (fake.pulls.some((p) => p.head === b.head && p.state === "open")) {
          return json(422, {
            message: "Validation Failed",
            errors: [{
              resource: "PullRequest",
              code: "custom",
              message: `A pull request already exists for ${owner}:${b.head}.`,
            }],
          });
        }
        const pr = {
          number: fake.pulls.length + 1,
          head: String(b.head),
          base: String(b.base),
          title: String(b.title),
          body: String(b.body ?? ""),
          state: "open",
          draft: b.draft === true,
          labels: [] as string[],
        };
        fake.pulls.push(pr);
        return json(201, _pull(fake.url, owner, repo, pr));
      }
      case "GET /pulls": {
        const head = url.searchParams.get("head");
        const baseRef = url.searchParams.get("base");
        const state = url.searchParams.get("state") ?? "open";
        const found = fake.pulls.filter((p) =>
          (!head || `${owner}:${p.head}` === head) && (!baseRef || p.base === baseRef) &&
          (state === "all" || p.state === state)
        );
        return json(200, found.map((p) => _pull(fake.url, owner, repo, p)));
      }
      case "PATCH /pulls/:n": {
        const pr = fake.pulls.find((p) => p.number === num);
        if (!pr) return notFound();
        if (typeof b.title === "string") pr.title = b.title;
        if (typeof b.body === "string") pr.body = b.body;
        return json(200, _pull(fake.url, owner, repo, pr));
      }
      case "POST /issues/:n/labels": {
        const pr = fake.pulls.find((p) => p.number === num);
        if (!pr) return notFound();
        if (fake.labelsForbidden) {
          return json(403, { message: "Resource not accessible by integration" });
        }
        for (const l of (b.labels ?? []) as string[]) if (!pr.labels.includes(l)) pr.labels.push(l);
        return json(200, pr.labels.map((name, i) => ({ id: i + 1, name })));
      }
      case "POST /issues/:n/comments": {
        if (!fake.pulls.some((p) => p.number === num)) return notFound();
        fake.comments.push({ issue: num, body: String(b.body) });
        return json(201, {
          id: nextComment++,
          body: b.body,
          html_url: `${fake.url}/${owner}/${repo}/pull/${num}#c`,
        });
      }
      case "GET /issues/:n/comments": {
        const page = Number(url.searchParams.get("page") ?? "1");
        const per = Number(url.searchParams.get("per_page") ?? "30");
        const all = fake.comments.map((c, i) => ({ ...c, id: i + 1 }))
          .filter((c) => c.issue === num);
        return json(
          200,
          all.slice((page - 1) * per, page * per).map((c) => ({ id: c.id, body: c.body })),
        );
      }
      case "PATCH /issues/comments/:n": {
        const c = fake.comments[num - 1];
        if (!c) return notFound();
        c.body = String(b.body);
        return json(200, { id: num, body: c.body });
      }
      case "POST /check-runs":
      case "PATCH /check-runs/:n": {
        if (fake.checksForbidden) {
          return json(403, { message: "Resource not accessible by personal access token" });
        }
        const output = (b.output ?? {}) as { annotations?: unknown[] };
        const annotations = output.annotations ?? [];
        if (annotations.length > 50) {
          return json(422, { message: "Only 50 annotations are allowed per request" });
        }
        if (req.method === "POST") {
          const run = {
            id: nextCheck++,
            head_sha: String(b.head_sha),
            conclusion: String(b.conclusion),
            annotations: [...annotations],
            updates: 0,
          };
          fake.checkRuns.push(run);
          return json(201, {
            id: run.id,
            head_sha: run.head_sha,
            status: "completed",
            conclusion: run.conclusion,
          });
        }
        const run = fake.checkRuns.find((r) => r.id === num);
        if (!run) return notFound();
        run.annotations.push(...annotations);
        run.updates++;
        return json(200, { id: run.id, head_sha: run.head_sha, status: "completed" });
      }
      case "POST /statuses/:sha": {
        const status = {
          sha: rest.slice("/statuses/".length),
          state: String(b.state),
          context: String(b.context ?? "default"),
          description: String(b.description ?? ""),
        };
        fake.statuses.push(status);
        return json(201, { id: fake.statuses.length, ...status });
      }
      case "GET /actions/runs/:n/jobs": {
        const jobs = runs[String(num)];
        if (!jobs) return notFound();
        return json(200, {
          total_count: jobs.length,
          jobs: jobs.map((j) => ({
            id: j.id,
            run_id: num,
            name: j.name,
            status: "completed",
            conclusion: j.conclusion,
          })),
        });
      }
      case "GET /actions/jobs/:n/logs": {
        if (!Object.values(runs).flat().some((j) => j.id === num)) return notFound();
        return new Response(null, {
          status: 302,
          headers: { location: `${fake.url}/_blobs/logs/${num}` },
        });
      }
      default:
        return notFound();
    }
  });
  fake.url = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return fake;
}

function _pull(
  base: string,
  owner: string,
  repo: string,
  pr: GithubFake["pulls"][number],
) {
  return {
    number: pr.number,
    state: pr.state,
    title: pr.title,
    body: pr.body,
    html_url: `${base}/${owner}/${repo}/pull/${pr.number}`,
    draft: pr.draft,
    labels: pr.labels.map((name) => ({ name })),
    head: { ref: pr.head },
    base: { ref: pr.base },
  };
}
