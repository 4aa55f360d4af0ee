import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { Git } from "../../core/git.ts";
import { ConfigSchema } from "../../core/config_schema.ts";
import { ciRunUrl, fixBranchFor, pullRequestEvent } from "../../orchestrator/ci_event.ts";
import {
  fastForwardCheckout,
  forkComment,
  MAX_COMMENT_DIFF,
  pushOwnBranch,
} from "../../orchestrator/publish.ts";
import { writeReports } from "../../report/report.ts";
import { takeFixSteps } from "../../report/text.ts";
import { sampleReport } from "../report/_fixture.ts";

const payload = (headRepo: string | null) =>
  JSON.stringify({
    pull_request: {
      number: 12,
      head: {
        ref: "feat/x",
        sha: "a".repeat(40),
        repo: headRepo === null ? null : { full_name: headRepo },
      },
      base: { ref: "main", repo: { full_name: "Acme/App" } },
    },
  });
const githubEnv = {
  GITHUB_EVENT_NAME: "pull_request",
  GITHUB_EVENT_PATH: "/event.json",
  GITHUB_HEAD_REF: "feat/x",
  GITHUB_BASE_REF: "main",
  GITHUB_REPOSITORY: "acme/app",
};

Deno.test("pullRequestEvent reads a same-repository GitHub pull request from the event payload", async () => {
  const pr = await pullRequestEvent(githubEnv, () => Promise.resolve(payload("acme/app")));
  assert.deepEqual(pr, {
    ci: "github",
    number: 12,
    headBranch: "feat/x",
    headSha: "a".repeat(40),
    baseBranch: "main",
    fork: false,
  });
});

Deno.test("pullRequestEvent calls a head in another repository, or a deleted one, a fork", async () => {
  const fork = await pullRequestEvent(githubEnv, () => Promise.resolve(payload("someone/app")));
  assert.equal(fork?.fork, true);
  const gone = await pullRequestEvent(githubEnv, () => Promise.resolve(payload(null)));
  assert.equal(gone?.fork, true);
});

Deno.test("pullRequestEvent without a readable payload keeps the branch and assumes a fork", async () => {
  const pr = await pullRequestEvent(
    { ...githubEnv, GITHUB_REF: "refs/pull/31/merge" },
    () => Promise.reject(new Deno.errors.NotFound("gone")),
  );
  assert.deepEqual(
    [pr?.headBranch, pr?.number, pr?.headSha, pr?.fork],
    ["feat/x", 31, null, true],
  );
});

Deno.test("pullRequestEvent is null for pushes and for other events", async () => {
  assert.equal(
    await pullRequestEvent({ GITHUB_EVENT_NAME: "push", GITHUB_REF: "refs/heads/main" }),
    null,
  );
  assert.equal(await pullRequestEvent({}), null);
});

Deno.test("pullRequestEvent reads Azure Pipelines pull-request variables, fork unless it says False", async () => {
  const base = {
    SYSTEM_PULLREQUEST_SOURCEBRANCH: "refs/heads/topic",
    SYSTEM_PULLREQUEST_TARGETBRANCH: "refs/heads/main",
    SYSTEM_PULLREQUEST_PULLREQUESTID: "8",
    SYSTEM_PULLREQUEST_SOURCECOMMITID: "B".repeat(40),
  };
  const same = await pullRequestEvent({ ...base, SYSTEM_PULLREQUEST_ISFORK: "False" });
  assert.deepEqual(same, {
    ci: "azure",
    number: 8,
    headBranch: "topic",
    headSha: "b".repeat(40),
    baseBranch: "main",
    fork: false,
  });
  assert.equal(
    (await pullRequestEvent({ ...base, SYSTEM_PULLREQUEST_ISFORK: "True" }))?.fork,
    true,
  );
  assert.equal((await pullRequestEvent(base))?.fork, true);
  // A GitHub repository built in Azure Pipelines: the number is what GitHub's API takes.
  const gh = await pullRequestEvent({ ...base, SYSTEM_PULLREQUEST_PULLREQUESTNUMBER: "31" });
  assert.equal(gh?.number, 31);
});

