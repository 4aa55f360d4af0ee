import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import { AzureDevopsOptionsSchema, createAzureDevops } from "../../plugins/vcs/azure_devops.ts";
import { startAzureDevopsFake } from "../fakes/azure_devops_server.ts";
import { testContext } from "./_context.ts";

function plugin(
  orgUrl: string,
  env: Record<string, string> = { SYSTEM_ACCESSTOKEN: "ado_test" },
  dryRun = false,
) {
  const { context, lines } = testContext({
    SYSTEM_COLLECTIONURI: orgUrl + "/",
    SYSTEM_TEAMPROJECT: "fleet",
    BUILD_REPOSITORY_ID: "app-id",
    ...env,
  }, dryRun);
  return { vcs: createAzureDevops(AzureDevopsOptionsSchema.parse({}), context), lines };
}

Deno.test("azure-devops verify discovers routes and reads the repository with a bearer token", async () => {
  const fake = startAzureDevopsFake();
  try {
    await plugin(fake.orgUrl).vcs.verify!();
    const paths = fake.requests.map((r) => `${r.method} ${r.path}`);
    assert.ok(paths.includes("OPTIONS /acme/_apis/git"), paths.join("\n"));
    assert.equal(paths.at(-1), "GET /acme/fleet/_apis/git/repositories/app-id");
    assert.equal(fake.requests.at(-1)?.authorization, "Bearer ado_test");
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops uses AZURE_DEVOPS_PAT as a personal access token", async () => {
  const fake = startAzureDevopsFake();
  try {
    await plugin(fake.orgUrl, { AZURE_DEVOPS_PAT: "ado_test" }).vcs.verify!();
    assert.match(fake.requests.at(-1)?.authorization ?? "", /^Basic /);
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops verify names the missing token variables", async () => {
  await assert.rejects(
    () => plugin("http://127.0.0.1:9/acme", {}).vcs.verify!(),
    (e: Error) =>
      e instanceof PluginError && /"SYSTEM_ACCESSTOKEN" nor "AZURE_DEVOPS_PAT"/.test(e.message),
  );
});

Deno.test("azure-devops verify names missing settings", async () => {
  const { context } = testContext({ SYSTEM_ACCESSTOKEN: "x" });
  const vcs = createAzureDevops(AzureDevopsOptionsSchema.parse({}), context);
  await assert.rejects(
    () => vcs.verify!(),
    /Missing settings: org_url \(or SYSTEM_COLLECTIONURI\), project/,
  );
});

Deno.test("azure-devops verify reports a rejected token", async () => {
  const fake = startAzureDevopsFake();
  try {
    await assert.rejects(
      () => plugin(fake.orgUrl, { SYSTEM_ACCESSTOKEN: "nope" }).vcs.verify!(),
      (e: Error) => e instanceof PluginError && /TF400813|401|not authorized/.test(e.message),
    );
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops verify fails for an unknown repository", async () => {
  const fake = startAzureDevopsFake();
  try {
    await assert.rejects(
      () =>
        plugin(fake.orgUrl, { SYSTEM_ACCESSTOKEN: "ado_test", BUILD_REPOSITORY_ID: "ghost" }).vcs
          .verify!(),
      /Repository "ghost" was not found in project "fleet"/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops createPullRequest opens one and reuses it on a second run", async () => {
  const fake = startAzureDevopsFake();
  try {
    const { vcs } = plugin(fake.orgUrl);
    const input = { head: "fleet-orch/fix-1", base: "main", title: "Fix build", body: "First" };
    const pr = await vcs.createPullRequest!(input);
    assert.deepEqual(pr, {
      url: `${fake.orgUrl}/fleet/_git/app/pullrequest/1`,
      number: 1,
      created: true,
    });
    assert.equal(fake.pulls[0]?.source, "refs/heads/fleet-orch/fix-1");
    assert.equal(fake.pulls[0]?.target, "refs/heads/main");
    const again = await vcs.createPullRequest!({ ...input, body: "Second" });
    assert.equal(again.number, 1);
    assert.equal(fake.pulls.length, 1);
    assert.equal(fake.pulls[0]?.description, "Second");
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops comment creates a thread", async () => {
  const fake = startAzureDevopsFake();
  try {
    const { vcs } = plugin(fake.orgUrl);
    await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
    await vcs.comment!(1, "Green after 2 iterations");
    assert.deepEqual(fake.threads, [{ pr: 1, comments: ["Green after 2 iterations"] }]);
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops annotate posts a commit status", async () => {
  const fake = startAzureDevopsFake();
  try {
    await plugin(fake.orgUrl).vcs.annotate!(
      "abc123",
      [{ level: "error", message: "x" }],
      "## 1 failure *left*",
    );
    assert.equal(fake.statuses.length, 1);
    assert.equal(fake.statuses[0]?.commit, "abc123");
    assert.equal(fake.statuses[0]?.description, "1 failure left");
    assert.equal(fake.statuses[0]?.genre, "fleet-orch");
    // GitStatusState.Failed is 3 (4 is Error: the status provider broke).
    assert.equal(fake.statuses[0]?.state, 3);
    await plugin(fake.orgUrl).vcs.annotate!("abc124", [{ level: "warning", message: "w" }], "ok");
    assert.equal(fake.statuses[1]?.state, 2);
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops dry run writes nothing", async () => {
  const fake = startAzureDevopsFake();
  try {
    const { vcs } = plugin(fake.orgUrl, { SYSTEM_ACCESSTOKEN: "ado_test" }, true);
    await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
    await vcs.comment!(1, "x");
    await vcs.annotate!("abc", [], "s");
    assert.equal(fake.requests.length, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops fetchFailedLog returns the lines of failed tasks", async () => {
  const fake = startAzureDevopsFake({
    builds: {
      "31": [
        { name: "Build", type: "Stage", result: "failed", order: 1 },
        { name: "npm ci", type: "Task", result: "succeeded", order: 1, log: ["added 10 packages"] },
        {
          name: "npm test",
          type: "Task",
          result: "failed",
          order: 2,
          log: ["FAIL src/a.test.ts", "  expected 1"],
          issues: ["Bash exited with code 1"],
        },
      ],
    },
  });
  try {
    const log = await plugin(fake.orgUrl).vcs.fetchFailedLog!("31");
    assert.equal(
      log,
      '===== Task "npm test" (failed) =====\nFAIL src/a.test.ts\n  expected 1\n##[error]Bash exited with code 1\n',
    );
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops fetchFailedLog says when no task failed", async () => {
  const fake = startAzureDevopsFake({
    builds: { "8": [{ name: "ok", type: "Task", result: "succeeded", order: 1, log: ["fine"] }] },
  });
  try {
    await assert.rejects(
      () => plugin(fake.orgUrl).vcs.fetchFailedLog!("8"),
      /Build 8 has no failed task with a log/,
    );
  } finally {
    await fake.close();
  }
});
