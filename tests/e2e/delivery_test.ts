import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { startGithubFake } from "../fakes/github_server.ts";
import { startAzureDevopsFake } from "../fakes/azure_devops_server.ts";
import {
  config,
  FIX_VALUE,
  git,
  makeRepo,
  readReport,
  removeRepo,
  roles,
  runCli,
  VALUE_REPO,
} from "./_helpers.ts";

const TOKEN = "ghs_e2e_token";

function githubVcs(url: string, delivery = ""): string {
  return config(
    { value: "bash check.sh" },
    `vcs:
  uses: github
  with:
    api_url: ${url}
    owner: acme
    repo: app
${delivery}`,
  );
}

/** A repository pushed to a bare "origin", with the given config. */
async function repoWithRemote(yaml: string): Promise<{ repo: string; remote: string }> {
  const remote = await Deno.makeTempDir({ prefix: "fleet-orch-remote-" });
  const repo = await makeRepo({ ...VALUE_REPO, "fleet-orch.yaml": yaml });
  await git(remote, "init -q --bare");
  await git(repo, `remote add origin ${remote}`);
  await git(repo, "push -q origin main");
  return { repo, remote };
}

async function remoteRefs(remote: string): Promise<string> {
  return await git(remote, "for-each-ref --format='%(refname) %(objectname)'");
}

/** A same-repository (or fork) pull request from `feature`, checked out as CI does: a merge commit. */
async function prCheckout(
  repo: string,
  headRepo: string,
  head = "feature",
): Promise<{ env: Record<string, string>; headSha: string; merge: string }> {
  await git(repo, `checkout -q -b ${head}`);
  await Deno.writeTextFile(join(repo, "feature.txt"), "feature\n");
  await git(repo, "add feature.txt");
  await git(repo, "commit -q -m feature");
  const headSha = (await git(repo, "rev-parse HEAD")).trim();
  await git(repo, `push -q origin ${head}`);
  await git(repo, "checkout -q --detach main");
  await git(repo, `merge -q --no-ff -m merge ${head}`);
  const merge = (await git(repo, "rev-parse HEAD")).trim();
  const event = join(await Deno.makeTempDir({ prefix: "fleet-orch-event-" }), "event.json");
  await Deno.writeTextFile(
    event,
    JSON.stringify({
      action: "synchronize",
      pull_request: {
        number: 5,
        head: { ref: head, sha: headSha, repo: { full_name: headRepo } },
        base: { ref: "main", repo: { full_name: "acme/app" } },
      },
    }),
  );
  return {
    headSha,
    merge,
    env: {
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: event,
      GITHUB_HEAD_REF: head,
      GITHUB_BASE_REF: "main",
      GITHUB_REF: "refs/pull/5/merge",
      GITHUB_REPOSITORY: "acme/app",
    },
  };
}