Deno.test("ciRunUrl links the GitHub Actions run or the Azure Pipelines build", () => {
  assert.equal(
    ciRunUrl({
      GITHUB_SERVER_URL: "https://ghe.example/",
      GITHUB_REPOSITORY: "a/b",
      GITHUB_RUN_ID: "9",
    }),
    "https://ghe.example/a/b/actions/runs/9",
  );
  assert.equal(
    ciRunUrl({
      SYSTEM_COLLECTIONURI: "https://dev.azure.com/acme/",
      SYSTEM_TEAMPROJECT: "My Project",
      BUILD_BUILDID: "41",
    }),
    "https://dev.azure.com/acme/My%20Project/_build/results?buildId=41",
  );
  assert.equal(ciRunUrl({}), null);
});

Deno.test("fixBranchFor gives git-valid names under fleet-orch/fix/", () => {
  assert.equal(fixBranchFor("main"), "fleet-orch/fix/main");
  assert.equal(fixBranchFor("refs/heads/release/2.0"), "fleet-orch/fix/release/2.0");
  assert.equal(fixBranchFor("a b:c?d*e[f"), "fleet-orch/fix/a-b-c-d-e-f");
  assert.equal(fixBranchFor(".hidden/x.lock/y."), "fleet-orch/fix/hidden/x/y");
  assert.equal(fixBranchFor("a..b@{1}"), "fleet-orch/fix/a-b-1-");
  assert.equal(fixBranchFor("//"), "fleet-orch/fix/branch");
});

Deno.test("delivery config takes the scalar form and defaults to pull requests labelled fleet-orch", () => {
  assert.deepEqual(ConfigSchema.parse({}).delivery, {
    mode: "pr",
    pull_requests: "pr",
    labels: ["fleet-orch"],
    draft: false,
  });
  assert.equal(ConfigSchema.parse({ delivery: "commit" }).delivery.mode, "commit");
  assert.equal(ConfigSchema.safeParse({ delivery: "merge" }).success, false);
  assert.equal(ConfigSchema.safeParse({ delivery: { mode: "pr", lables: [] } }).success, false);
});

Deno.test("forkComment fences the diff so no line of it closes the fence, and cuts long diffs", () => {
  const diff = "--- a/x.md\n+++ b/x.md\n@@ -1 +1 @@\n-a\n+````\n";
  const body = forkComment(diff, "r1");
  assert.match(body, /\n`````diff\n--- a\/x\.md[\s\S]*\+````\n`````$/);
  const long = "+x\n".repeat(MAX_COMMENT_DIFF);
  const cut = forkComment(long, "r1");
  assert.ok(cut.length < MAX_COMMENT_DIFF + 1000);
  assert.match(cut, /cut at 60000 characters; fix\.patch holds all of it/);
});

async function tempRepo(): Promise<{ dir: string; git: Git; judged: string[] }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-delivery-" }));
  const judged: string[] = [];
  const exec = new ShellExecutor({
    judge: (c) => (judged.push(c), { allowed: true, rule: null, message: "" }),
  });
  const git = new Git(exec, dir, () => undefined);
  await git.run(["init", "-q", "-b", "main"]);
  await Deno.writeTextFile(join(dir, "a.txt"), "a\n");
  await git.run(["add", "-A"]);
  await git.run(["commit", "-q", "-m", "a"]);
  judged.length = 0;
  return { dir, git, judged };
}

