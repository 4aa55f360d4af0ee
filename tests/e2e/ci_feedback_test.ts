import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { startGithubFake } from "../fakes/github_server.ts";
import { startAzureDevopsFake } from "../fakes/azure_devops_server.ts";
import {
  config,
  FIX_VALUE,
  git,
  MAIN,
  makeRepo,
  readReport,
  removeRepo,
  roles,
  runCli,
  USELESS,
  VALUE_REPO,
} from "./_helpers.ts";

const TOKEN = "ghs_e2e_token";

async function repoWithRemote(files: Record<string, string>) {
  const remote = await Deno.makeTempDir({ prefix: "fleet-orch-remote-" });
  const repo = await makeRepo(files);
  await git(remote, "init -q --bare");
  await git(repo, `remote add origin ${remote}`);
  await git(repo, "push -q origin main");
  return { repo, remote };
}

function githubConfig(url: string, gates: Record<string, string> = { value: "bash check.sh" }) {
  return config(
    gates,
    `vcs:\n  uses: github\n  with:\n    api_url: ${url}\n    owner: acme\n    repo: app\n`,
  );
}

/** GitHub Actions files and variables for a run. */
async function actionsEnv(extra: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-actions-" });
  const summary = join(dir, "summary.md");
  const output = join(dir, "output.txt");
  return {
    dir,
    summary,
    output,
    env: {
      GITHUB_ACTIONS: "true",
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_RUN_ID: "4242",
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      ...extra,
    },
  };
}

