import assert from "node:assert/strict";
import { createGithub, GithubOptionsSchema } from "../../plugins/vcs/github.ts";
import { AzureDevopsOptionsSchema, createAzureDevops } from "../../plugins/vcs/azure_devops.ts";
import { commentMarker, commentMarkerOf } from "../../plugins/vcs/_marker.ts";
import { startGithubFake } from "../fakes/github_server.ts";
import { startAzureDevopsFake } from "../fakes/azure_devops_server.ts";
import { testContext } from "./_context.ts";

const MARK = commentMarker("run-summary");

Deno.test("commentMarker makes a hidden HTML comment; commentMarkerOf finds it", () => {
  assert.equal(MARK, "<!-- fleet-orch:run-summary -->");
  assert.equal(commentMarkerOf(`${MARK}\n## Result`), MARK);
  assert.equal(commentMarkerOf("no marker"), null);
  assert.throws(() => commentMarker("a b"), RangeError);
});

Deno.test("github comment with a marker updates fleet-orch's earlier comment, others stay", async () => {
  const fake = startGithubFake();
  try {
    const { context } = testContext({
      GITHUB_API_URL: fake.url,
      GITHUB_REPOSITORY: "acme/app",
      GITHUB_TOKEN: "ghs_test",
    });
    const vcs = createGithub(GithubOptionsSchema.parse({}), context);
    await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
    await vcs.comment!(1, "A human's comment");
    await vcs.comment!(1, `${MARK}\nRun 1: failed`);
    await vcs.comment!(1, "Another human");
    await vcs.comment!(1, `${MARK}\nRun 2: fixed`);
    assert.deepEqual(fake.comments.map((c) => c.body), [
      "A human's comment",
      `${MARK}\nRun 2: fixed`,
      "Another human",
    ]);
    assert.ok(fake.requests.some((r) => r.method === "PATCH" && r.path.endsWith("/comments/2")));
  } finally {
    await fake.close();
  }
});

Deno.test("azure-devops comment with a marker updates fleet-orch's earlier thread", async () => {
  const fake = startAzureDevopsFake();
  try {
    const { context } = testContext({
      SYSTEM_COLLECTIONURI: fake.orgUrl + "/",
      SYSTEM_TEAMPROJECT: "fleet",
      BUILD_REPOSITORY_ID: "app-id",
      SYSTEM_ACCESSTOKEN: "ado_test",
    });
    const vcs = createAzureDevops(AzureDevopsOptionsSchema.parse({}), context);
    await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
    await vcs.comment!(1, "Reviewer note");
    await vcs.comment!(1, `${MARK}\nRun 1`);
    await vcs.comment!(1, `${MARK}\nRun 2`);
    assert.deepEqual(fake.threads, [
      { pr: 1, comments: ["Reviewer note"] },
      { pr: 1, comments: [`${MARK}\nRun 2`] },
    ]);
  } finally {
    await fake.close();
  }
});