Deno.test("pushOwnBranch refuses any branch that is not fleet-orch/fix/*, before running git", async () => {
  const { dir, git, judged } = await tempRepo();
  try {
    for (
      const branch of ["main", "fleet-orch/fix/", "feature/fleet-orch/fix/x", "fleet-orch/fixes"]
    ) {
      await assert.rejects(() => pushOwnBranch(git, "HEAD", branch, "r"), RangeError);
    }
    assert.deepEqual(judged, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fastForwardCheckout moves a detached CI checkout and refuses one that moved", async () => {
  const { dir, git } = await tempRepo();
  try {
    const start = await git.run(["rev-parse", "HEAD"]);
    await git.run(["checkout", "-q", "-b", "fix"]);
    await Deno.writeTextFile(join(dir, "a.txt"), "fixed\n");
    await git.run(["commit", "-q", "-am", "fix"]);
    const tip = await git.run(["rev-parse", "HEAD"]);
    await git.run(["checkout", "-q", "--detach", start]);
    const rt = { git, env: { TF_BUILD: "True" } };
    assert.equal(await fastForwardCheckout(rt, tip, "fix"), tip);
    assert.equal(await git.run(["rev-parse", "HEAD"]), tip);
    assert.equal(await Deno.readTextFile(join(dir, "a.txt")), "fixed\n");
    // A checkout that is not an ancestor of the fix (a merge commit, a moved branch) is refused.
    await git.run(["checkout", "-q", "-b", "other", start]);
    await git.run(["commit", "-q", "--allow-empty", "-m", "moved"]);
    const moved = await git.run(["rev-parse", "HEAD"]);
    await assert.rejects(() => fastForwardCheckout(rt, tip, "fix"), /not an ancestor of the fix/);
    assert.equal(await git.run(["rev-parse", "HEAD"]), moved);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeReports names the delivered branch, pull request and patch in the CI outputs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-report-" });
  const original = console.error;
  console.error = () => {};
  try {
    const env: Record<string, string> = {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      GITHUB_OUTPUT: join(dir, "output"),
    };
    const report = sampleReport({
      stopReason: "success",
      exitCode: 0,
      workBranch: "fleet-orch/fix-20260101_000000-abcd",
      delivery: {
        mode: "pr",
        target: "main",
        branch: "fleet-orch/fix/main",
        pullRequest: { url: "https://github.example/acme/app/pull/7", number: 7, created: false },
        patch: join(dir, "fix.patch"),
      },
    });
    await writeReports(dir, report, { formats: ["json"], redact: (t) => t, env: (n) => env[n] });
    const outputs = await Deno.readTextFile(join(dir, "output"));
    const value = (name: string) =>
      outputs.match(new RegExp(`^${name}<<(\\S+)\\n([\\s\\S]*?)\\n\\1$`, "m"))?.[2];
    assert.equal(value("work-branch"), "fleet-orch/fix/main");
    assert.equal(value("pull-request-url"), "https://github.example/acme/app/pull/7");
    assert.equal(value("pull-request-number"), "7");
    assert.equal(value("patch"), join(dir, "fix.patch"));
  } finally {
    console.error = original;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("takeFixSteps says a fast-forwarded checkout needs nothing and a fork applies the patch", () => {
  const base = sampleReport({ stopReason: "success", exitCode: 0, workBranch: "fleet-orch/fix-1" });
  const commit = takeFixSteps({
    ...base,
    delivery: { mode: "commit", target: "main", checkout: "a".repeat(40) },
  });
  assert.deepEqual(commit.map((s) => s.text), [
    "Nothing to do: the checkout was fast-forwarded to the fix",
  ]);
  const fork = takeFixSteps({
    ...base,
    delivery: { mode: "comment", target: "feature", patch: "out/fix.patch", commentedOn: 5 },
  });
  assert.equal(fork[0]?.command, "git am out/fix.patch");
});

Deno.test("writeReports sets pullRequestUrl and pullRequestNumber output variables in Azure Pipelines", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-report-" });
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => void lines.push(line);
  try {
    const env: Record<string, string> = { TF_BUILD: "True", AGENT_TEMPDIRECTORY: dir };
    const report = sampleReport({
      stopReason: "success",
      exitCode: 0,
      delivery: {
        mode: "pr",
        target: "main",
        branch: "fleet-orch/fix/main",
        pullRequest: {
          url: "https://dev.example/acme/fleet/_git/app/pullrequest/3",
          number: 3,
          created: true,
        },
      },
    });
    await writeReports(dir, report, {
      formats: ["json"],
      redact: (t) => t,
      env: (n) => env[n],
      json: true,
    });
    for (
      const expected of [
        "##vso[task.setvariable variable=workBranch;isOutput=true]fleet-orch/fix/main",
        "##vso[task.setvariable variable=pullRequestUrl;isOutput=true]https://dev.example/acme/fleet/_git/app/pullrequest/3",
        "##vso[task.setvariable variable=pullRequestNumber;isOutput=true]3",
      ]
    ) assert.ok(lines.includes(expected), `${expected}\n${lines.join("\n")}`);
  } finally {
    console.error = original;
    await Deno.remove(dir, { recursive: true });
  }
});
