import assert from "node:assert/strict";
import { AzureDevopsOptionsSchema, createAzureDevops } from "../../plugins/vcs/azure_devops.ts";
import { startAzureDevopsFake } from "../fakes/azure_devops_server.ts";
import { testContext } from "./_context.ts";

function plugin(orgUrl: string) {
  const { context, lines } = testContext({
    SYSTEM_COLLECTIONURI: orgUrl + "/",
    SYSTEM_TEAMPROJECT: "fleet",
    BUILD_REPOSITORY_ID: "app-id",
    SYSTEM_ACCESSTOKEN: "ado_test",
  });
  return { vcs: createAzureDevops(AzureDevopsOptionsSchema.parse({}), context), lines };
}

const INPUT = { head: "fleet-orch/fix/main", base: "main", title: "Fix", body: "First" };

Deno.test("azure-devops createPullRequest finds the active pull request by source and target and patches it", async () => {
  const fake = startAzureDevopsFake();
  try {
    const { vcs } = plugin(fake.orgUrl);
    const first = await vcs.createPullRequest!({ ...INPUT, labels: ["fleet-orch"] });
    const second = await vcs.createPullRequest!({ ...INPUT, title: "Fix again", body: "Second" });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.number, first.number);
    assert.equal(fake.pulls.length, 1);
    assert.equal(fake.pulls[0]!.title, "Fix again");
    assert.equal(fake.pulls[0]!.description, "Second");
    // Found by a query, not by a failed create (no 409 on the second run).
    const posts = fake.requests.filter((r) =>
      r.method === "POST" && r.path.endsWith("/pullRequests")
    );
    assert.equal(posts.length, 1);
    const lookup = fake.requests.findLast((r) =>
      r.method === "GET" && r.path.endsWith("/pullRequests")
    );
    assert.equal(lookup?.query["searchCriteria.sourceRefName"], "refs/heads/fleet-orch/fix/main");
    assert.equal(lookup?.query["searchCriteria.targetRefName"], "refs/heads/main");
    assert.ok(fake.requests.some((r) => r.method === "PATCH" && /pullRequests\/1$/.test(r.path)));
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops createPullRequest labels the pull request through the labels API", async () => {
  const fake = startAzureDevopsFake();
  try {
    await plugin(fake.orgUrl).vcs.createPullRequest!({ ...INPUT, labels: ["fleet-orch", "ci"] });
    assert.deepEqual(fake.pulls[0]!.labels, ["fleet-orch", "ci"]);
    const posts = fake.requests.filter((r) => r.path.endsWith("/pullRequests/1/labels"));
    assert.deepEqual(posts.map((r) => r.body), [{ name: "fleet-orch" }, { name: "ci" }]);
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops createPullRequest opens a draft when asked", async () => {
  const fake = startAzureDevopsFake();
  try {
    await plugin(fake.orgUrl).vcs.createPullRequest!({ ...INPUT, draft: true });
    assert.equal(fake.pulls[0]!.isDraft, true);
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops createPullRequest clips the description to Azure DevOps' 4000 characters", async () => {
  const fake = startAzureDevopsFake();
  try {
    await plugin(fake.orgUrl).vcs.createPullRequest!({ ...INPUT, body: "x".repeat(10_000) });
    assert.ok(fake.pulls[0]!.description.length <= 4000);
    assert.match(fake.pulls[0]!.description, /truncated/);
  } finally {
    await fake.close();
  }
});
