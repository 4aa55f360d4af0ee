import assert from "node:assert/strict";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { startGithubFake } from "../fakes/github_server.ts";
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

Deno.test("run pushes the work branch to origin (never forced) and opens a pull request", async () => {
  const github = startGithubFake({ token: "ghs_e2e_token", repos: ["acme/app"] });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  const remote = await Deno.makeTempDir({ prefix: "fleet-orch-remote-" });
  const repo = await makeRepo({
    ...VALUE_REPO,
    "fleet-orch.yaml": config(
      { value: "bash check.sh" },
      `vcs:
  uses: github
  with:
    api_url: ${github.url}
    owner: acme
    repo: app
`,
    ),
  });
  try {
    await git(remote, "init -q --bare");
    await git(repo, `remote add origin ${remote}`);
    await git(repo, "push -q origin main");
    const r = await runCli(repo, [], { baseUrl: fake.url, env: { GITHUB_TOKEN: "ghs_e2e_token" } });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    // fleet-orch's own branch for main reached the remote with the fix commit.
    const branch = report.delivery!.branch!;
    assert.equal(branch, "fleet-orch/fix/main");
    const remoteTip = (await git(remote, `rev-parse refs/heads/${branch}`)).trim();
    assert.equal(remoteTip, report.iterations.at(-1)!.commit);
    // One pull request from the work branch into main, with the token.
    assert.equal(github.pulls.length, 1);
    assert.equal(github.pulls[0]!.head, branch);
    assert.equal(github.pulls[0]!.base, "main");
    assert.match(github.pulls[0]!.body, /iteration 1/);
    assert.ok(github.requests.every((q) => q.authorization?.includes("ghs_e2e_token")));
    assert.match(r.stderr, /Pull request: /);
    // The report links the pull request, so its "how to take this fix" hint can name it.
    assert.match(report.pullRequestUrl ?? "", /\/pull\/1$/);
  } finally {
    await fake.close();
    await github.close();
    await removeRepo(repo);
    await Deno.remove(remote, { recursive: true });
  }
});

Deno.test("run tells the configured notifiers how it ended", async () => {
  const bodies: string[] = [];
  const hook = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    bodies.push(await req.text());
    return new Response("ok");
  });
  const repo = await makeRepo({
    ...VALUE_REPO,
    "fleet-orch.yaml": config(
      { value: "bash check.sh" },
      `notifiers:
  - uses: slack
    with: { webhook_env: FO_TEST_SLACK_HOOK }
`,
    ),
  });
  try {
    // No model: the run stops with needs_model, and Slack hears about it.
    const r = await runCli(repo, [], {
      env: { FO_TEST_SLACK_HOOK: `http://127.0.0.1:${hook.addr.port}/hook` },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(bodies.length, 1);
    assert.match(bodies[0]!, /needs/i);
  } finally {
    await hook.shutdown();
    await removeRepo(repo);
  }
});