Deno.test("delivery: two failing runs on main give one pull request, updated by the second", async () => {
  const github = startGithubFake({ token: TOKEN, repos: ["acme/app"] });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE, 40));
  const { repo, remote } = await repoWithRemote(githubVcs(github.url));
  const env = {
    GITHUB_TOKEN: TOKEN,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: "acme/app",
    GITHUB_RUN_ID: "1001",
  };
  try {
    const first = await runCli(repo, [], { baseUrl: fake.url, env });
    assert.equal(first.code, 0, first.stderr);
    const r1 = await readReport(first);
    const tip1 = (await git(remote, "rev-parse refs/heads/fleet-orch/fix/main")).trim();
    assert.equal(tip1, r1.iterations.at(-1)!.commit);
    assert.deepEqual(r1.delivery?.pullRequest, {
      url: `${github.url}/acme/app/pull/1`,
      number: 1,
      created: true,
    });
    const pr = github.pulls[0]!;
    assert.equal(pr.head, "fleet-orch/fix/main");
    assert.equal(pr.base, "main");
    assert.deepEqual(pr.labels, ["fleet-orch"]);
    assert.match(pr.body, /### What failed[\s\S]*`value`/);
    assert.match(pr.body, /### What changed[\s\S]*- M `value.txt`/);
    assert.match(pr.body, /### Cost\s+\$\d+\.\d{4} \(\d+ tokens in/);
    assert.match(pr.body, /\(https:\/\/github\.example\/acme\/app\/actions\/runs\/1001\)/);

    // main moves on (still broken); the second run fixes it again.
    await Deno.writeTextFile(join(repo, "notes.txt"), "Notes\nMore\n");
    await git(repo, "commit -q -am more-notes");
    await git(repo, "push -q origin main");
    const second = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { ...env, GITHUB_RUN_ID: "1002" },
    });
    assert.equal(second.code, 0, second.stderr);
    const r2 = await readReport(second);
    assert.equal(github.pulls.length, 1, "one pull request for main");
    assert.equal(r2.delivery?.pullRequest?.created, false);
    assert.equal(r2.pullRequestUrl, r1.pullRequestUrl);
    assert.match(github.pulls[0]!.body, /actions\/runs\/1002/);
    assert.match(second.stderr, /Pull request \(updated\): /);
    // The branch moved forward (no force push) and now holds the second fix on the new main.
    const tip2 = (await git(remote, "rev-parse refs/heads/fleet-orch/fix/main")).trim();
    await git(remote, `merge-base --is-ancestor ${tip1} ${tip2}`);
    const diff = await git(remote, `diff --name-only refs/heads/main ${tip2}`);
    assert.equal(diff.trim(), "value.txt");
    assert.equal((await git(remote, `show ${tip2}:notes.txt`)).trim(), "Notes\nMore");
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: two failing runs on Azure DevOps give one labelled pull request", async () => {
  const ado = startAzureDevopsFake({ token: "ado_e2e" });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE, 40));
  const { repo, remote } = await repoWithRemote(
    config({ value: "bash check.sh" }, "vcs:\n  uses: azure-devops\ndelivery:\n  draft: true\n"),
  );
  const env = {
    SYSTEM_ACCESSTOKEN: "ado_e2e",
    SYSTEM_COLLECTIONURI: `${ado.orgUrl}/`,
    SYSTEM_TEAMPROJECT: "fleet",
    BUILD_REPOSITORY_ID: "app-id",
    BUILD_BUILDID: "77",
  };
  try {
    for (const run of [1, 2]) {
      const r = await runCli(repo, [], { baseUrl: fake.url, env });
      assert.equal(r.code, 0, `run ${run}: ${r.stderr}`);
    }
    assert.equal(ado.pulls.length, 1);
    const pr = ado.pulls[0]!;
    assert.equal(pr.source, "refs/heads/fleet-orch/fix/main");
    assert.equal(pr.target, "refs/heads/main");
    assert.equal(pr.isDraft, true);
    assert.deepEqual(pr.labels, ["fleet-orch"]);
    assert.match(pr.description, /_build\/results\?buildId=77/);
    assert.ok(ado.requests.some((q) => q.method === "PATCH" && /pullRequests\/1$/.test(q.path)));
    await git(remote, "rev-parse refs/heads/fleet-orch/fix/main");
  } finally {
    await fake.close();
    await ado.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: a pull-request build is fixed from its head commit, in a pull request into its head branch", async () => {
  const github = startGithubFake({ token: TOKEN, repos: ["acme/app"] });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(githubVcs(github.url));
  try {
    const pr = await prCheckout(repo, "acme/app");
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { GITHUB_TOKEN: TOKEN, ...pr.env },
    });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.delivery?.target, "feature");
    assert.equal(report.delivery?.branch, "fleet-orch/fix/feature");
    assert.equal(github.pulls.length, 1);
    assert.equal(github.pulls[0]!.head, "fleet-orch/fix/feature");
    assert.equal(github.pulls[0]!.base, "feature");
    // Cut from the head commit, not CI's merge commit: the fix's parent is the head.
    const fix = (await git(remote, "rev-parse refs/heads/fleet-orch/fix/feature")).trim();
    assert.equal((await git(remote, `rev-parse ${fix}^`)).trim(), pr.headSha);
    assert.notEqual((await git(remote, `rev-parse ${fix}^`)).trim(), pr.merge);
    // The head branch itself is untouched (a pull request into it, not a push).
    assert.equal((await git(remote, "rev-parse refs/heads/feature")).trim(), pr.headSha);
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: a pull-request build fetches the head commit when the CI checkout lacks it", async () => {
  const github = startGithubFake({ token: TOKEN, repos: ["acme/app"] });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(githubVcs(github.url));
  const ci = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-ci-" }));
  try {
    const pr = await prCheckout(repo, "acme/app");
    // CI's checkout: main alone, shallow; the pull request's head commit is only on origin.
    await git(ci, `clone -q --depth=1 --single-branch --branch main file://${remote} .`);
    await assert.rejects(() => git(ci, `cat-file -e ${pr.headSha}^{commit}`));
    const r = await runCli(ci, [], { baseUrl: fake.url, env: { GITHUB_TOKEN: TOKEN, ...pr.env } });
    assert.equal(r.code, 0, r.stderr);
    const fix = (await git(remote, "rev-parse refs/heads/fleet-orch/fix/feature")).trim();
    assert.equal((await git(remote, `rev-parse ${fix}^`)).trim(), pr.headSha);
    assert.equal(github.pulls[0]?.base, "feature");
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
    await removeRepo(ci);
  }
});

