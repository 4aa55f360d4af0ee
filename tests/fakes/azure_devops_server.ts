/**
 * A fake Azure DevOps REST API on 127.0.0.1 for `azure-devops-node-api`: the
 * SDK first discovers routes (OPTIONS `_apis/Location`, GET
 * `_apis/ResourceAreas`, OPTIONS `_apis/git` and `_apis/build`), then calls
 * them; this fake answers both, checks the token and records every request.
 *
 * @module
 */

/** One request the fake received. */
export interface AdoRecordedRequest {
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

/** A timeline record of a build, as the fake serves it. */
export interface FakeTimelineRecord {
  /** Record name (task display name). */
  name: string;
  /** "Task", "Job", "Stage", … */
  type: string;
  /** "succeeded", "failed", … as on the wire. */
  result: string;
  /** Execution order. */
  order: number;
  /** The log's lines, when the record has a log. */
  log?: string[];
  /** Issue messages. */
  issues?: string[];
}

/** One throttled answer the fake gives instead of the real one. */
export interface AdoFakeThrottle {
  /** 429 or 503. */
  status: number;
  /** The Retry-After header, if any. */
  retryAfter?: string;
  /** Only a request whose path contains this. @default any */
  path?: string;
  /** Only a request with this method. @default any */
  method?: string;
}

/** Options of {@link startAzureDevopsFake}. */
export interface AzureDevopsFakeOptions {
  /** Organization path segment. @default "acme" */
  org?: string;
  /** Project. @default "fleet" */
  project?: string;
  /** Repositories that exist, by name (the id is "<name>-id"). @default ["app"] */
  repos?: string[];
  /** The token accepted, as Bearer or as a PAT. @default "ado_test" */
  token?: string;
  /** Timeline records per build id. */
  builds?: Record<string, FakeTimelineRecord[]>;
  /** Tokens taken but refused the repositories (403, as for a PAT without Code read). */
  forbiddenTokens?: string[];
  /** Throttled answers, given in order to the first requests they match. */
  throttle?: AdoFakeThrottle[];
}

/** A running fake. */
export interface AzureDevopsFake {
  /** Organization URL, e.g. `http://127.0.0.1:PORT/acme`. */
  orgUrl: string;
  /** Every request, in order. */
  requests: AdoRecordedRequest[];
  /** Pull requests opened. */
  pulls: {
    id: number;
    source: string;
    target: string;
    title: string;
    description: string;
    /** Opened as a draft. */
    isDraft: boolean;
    /** Labels added. */
    labels: string[];
  }[];
  /** Throttled answers still to give. */
  throttle: AdoFakeThrottle[];
  /** Requests answered as throttled, "METHOD /path", in order. */
  throttled: string[];
  /** Threads posted (id = index + 1): pull request id and comment texts, as last updated. */
  threads: { pr: number; comments: string[] }[];
  /** Commit statuses posted. */
  statuses: { commit: string; state: unknown; description: string; genre: string }[];
  /** Stop the server. */
  close(): Promise<void>;
}

const LOCATION_AREA = "e81700f7-3be2-46de-8624-2eb35882fcaa";
const GIT_LOCATIONS = [
  {
    id: "225f7195-f9c7-4d14-ab28-a83f7ff77e1f",
    resourceName: "repositories",
    routeTemplate: "{project}/_apis/{area}/{resource}/{repositoryId}",
  },
  {
    id: "9946fd70-0d40-406e-b686-b4744cbbcc37",
    resourceName: "pullRequests",
    routeTemplate: "{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pullRequestId}",
  },
  {
    id: "ab6e2e5d-a0b7-4153-b64a-a4efe0d49449",
    resourceName: "threads",
    routeTemplate:
      "{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/{resource}/{threadId}",
  },
  {
    id: "965a3ec7-5ed8-455a-bdcb-835a5ea7fe7b",
    resourceName: "comments",
    routeTemplate:
      "{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/threads/{threadId}/{resource}/{commentId}",
  },
  {
    id: "f22387e3-984e-4c52-9c6d-fbb8f14c812d",
    resourceName: "pullRequestLabels",
    routeTemplate:
      "{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/labels/{labelIdOrName}",
  },
  {
    id: "428dd4fb-fda5-4722-af02-9313b80305da",
    resourceName: "statuses",
    routeTemplate:
      "{project}/_apis/{area}/repositories/{repositoryId}/commits/{commitId}/{resource}",
  },
];
const BUILD_LOCATIONS = [
  {
    id: "8baac422-4c6e-4de5-8532-db96d92acffa",
    resourceName: "Timeline",
    routeTemplate: "{project}/_apis/{area}/builds/{buildId}/{resource}/{timelineId}",
  },
  {
    id: "35a80daf-7f30-45fc-86e8-6b813d9c90df",
    resourceName: "logs",
    routeTemplate: "{project}/_apis/{area}/builds/{buildId}/{resource}/{logId}",
  },
];

/**
 * Start the fake on a free loopback port.
 *
 * @param options Organization, project, repositories, token and builds.
 * @returns The running fake.
 */
export function startAzureDevopsFake(options: AzureDevopsFakeOptions = {}): AzureDevopsFake {
  const org = options.org ?? "acme";
  const project = options.project ?? "fleet";
  const repos = options.repos ?? ["app"];
  const token = options.token ?? "ado_test";
  const builds = options.builds ?? {};
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
    });
  const locations = (
    area: string,
    list: { id: string; resourceName: string; routeTemplate: string }[],
  ) => ({
    count: list.length,
    value: list.map((l) => ({
      ...l,
      area,
      resourceVersion: 3,
      minVersion: "1.0",
      maxVersion: "7.2",
      releasedVersion: "7.1",
    })),
  });
  const fake: AzureDevopsFake = {
    orgUrl: "",
    requests: [],
    throttle: [...(options.throttle ?? [])],
    throttled: [],
    pulls: [],
    threads: [],
    statuses: [],
    close: () => server.shutdown(),
  };
  const authorized = (header: string | null) => {
    if (!header) return false;
    if (header === `Bearer ${token}`) return true;
    if (!header.startsWith("Basic ")) return false;
    return atob(header.slice(6)).endsWith(`:${token}`);
  };
  const repoOf = (idOrName: string) => repos.find((r) => r === idOrName || `${r}-id` === idOrName);
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const text = ["GET", "HEAD", "OPTIONS"].includes(req.method) ? "" : await req.text();
    const body: unknown = text ? JSON.parse(text) : null;
    const authorization = req.headers.get("authorization");
    fake.requests.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization,
    });
    const presented = !authorization
      ? ""
      : authorization.startsWith("Basic ")
      ? atob(authorization.slice(6)).replace(/^[^:]*:/, "")
      : authorization.replace(/^Bearer /, "");
    if ((options.forbiddenTokens ?? []).includes(presented)) {
      return json(403, {
        message: "TF401027: You need the Git 'GenericRead' permission to perform this action.",
      });
    }
    if (!authorized(authorization)) {
      return json(401, {
        message: "TF400813: The user is not authorized to access this resource.",
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
        message: "TF400733: The request has been throttled.",
        typeKey: "RequestBlockedException",
      }, limit.retryAfter !== undefined ? { "retry-after": limit.retryAfter } : {});
    }
    const path = decodeURIComponent(url.pathname);
    const prefix = `/${org}/`;
    if (!path.startsWith(prefix)) return json(404, { message: "Organization not found" });
    const rest = path.slice(prefix.length);
    if (req.method === "OPTIONS") {
      if (rest === "_apis/Location") {
        return json(200, {
          count: 1,
          value: [{
            id: LOCATION_AREA,
            area: "Location",
            resourceName: "ResourceAreas",
            routeTemplate: "_apis/{resource}/{areaId}",
            resourceVersion: 1,
            minVersion: "1.0",
            maxVersion: "7.2",
            releasedVersion: "7.1",
          }],
        });
      }
      if (rest === "_apis/git") return json(200, locations("git", GIT_LOCATIONS));
      if (rest === "_apis/build") return json(200, locations("build", BUILD_LOCATIONS));
      return json(200, { count: 0, value: [] });
    }
    // An empty list keeps the organization URL for every area (as on-premises servers answer).
    if (req.method === "GET" && rest === "_apis/ResourceAreas") {
      return json(200, { count: 0, value: [] });
    }
    const seg = rest.split("/");
    if (seg[0] !== project || seg[1] !== "_apis") {
      return json(404, { message: `Project "${seg[0]}" not found` });
    }
    const b = (body ?? {}) as Record<string, unknown>;
    const route = seg.slice(2);
    if (route[0] === "git" && route[1] === "repositories") {
      const repo = repoOf(route[2] ?? "");
      if (!repo) {
        return json(404, {
          message: `TF401019: The Git repository with name or identifier ${
            route[2]
          } does not exist`,
        });
      }
      const webUrl = `${fake.orgUrl}/${project}/_git/${repo}`;
      const prJson = (p: AzureDevopsFake["pulls"][number]) => ({
        pullRequestId: p.id,
        status: "active",
        sourceRefName: p.source,
        targetRefName: p.target,
        title: p.title,
        description: p.description,
        isDraft: p.isDraft,
        labels: p.labels.map((name) => ({ name, active: true })),
        repository: { id: `${repo}-id`, name: repo, webUrl },
      });
      const tail = route.slice(3).join("/");
      if (req.method === "GET" && tail === "") {
        return json(200, { id: `${repo}-id`, name: repo, webUrl });
      }
      if (req.method === "POST" && tail === "pullRequests") {
        if (fake.pulls.some((p) => p.source === b.sourceRefName && p.target === b.targetRefName)) {
          return json(409, {
            message:
              "TF401179: An active pull request for the source and target branch already exists.",
            typeKey: "GitPullRequestExistsException",
          });
        }
        const pr = {
          id: fake.pulls.length + 1,
          source: String(b.sourceRefName),
          target: String(b.targetRefName),
          title: String(b.title),
          description: String(b.description ?? ""),
          isDraft: b.isDraft === true,
          labels: [] as string[],
        };
        fake.pulls.push(pr);
        return json(201, prJson(pr));
      }
      if (req.method === "GET" && tail === "pullRequests") {
        const src = url.searchParams.get("searchCriteria.sourceRefName");
        const dst = url.searchParams.get("searchCriteria.targetRefName");
        const found = fake.pulls.filter((p) =>
          (!src || p.source === src) && (!dst || p.target === dst)
        );
        return json(200, { count: found.length, value: found.map(prJson) });
      }
      const labelMatch = tail.match(/^pullRequests\/(\d+)\/labels$/);
      if (req.method === "POST" && labelMatch) {
        const pr = fake.pulls.find((p) => p.id === Number(labelMatch[1]));
        if (!pr) {
          return json(404, { message: `TF401180: The requested pull request was not found.` });
        }
        const name = String(b.name ?? "");
        if (!pr.labels.includes(name)) pr.labels.push(name);
        return json(200, { id: `label-${name}`, name, active: true });
      }
      const cm = tail.match(/^pullRequests\/(\d+)\/threads\/(\d+)\/comments\/(\d+)$/);
      if (req.method === "PATCH" && cm) {
        const t = fake.threads[Number(cm[2]) - 1];
        if (!t || t.pr !== Number(cm[1]) || t.comments[Number(cm[3]) - 1] === undefined) {
          return json(404, { message: "TF401181: The comment was not found." });
        }
        t.comments[Number(cm[3]) - 1] = String(b.content ?? "");
        return json(200, { id: Number(cm[3]), content: b.content });
      }
      const prMatch = tail.match(/^pullRequests\/(\d+)(\/threads)?$/);
      if (prMatch) {
        const pr = fake.pulls.find((p) => p.id === Number(prMatch[1]));
        if (!pr) {
          return json(404, { message: `TF401180: The requested pull request was not found.` });
        }
        if (req.method === "PATCH" && !prMatch[2]) {
          if (typeof b.title === "string") pr.title = b.title;
          if (typeof b.description === "string") pr.description = b.description;
          return json(200, prJson(pr));
        }
        if (req.method === "GET" && prMatch[2]) {
          const list = fake.threads.map((t, i) => ({ ...t, id: i + 1 })).filter((t) =>
            t.pr === pr.id
          );
          return json(200, {
            count: list.length,
            value: list.map((t) => ({
              id: t.id,
              status: "active",
              comments: t.comments.map((content, i) => ({ id: i + 1, content })),
            })),
          });
        }
        if (req.method === "POST" && prMatch[2]) {
          const comments = ((b.comments ?? []) as { content?: string }[]).map((c) =>
            String(c.content)
          );
          fake.threads.push({ pr: pr.id, comments });
          return json(200, {
            id: fake.threads.length,
            status: "active",
            comments: comments.map((content, i) => ({ id: i + 1, content })),
          });
        }
      }
      const st = tail.match(/^commits\/([0-9a-f]+)\/statuses$/);
      if (req.method === "POST" && st) {
        const ctx = (b.context ?? {}) as { genre?: string };
        fake.statuses.push({
          commit: st[1]!,
          state: b.state,
          description: String(b.description ?? ""),
          genre: String(ctx.genre ?? ""),
        });
        return json(201, { id: fake.statuses.length, state: b.state });
      }
    }
    if (req.method === "GET" && route[0] === "build" && route[1] === "builds") {
      const records = builds[route[2] ?? ""];
      if (!records) {
        return json(404, { message: `The requested build ${route[2]} could not be found.` });
      }
      if (route[3] === "Timeline") {
        return json(200, {
          id: "t1",
          records: records.map((r, i) => ({
            id: `r${i}`,
            name: r.name,
            type: r.type,
            result: r.result,
            state: "completed",
            order: r.order,
            log: r.log ? { id: i + 1, type: "Container" } : null,
            issues: (r.issues ?? []).map((message) => ({ type: "error", message })),
          })),
        });
      }
      if (route[3] === "logs") {
        const rec = records[Number(route[4]) - 1];
        if (!rec?.log) return json(404, { message: "Log not found" });
        return json(200, { count: rec.log.length, value: rec.log });
      }
    }
    return json(404, { message: `No route for ${req.method} ${path}` });
  });
  fake.orgUrl = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}/${org}`;
  return fake;
}
