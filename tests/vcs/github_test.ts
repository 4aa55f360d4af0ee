import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import type { Annotation } from "../../core/plugin.ts";
import { createGithub, GithubOptionsSchema } from "../../plugins/vcs/github.ts";
import { startGithubFake } from "../fakes/github_server.ts";
import { testContext } from "./_context.ts";

function plugin(
  url: string,
  env: Record<string, string> = { GITHUB_TOKEN: "ghs_test" },
  dryRun = false,
) {
  const { context, lines } = testContext({
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: "acme/app",
    ...env,
  }, dryRun);
  return { vcs: createGithub(GithubOptionsSchema.parse({}), context), lines };
}

Deno.test("github verify reads the repository with the token", async () => {
  const fake = startGithubFake();
  try {
    await plugin(fake.url).vcs.verify!();
    assert.equal(fake.requests.at(-1)?.path, "/repos/acme/app");
    assert.equal(fake.requests.at(-1)?.authorization, "token ghs_test");
  } finally {
    await fake.close();
  }
});

Deno.test("github verify names the missing token variable", async () => {
  const fake = startGithubFake();
  try {
    await assert.rejects(
      () => plugin(fake.url, {}).vcs.verify!(),
      (e: Error) => e instanceof PluginError && /"GITHUB_TOKEN" is not set/.test(e.message),
    );
    assert.equal(fake.requests.length, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("github verify explains a rejected token", async () => {
  const fake = startGithubFake();
  try {
    await assert.rejects(
      () => plugin(fake.url, { GITHUB_TOKEN: "wrong" }).vcs.verify!(),
      /Bad credentials.*\(the token in GITHUB_TOKEN was rejected\)/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("github verify falls back to /user without a repository", async () => {
  const fake = startGithubFake();
  try {
    const { context } = testContext({ GITHUB_API_URL: fake.url, GH_PAT: "ghs_test" });
    await createGithub(GithubOptionsSchema.parse({ token_env: "GH_PAT" }), context).verify!();
    assert.equal(fake.requests.at(-1)?.path, "/user");
  } finally {
    await fake.close();
  }
});

Deno.test("github createPullRequest opens a pull request and reuses it on a second run", async () => {
  const fake = startGithubFake();
  try {
    const { vcs } = plugin(fake.url);
    const input = { head: "fleet-orch/fix-1", base: "main", title: "Fix build", body: "Body" };
    const first = await vcs.createPullRequest!(input);
    assert.deepEqual(first, { url: `${fake.url}/acme/app/pull/1`, number: 1, created: true });
    const again = await vcs.createPullRequest!({ ...input, body: "Updated" });
    assert.equal(again.number, 1);
    assert.equal(fake.pulls.length, 1);
    assert.equal(fake.pulls[0]?.body, "Updated");
  } finally {
    await fake.close();
  }
});

Deno.test("github comment posts on the pull request", async () => {
  const fake = startGithubFake();
  try {
    const { vcs } = plugin(fake.url);
    await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
    await vcs.comment!(1, "Fixed in 2 iterations");
    assert.deepEqual(fake.comments, [{ issue: 1, body: "Fixed in 2 iterations" }]);
  } finally {
    await fake.close();
  }
});

Deno.test("github dry run writes nothing", async () => {
  const fake = startGithubFake();
  try {
    const { vcs, lines } = plugin(fake.url, { GITHUB_TOKEN: "ghs_test" }, true);
    await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
    await vcs.comment!(1, "x");
    await vcs.annotate!("a".repeat(40), [{ level: "error", message: "m" }], "s");
    assert.equal(fake.requests.length, 0);
    assert.equal(lines.filter((l) => l.includes("Dry run")).length, 3);
  } finally {
    await fake.close();
  }
});

Deno.test("github annotate sends annotations in batches of 50", async () => {
  const fake = startGithubFake();
  try {
    const annotations: Annotation[] = Array.from({ length: 120 }, (_, i) => ({
      file: `src/f${i}.ts`,
      line: i + 1,
      level: "error",
      message: `Problem ${i}`,
    }));
    annotations.push({ level: "warning", message: "No file for this one" });
    await plugin(fake.url).vcs.annotate!(
      "0123456789abcdef0123456789abcdef01234567",
      annotations,
      "Summary",
    );
    assert.equal(fake.checkRuns.length, 1);
    const run = fake.checkRuns[0]!;
    assert.equal(run.conclusion, "failure");
    assert.equal(run.updates, 2);
    assert.equal(run.annotations.length, 120);
    assert.deepEqual(run.annotations[0], {
      path: "src/f0.ts",
      start_line: 1,
      end_line: 1,
      annotation_level: "failure",
      message: "Problem 0",
    });
    const create = fake.requests.find((r) => r.path.endsWith("/check-runs"));
    assert.match(JSON.stringify(create?.body), /No file for this one/);
  } finally {
    await fake.close();
  }
});

Deno.test("github annotate falls back to a commit status when checks answer 403", async () => {
  const fake = startGithubFake({ checksForbidden: true });
  try {
    const { vcs, lines } = plugin(fake.url);
    await vcs.annotate!("0123456789abcdef0123456789abcdef01234567", [{
      level: "warning",
      message: "w",
    }], "## All good");
    assert.equal(fake.checkRuns.length, 0);
    assert.deepEqual(fake.statuses, [{
      sha: "0123456789abcdef0123456789abcdef01234567",
      state: "success",
      context: "fleet-orch",
      description: "All good",
    }]);
    assert.ok(lines.some((l) => l.includes("publishing a commit status instead")));
  } finally {
    await fake.close();
  }
});

Deno.test("github fetchFailedLog returns the logs of failed jobs only", async () => {
  const fake = startGithubFake({
    runs: {
      "77": [
        { id: 1, name: "lint", conclusion: "success", log: "all fine" },
        { id: 2, name: "test", conclusion: "failure", log: "Error: expected 1 to be 2\n" },
      ],
    },
  });
  try {
    const log = await plugin(fake.url).vcs.fetchFailedLog!("77");
    assert.match(log, /===== job "test" \(failure\) =====\nError: expected 1 to be 2/);
    assert.ok(!log.includes("all fine"));
    assert.ok(fake.requests.some((r) => r.path === "/_blobs/logs/2"), "followed the redirect");
  } finally {
    await fake.close();
  }
});

Deno.test("github fetchFailedLog says when a run has no failed job", async () => {
  const fake = startGithubFake({
    runs: { "5": [{ id: 9, name: "ok", conclusion: "success", log: "" }] },
  });
  try {
    await assert.rejects(
      () => plugin(fake.url).vcs.fetchFailedLog!("5"),
      /has no failed jobs \(1 jobs\)/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("github methods need a repository", async () => {
  const { context } = testContext({ GITHUB_TOKEN: "t" });
  const vcs = createGithub(GithubOptionsSchema.parse({}), context);
  await assert.rejects(() => vcs.comment!(1, "x"), /GITHUB_REPOSITORY="owner\/repo"/);
});