Deno.test("delivery: pull_requests: push puts the fix onto the pull request's head branch", async () => {
  const github = startGithubFake({ token: TOKEN, repos: ["acme/app"] });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(
    githubVcs(github.url, "delivery:\n  pull_requests: push\n"),
  );
  try {
    const pr = await prCheckout(repo, "acme/app");
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { GITHUB_TOKEN: TOKEN, ...pr.env },
    });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.delivery?.mode, "push");
    const head = (await git(remote, "rev-parse refs/heads/feature")).trim();
    assert.equal(head, report.iterations.at(-1)!.commit);
    assert.equal((await git(remote, `rev-parse ${head}^`)).trim(), pr.headSha);
    assert.equal(github.pulls.length, 0);
    assert.doesNotMatch(await remoteRefs(remote), /fleet-orch\//);
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: a pull request from fleet-orch's own branch gets the fix on that branch, not a nested one", async () => {
  const github = startGithubFake({ token: TOKEN, repos: ["acme/app"] });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(githubVcs(github.url));
  try {
    const pr = await prCheckout(repo, "acme/app", "fleet-orch/fix/main");
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { GITHUB_TOKEN: TOKEN, ...pr.env },
    });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.delivery?.mode, "push");
    const tip = (await git(remote, "rev-parse refs/heads/fleet-orch/fix/main")).trim();
    assert.equal((await git(remote, `rev-parse ${tip}^`)).trim(), pr.headSha);
    assert.equal(github.pulls.length, 0);
    assert.doesNotMatch(await remoteRefs(remote), /fleet-orch\/fix\/fleet-orch/);
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: a fork's pull request gets the fix as a comment and a patch, and nothing is pushed", async () => {
  const github = startGithubFake({ token: TOKEN, repos: ["acme/app"] });
  github.pulls.push({
    number: 5,
    head: "feature",
    base: "main",
    title: "Contribution",
    body: "",
    state: "open",
    draft: false,
    labels: [],
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(githubVcs(github.url));
  try {
    const pr = await prCheckout(repo, "someone/app");
    const before = await remoteRefs(remote);
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { GITHUB_TOKEN: TOKEN, ...pr.env },
    });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.delivery?.mode, "comment");
    assert.equal(report.delivery?.commentedOn, 5);
    // Nothing pushed, no pull request opened.
    assert.equal(await remoteRefs(remote), before);
    assert.equal(github.pulls.length, 1);
    // The token went to the comment API and nowhere else.
    assert.deepEqual(
      github.requests.map((q) => `${q.method} ${q.path}`),
      ["POST /repos/acme/app/issues/5/comments"],
    );
    const body = github.comments[0]!.body;
    assert.match(body, /does not push to forks/);
    assert.match(body, /```diff\n[\s\S]*-broken\n\+fixed\n[\s\S]*```/);
    // The patch, cut from the fork's head commit, applies to it with git am.
    const patch = report.delivery!.patch!;
    await git(repo, `checkout -q --detach ${pr.headSha}`);
    await git(repo, `am -q ${patch}`);
    assert.equal(await Deno.readTextFile(join(repo, "value.txt")), "fixed\n");
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: an Azure DevOps fork pull request gets a comment thread and no push", async () => {
  const ado = startAzureDevopsFake({ token: "ado_e2e" });
  ado.pulls.push({
    id: 9,
    source: "refs/heads/feature",
    target: "refs/heads/main",
    title: "Contribution",
    description: "",
    isDraft: false,
    labels: [],
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(
    config({ value: "bash check.sh" }, "vcs:\n  uses: azure-devops\n"),
  );
  try {
    const pr = await prCheckout(repo, "acme/app");
    const before = await remoteRefs(remote);
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: {
        SYSTEM_ACCESSTOKEN: "ado_e2e",
        SYSTEM_COLLECTIONURI: `${ado.orgUrl}/`,
        SYSTEM_TEAMPROJECT: "fleet",
        BUILD_REPOSITORY_ID: "app-id",
        SYSTEM_PULLREQUEST_SOURCEBRANCH: "refs/heads/feature",
        SYSTEM_PULLREQUEST_TARGETBRANCH: "refs/heads/main",
        SYSTEM_PULLREQUEST_SOURCECOMMITID: pr.headSha,
        SYSTEM_PULLREQUEST_PULLREQUESTID: "9",
        SYSTEM_PULLREQUEST_ISFORK: "True",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await remoteRefs(remote), before);
    assert.equal(ado.threads.length, 1);
    assert.equal(ado.threads[0]!.pr, 9);
    assert.match(ado.threads[0]!.comments[0]!, /\+fixed/);
    assert.ok(!ado.requests.some((q) => q.method === "POST" && q.path.endsWith("/pullRequests")));
  } finally {
    await fake.close();
    await ado.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: commit fast-forwards a clean CI checkout to the fix", async () => {
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(
    config({ value: "bash check.sh" }, "delivery: commit\n"),
  );
  try {
    const before = await remoteRefs(remote);
    const r = await runCli(repo, [], { baseUrl: fake.url, env: { CI: "true" } });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.delivery?.mode, "commit");
    assert.equal((await git(repo, "rev-parse HEAD")).trim(), report.iterations.at(-1)!.commit);
    assert.equal((await git(repo, "symbolic-ref --short HEAD")).trim(), "main");
    // Later steps of the job build the fixed code.
    assert.equal(await Deno.readTextFile(join(repo, "value.txt")), "fixed\n");
    assert.equal(await remoteRefs(remote), before, "commit pushes nothing");
  } finally {
    await fake.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: commit refuses a dirty checkout and moves nothing", async () => {
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(
    config({ value: "bash check.sh" }, "delivery: commit\n"),
  );
  try {
    const head = (await git(repo, "rev-parse HEAD")).trim();
    await Deno.writeTextFile(join(repo, "notes.txt"), "edited in CI\n");
    const r = await runCli(repo, [], { baseUrl: fake.url, env: { CI: "true" } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /delivery: commit refused: the checkout has 1 uncommitted change\(s\) \(notes\.txt\)/,
    );
    assert.equal((await git(repo, "rev-parse HEAD")).trim(), head);
    assert.equal(await Deno.readTextFile(join(repo, "value.txt")), "broken\n");
    assert.equal(await Deno.readTextFile(join(repo, "notes.txt")), "edited in CI\n");
  } finally {
    await fake.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});

Deno.test("delivery: commit outside CI leaves the checkout alone and says how to take the fix", async () => {
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const { repo, remote } = await repoWithRemote(
    config({ value: "bash check.sh" }, "delivery: commit\n"),
  );
  try {
    const head = (await git(repo, "rev-parse HEAD")).trim();
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /only in CI .*git merge --ff-only fleet-orch\/fix-/);
    assert.equal((await git(repo, "rev-parse HEAD")).trim(), head);
  } finally {
    await fake.close();
    await removeRepo(repo);
    await removeRepo(remote);
  }
});