Deno.test("run --from-ci (GitHub workflow_run): the baseline is the failed job's log, the fix is verified by the real gate, the rate-limited check run is retried", async () => {
  const github = startGithubFake({
    token: TOKEN,
    runs: {
      "555": [
        { id: 10, name: "lint", conclusion: "success", log: "all good\n" },
        {
          id: 11,
          name: "build",
          conclusion: "failure",
          log: "2026-12-04T08:00:00.0000000Z ##[group]Run bash check.sh\n" +
            "2026-12-04T08:00:01.0000000Z FAIL value.txt: expected 'fixed', found 'broken'\n" +
            "2026-12-04T08:00:01.0000000Z ##[error]Process completed with exit code 1.\n",
        },
      ],
    },
    // The first check-run request hits a secondary rate limit.
    throttle: [{ status: 403, path: "/check-runs", headers: { "retry-after": "1" } }],
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE, 40));
  const { repo, remote } = await repoWithRemote({
    ...VALUE_REPO,
    "fleet-orch.yaml": githubConfig(github.url),
  });
  const ci = await actionsEnv({ GITHUB_EVENT_NAME: "workflow_run" });
  const event = join(ci.dir, "event.json");
  await Deno.writeTextFile(
    event,
    JSON.stringify({ workflow_run: { id: 555, conclusion: "failure" } }),
  );
  try {
    const r = await runCli(repo, ["--from-ci"], {
      baseUrl: fake.url,
      env: { ...ci.env, GITHUB_EVENT_PATH: event },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Baseline from CI run 555: value \(\d+ failure\(s\)\)/);
    assert.ok(github.requests.some((q) => q.path === "/repos/acme/app/actions/runs/555/jobs"));
    assert.ok(github.requests.some((q) => q.path === "/_blobs/logs/11"));
    assert.ok(!github.requests.some((q) => q.path === "/_blobs/logs/10"), "only failed jobs");
    assert.equal((await readReport(r)).stopReason, "success");
    const raw = JSON.parse(await Deno.readTextFile(r.stderr.match(/^Report: (.+)$/m)![1]!.trim()));
    assert.match(raw.iterations[0].failures[0].message, /expected 'fixed', found 'broken'/);
    // The gate ran only after the fix: the fixed gate, then all gates (no baseline, no flaky re-run).
    assert.equal(raw.executions.byGate.value.count, 2, JSON.stringify(raw.executions));
    // The check run: retried after the 403 rate limit, not downgraded to a commit status.
    assert.deepEqual(github.throttled, ["POST /repos/acme/app/check-runs"]);
    assert.equal(github.checkRuns.length, 1);
    assert.equal(github.checkRuns[0]!.conclusion, "success");
    assert.equal(github.statuses.length, 0);
    assert.match(r.stderr, /secondary rate limit.*waiting 1 s/);
    const summary = await Deno.readTextFile(ci.summary);
    assert.ok(summary.length > 0);
    assert.ok(!summary.includes(".git/fleet-orch/worktrees"), summary);
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
    await Deno.remove(ci.dir, { recursive: true });
  }
});

Deno.test("a pull-request run that is not fixed: check run with repository-relative annotations, one summary comment updated by the next run", async () => {
  const github = startGithubFake({ token: TOKEN });
  github.pulls.push(
    {
      number: 5,
      head: "feature",
      base: "main",
      title: "Contribution",
      body: "",
      state: "open",
      labels: [],
      draft: false,
    } as unknown as typeof github.pulls[number],
  );
  const fake = await startFakeOpenAi(roles(() => USELESS, 40));
  const gate =
    '#!/usr/bin/env bash\necho "$(pwd)/src/a.ts:3:5: error: the value is broken"\nexit 1\n';
  const { repo, remote } = await repoWithRemote({
    ...VALUE_REPO,
    "gate.sh": gate,
    "src/a.ts": "export const a = 1;\n",
    "fleet-orch.yaml": githubConfig(github.url, { typecheck: "bash gate.sh" }),
  });
  const head = (await git(repo, "rev-parse HEAD")).trim();
  const ci = await actionsEnv({ GITHUB_EVENT_NAME: "pull_request", GITHUB_HEAD_REF: "feature" });
  const event = join(ci.dir, "event.json");
  await Deno.writeTextFile(
    event,
    JSON.stringify({
      pull_request: {
        number: 5,
        head: { ref: "feature", sha: head, repo: { full_name: "acme/app" } },
        base: { ref: "main", repo: { full_name: "acme/app" } },
      },
    }),
  );
  try {
    for (const run of ["1", "2"]) {
      const r = await runCli(repo, [], {
        baseUrl: fake.url,
        env: { ...ci.env, GITHUB_EVENT_PATH: event, GITHUB_RUN_ID: run },
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /::error file=src\/a\.ts,line=3::/);
      assert.ok(!r.stdout.includes(".git/fleet-orch/worktrees"), r.stdout);
    }
    assert.equal(github.checkRuns.length, 2);
    const run = github.checkRuns[1]!;
    assert.equal(run.head_sha, head);
    assert.equal(run.conclusion, "failure");
    const a = run.annotations[0] as { path: string; start_line: number; annotation_level: string };
    assert.equal(a.path, "src/a.ts");
    assert.equal(a.start_line, 3);
    assert.equal(a.annotation_level, "failure");
    const comments = github.comments.filter((c) => c.issue === 5);
    assert.equal(comments.length, 1, "the second run updated the first run's comment");
    assert.match(comments[0]!.body, /^<!-- fleet-orch:run-summary -->/);
    assert.match(comments[0]!.body, /fleet-orch: not fixed/);
    assert.match(comments[0]!.body, /`src\/a\.ts:3`/);
    assert.match(comments[0]!.body, /actions\/runs\/2\)/);
    assert.ok(!comments[0]!.body.includes("worktrees"));
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
    await Deno.remove(ci.dir, { recursive: true });
  }
});

Deno.test("run --from-ci on Azure Pipelines reads the build's failed task log (after a 429)", async () => {
  const ado = startAzureDevopsFake({
    token: "ado_e2e",
    builds: {
      "77": [
        { name: "Checkout", type: "Task", result: "succeeded", order: 1, log: ["ok"] },
        {
          name: "Gate",
          type: "Task",
          result: "failed",
          order: 2,
          log: [
            "Script contents:",
            "bash check.sh",
            "FAIL value.txt: expected 'fixed', found 'broken'",
          ],
          issues: ["Bash exited with code '1'."],
        },
      ],
    },
    throttle: [{ status: 429, path: "/Timeline", retryAfter: "0" }],
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE, 40));
  const { repo, remote } = await repoWithRemote({
    ...VALUE_REPO,
    "fleet-orch.yaml": config({ value: "bash check.sh" }, "vcs:\n  uses: azure-devops\n"),
  });
  try {
    const r = await runCli(repo, ["--from-ci", "--json"], {
      baseUrl: fake.url,
      env: {
        TF_BUILD: "True",
        BUILD_BUILDID: "77",
        SYSTEM_ACCESSTOKEN: "ado_e2e",
        SYSTEM_COLLECTIONURI: `${ado.orgUrl}/`,
        SYSTEM_TEAMPROJECT: "fleet",
        BUILD_REPOSITORY_ID: "app-id",
        AGENT_TEMPDIRECTORY: remote,
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Baseline from CI run 77: value/);
    assert.equal(ado.throttled.length, 1);
    const report = JSON.parse(r.stdout);
    assert.match(report.iterations[0].failures[0].message, /expected 'fixed'/);
    assert.equal(report.executions.byGate.value.count, 2);
    // The commit status of the run (Azure's annotate), after the fix: succeeded.
    assert.equal(ado.statuses.length, 1);
  } finally {
    await fake.close();
    await ado.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("run --from-ci without a CI run to read is a usage error (exit 2)", async () => {
  const github = startGithubFake({ token: TOKEN });
  const repo = await makeRepo({ ...VALUE_REPO, "fleet-orch.yaml": githubConfig(github.url) });
  try {
    const r = await runCli(repo, ["--from-ci"], { env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--from-ci needs the failed run/);
    const r2 = await runCli(repo, ["--ci-run-id", "abc"], { env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(r2.code, 2, r2.stderr);
  } finally {
    await github.close();
    await removeRepo(repo);
  }
});

Deno.test("check in GitHub Actions writes annotations, the step summary and outputs", async () => {
  const repo = await makeRepo({
    ...VALUE_REPO,
    "gate.sh": '#!/usr/bin/env bash\necho "src/a.ts:7:1: error: nope"\nexit 1\n',
    "fleet-orch.yaml": config({ typecheck: "bash gate.sh", value: "true" }),
  });
  const ci = await actionsEnv();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "check", "--repo", repo],
      cwd: repo,
      // Only what a runner has: no model keys, no other CI's variables.
      env: {
        ...Object.fromEntries(
          ["PATH", "HOME", "DENO_DIR", "TMPDIR"].flatMap((n) => {
            const v = Deno.env.get(n);
            return v === undefined ? [] : [[n, v]];
          }),
        ),
        ...ci.env,
        NO_COLOR: "1",
      },
      clearEnv: true,
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 1, stdout + new TextDecoder().decode(out.stderr));
    assert.match(stdout, /::error file=src\/a\.ts,line=7::typecheck: /);
    const summary = await Deno.readTextFile(ci.summary);
    assert.match(summary, /## fleet-orch check: required gates failed/);
    assert.match(summary, /\| typecheck \| failed \| yes \|/);
    assert.match(summary, /`src\/a\.ts:7`/);
    const output = await Deno.readTextFile(ci.output);
    assert.match(output, /^result<<ghadelimiter_[\w-]+\nfailed\n/m);
    assert.match(output, /^failed-gates<<ghadelimiter_[\w-]+\ntypecheck\n/m);
  } finally {
    await removeRepo(repo);
    await Deno.remove(ci.dir, { recursive: true });
  }
});
