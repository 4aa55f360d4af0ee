import assert from "node:assert/strict";
import { createGithub, GithubOptionsSchema } from "../../plugins/vcs/github.ts";
import { startGithubFake } from "../fakes/github_server.ts";
import { testContext } from "./_context.ts";

function plugin(url: string) {
  const { context, lines } = testContext({
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: "acme/app",
    GITHUB_TOKEN: "ghs_test",
  });
  return { vcs: createGithub(GithubOptionsSchema.parse({}), context), lines };
}

const INPUT = { head: "fleet-orch/fix/main", base: "main", title: "Fix", body: "First" };

Deno.test("github createPullRequest updates the open pull request instead of opening another", async () => {
  const fake = startGithubFake();
  try {
    const { vcs } = plugin(fake.url);
    const first = await vcs.createPullRequest!({ ...INPUT, labels: ["fleet-orch"] });
    const second = await vcs.createPullRequest!({
      ...INPUT,
      title: "Fix again",
      body: "Second",
      labels: ["fleet-orch", "ci"],
    });
    assert.equal(first.created, true);
    assert.equal(second.created, false);
    assert.equal(second.number, first.number);
    assert.equal(fake.pulls.length, 1);
    assert.equal(fake.pulls[0]!.title, "Fix again");
    assert.equal(fake.pulls[0]!.body, "Second");
    assert.deepEqual(fake.pulls[0]!.labels, ["fleet-orch", "ci"]);
    // The second run looked the pull request up and did not try to create one.
    assert.equal(
      fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/pulls")).length,
      1,
    );
    const lookup = fake.requests.find((r) => r.method === "GET" && r.path.endsWith("/pulls"));
    assert.deepEqual(
      [lookup?.query.head, lookup?.query.base, lookup?.query.state],
      ["acme:fleet-orch/fix/main", "main", "open"],
    );
  } finally {
    await fake.close();
  }
});

Deno.test("github createPullRequest opens a pull request per base branch", async () => {
  const fake = startGithubFake();
  try {
    const { vcs } = plugin(fake.url);
    await vcs.createPullRequest!(INPUT);
    await vcs.createPullRequest!({ ...INPUT, head: "fleet-orch/fix/release-1", base: "release/1" });
    assert.deepEqual(fake.pulls.map((p) => p.base), ["main", "release/1"]);
  } finally {
    await fake.close();
  }
});

Deno.test("github createPullRequest opens a draft when asked", async () => {
  const fake = startGithubFake();
  try {
    await plugin(fake.url).vcs.createPullRequest!({ ...INPUT, draft: true });
    assert.equal(fake.pulls[0]!.draft, true);
    const post = fake.requests.find((r) => r.method === "POST" && r.path.endsWith("/pulls"));
    assert.equal((post?.body as { draft?: boolean }).draft, true);
  } finally {
    await fake.close();
  }
});

Deno.test("github createPullRequest keeps the pull request when labelling is refused", async () => {
  const fake = startGithubFake();
  fake.labelsForbidden = true;
  try {
    const { vcs, lines } = plugin(fake.url);
    const pr = await vcs.createPullRequest!({ ...INPUT, labels: ["fleet-orch"] });
    assert.equal(pr.number, 1);
    assert.deepEqual(fake.pulls[0]!.labels, []);
    assert.ok(lines.some((l) => /Could not label pull request #1/.test(l)), lines.join("\n"));
  } finally {
    await fake.close();
  }
});
