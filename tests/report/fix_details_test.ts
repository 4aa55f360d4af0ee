import assert from "node:assert/strict";
import { join } from "node:path";
import { renderHtml } from "../../report/html.ts";
import { renderMarkdown } from "../../report/markdown.ts";
import { resolveBranchName, writeReports } from "../../report/report.ts";
import { logLink, takeFixSteps } from "../../report/text.ts";
import type { RunReport } from "../../report/types.ts";
import { gate, sampleReport } from "./_fixture.ts";

const SHA = "0f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6";
const noEnv = () => undefined;

/** A failed run: the test gate failed with a parsed failure and a log. */
function failedRun(
  dir: string,
  overrides: { [K in keyof RunReport]?: RunReport[K] | undefined } = {},
): RunReport {
  const test = {
    ...gate("test", "failed"),
    output: "setup\n".repeat(20) + "  at check (src/sum.test.ts:4:3)\nFAIL src/sum.test.ts\n",
    logFile: join(dir, "logs", "test.log"),
    failures: [{
      gate: "test",
      tool: "jest",
      file: "src/sum.test.ts",
      line: 4,
      message: "sum adds: expected 3, received 4",
      excerpt: "",
      fingerprint: "f",
    }],
  };
  const run: Record<string, unknown> = {
    ...sampleReport({
      stopReason: "no_progress",
      exitCode: 1,
      branch: SHA,
      branchName: "feature/sum",
      gates: [{ ...gate("build", "passed"), logFile: "/elsewhere/build.log" }, test],
    }),
    ...overrides,
  };
  // An override of undefined removes the field.
  for (const [k, v] of Object.entries(run)) if (v === undefined) delete run[k];
  return run as unknown as RunReport;
}

Deno.test("renderMarkdown Branch row shows the branch name, with the commit beside it", () => {
  const md = renderMarkdown(failedRun("/r"));
  assert.match(
    md,
    /\| Branch \| `feature\/sum` \(at `0f1e2d3c4b5a`\) → `fleet-orch\/fix-20260102` \|/,
  );
  const html = renderHtml(failedRun("/r"));
  assert.match(
    html,
    /<th>Branch<\/th><td><code>feature\/sum<\/code> \(at <code>0f1e2d3c4b5a<\/code>\)/,
  );
});

Deno.test("renderMarkdown Branch row without a known name says commit, never a bare SHA as a branch", () => {
  const md = renderMarkdown(failedRun("/r", { branchName: undefined }));
  assert.match(md, /\| Branch \| commit `0f1e2d3c4b5a` → /);
});

Deno.test("renderMarkdown links each gate's log, relative under the report folder", () => {
  const md = renderMarkdown(failedRun("/runs/r1"), { dir: "/runs/r1" });
  assert.match(md, /\| test \| ❌ failed \| yes \| 1\.5 s \| 1 \| \[log\]\(<logs\/test\.log>\) \|/);
  assert.match(md, /\| build \| ✅ passed \| .* \[log\]\(<\/elsewhere\/build\.log>\) \|/);
  const html = renderHtml(failedRun("/runs/r1"), { dir: "/runs/r1" });
  assert.match(html, /<a href="logs\/test\.log">log<\/a>/);
  assert.match(html, /<a href="\/elsewhere\/build\.log">log<\/a>/);
});

Deno.test("logLink is relative only for a log under the folder", () => {
  assert.equal(logLink("/a/b/logs/x.log", "/a/b"), "logs/x.log");
  assert.equal(logLink("/a/c/x.log", "/a/b"), "/a/c/x.log");
  assert.equal(logLink("/a/b/x.log"), "/a/b/x.log");
});

Deno.test("renderMarkdown status is a word next to any emoji, everywhere", () => {
  const md = renderMarkdown(failedRun("/r"));
  assert.match(md, /Gates after the fix: build ✅ passed, test ❌ failed/);
  assert.match(md, /### Verification: staging ✅ passed/);
  // Every status emoji is followed by a word.
  for (const m of md.matchAll(/(✅|❌|⏱️|💥|❓|⏭️)(.?)(\w?)/gu)) {
    if (m.index === 3) continue; // the headline emoji is followed by the title
    assert.equal(m[2], " ", `emoji alone at ${m.index}`);
    assert.ok(m[3], `emoji alone at ${m.index}`);
  }
});

Deno.test("renderHtml status uses CSS marks and words, no emoji", () => {
  const html = renderHtml(failedRun("/r"));
  assert.match(html, /<span class="mark m-failed" aria-hidden="true"><\/span>failed/);
  assert.match(html, /\.m-failed[^{]*\{background:#cf222e\}/);
  assert.ok(!/[✅❌⏱💥❓⏭⚠☑]/u.test(html), "no emoji in the HTML report");
});

Deno.test("renderMarkdown failed run shows why: the parsed headline and the last log lines", () => {
  const md = renderMarkdown(failedRun("/runs/r1"), { dir: "/runs/r1" });
  const why = md.slice(md.indexOf("### Why it failed"));
  assert.ok(md.includes("### Why it failed"));
  assert.match(why, /#### test: ❌ failed \(exit 1\)/);
  assert.match(why, /- sum adds: expected 3, received 4 \(src\/sum\.test\.ts:4\)/);
  assert.match(
    why,
    /```\n(setup\n){6} {2}at check \(src\/sum\.test\.ts:4:3\)\nFAIL src\/sum\.test\.ts\n```/,
  );
  assert.match(why, /Full log: \[logs\/test\.log\]\(<logs\/test\.log>\)/);
  assert.ok(!renderMarkdown(sampleReport()).includes("Why it failed"), "nothing on a green run");
});

Deno.test("renderHtml failed run shows why, escaped", () => {
  const run = failedRun("/r");
  run.gates[1]!.output = "<b>boom</b>\n";
  const html = renderHtml(run);
  assert.match(html, /<h2>Why it failed<\/h2>/);
  assert.match(html, /<li>sum adds: expected 3, received 4 \(src\/sum\.test\.ts:4\)<\/li>/);
  assert.match(html, /<pre>&lt;b&gt;boom&lt;\/b&gt;<\/pre>/);
});

Deno.test("takeFixSteps offers merge and cherry-pick of the committed fix, and the PR link", () => {
  const steps = takeFixSteps(failedRun("/r"));
  assert.deepEqual(steps.map((s) => s.command), [
    "git merge fleet-orch/fix-20260102",
    "git cherry-pick 0123456789ab",
  ]);
  assert.match(steps[0]!.text, /into feature\/sum/);
  const pr = takeFixSteps(
    failedRun("/r", { pullRequestUrl: "https://github.com/acme/fleet/pull/7" }),
  );
  assert.equal(pr[0]!.url, "https://github.com/acme/fleet/pull/7");
  assert.deepEqual(takeFixSteps(failedRun("/r", { workBranch: undefined })), []);
  assert.deepEqual(takeFixSteps(failedRun("/r", { dryRun: true })), []);
});

Deno.test("renderMarkdown and renderHtml show how to take this fix", () => {
  const run = failedRun("/r", { pullRequestUrl: "https://github.com/acme/fleet/pull/7" });
  const md = renderMarkdown(run);
  assert.match(md, /### How to take this fix\n\n- Review and merge the pull request: \[https:/);
  assert.match(
    md,
    /- Merge the work branch into feature\/sum: `git merge fleet-orch\/fix-20260102`/,
  );
  assert.match(md, /- Or cherry-pick its commit: `git cherry-pick 0123456789ab`/);
  const html = renderHtml(run);
  assert.match(html, /<h2>How to take this fix<\/h2>/);
  assert.match(html, /<a href="https:\/\/github\.com\/acme\/fleet\/pull\/7">/);
  assert.match(html, /<code>git cherry-pick 0123456789ab<\/code>/);
});

Deno.test("resolveBranchName prefers CI variables on a detached checkout", async () => {
  const env = (vars: Record<string, string>) => (n: string) => vars[n];
  const r = { branch: SHA, repo: "acme/fleet" };
  assert.equal(
    await resolveBranchName(r, env({ GITHUB_HEAD_REF: "pr-branch", GITHUB_REF_NAME: "7/merge" })),
    "pr-branch",
  );
  assert.equal(
    await resolveBranchName(r, env({ GITHUB_REF_NAME: "main", GITHUB_REF_TYPE: "branch" })),
    "main",
  );
  assert.equal(
    await resolveBranchName(r, env({ GITHUB_REF_NAME: "v1", GITHUB_REF_TYPE: "tag" })),
    undefined,
  );
  assert.equal(await resolveBranchName(r, env({ BUILD_SOURCEBRANCH: "refs/heads/dev" })), "dev");
  assert.equal(await resolveBranchName(r, env({ CI_COMMIT_BRANCH: "gl" })), "gl");
  assert.equal(await resolveBranchName({ branch: "main", repo: "" }, noEnv), "main");
});

Deno.test("resolveBranchName reads the branch from the repository's HEAD", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const init = await new Deno.Command("git", { args: ["init", "-q", "-b", "topic/x", dir] })
      .output();
    assert.ok(init.success);
    assert.equal(await resolveBranchName({ branch: SHA, repo: dir }, noEnv), "topic/x");
    await Deno.writeTextFile(join(dir, ".git", "HEAD"), `${SHA}\n`);
    assert.equal(await resolveBranchName({ branch: SHA, repo: dir }, noEnv), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeReports names the branch and links logs relative to the run folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const run = failedRun(dir, { branchName: undefined, repo: "" });
    const out = await writeReports(dir, run, {
      formats: ["json", "markdown", "html"],
      redact: (t) => t,
      env: (n) => ({ GITHUB_REF_NAME: "release/2" } as Record<string, string>)[n],
    });
    const md = await Deno.readTextFile(out.markdown!);
    assert.match(md, /\| Branch \| `release\/2` \(at `0f1e2d3c4b5a`\)/);
    assert.match(md, /\[log\]\(<logs\/test\.log>\)/);
    const html = await Deno.readTextFile(out.html!);
    assert.match(html, /<a href="logs\/test\.log">log<\/a>/);
    const json = JSON.parse(await Deno.readTextFile(out.json));
    assert.equal(json.branchName, "release/2");
    assert.equal(json.branch, SHA);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("renderMarkdown and renderHtml deploy steps: result as a word, and a link to each step's log", () => {
  const run = failedRun("/runs/r1", {
    deployment: {
      environment: "staging",
      ok: false,
      attempts: 1,
      steps: [
        {
          name: "apply",
          command: "kubectl apply -f k8s",
          exitCode: 0,
          durationMs: 10,
          output: "",
          logFile: "/runs/r1/logs/deploy-apply.log",
          attempt: 1,
        },
        {
          name: "rollout",
          command: "kubectl rollout status deployment/api",
          exitCode: 3,
          durationMs: 10,
          output: "",
          attempt: 1,
        },
        { name: "smoke", command: "true", exitCode: null, durationMs: 0, output: "", attempt: 1 },
      ],
    },
  });
  const md = renderMarkdown(run, { dir: "/runs/r1" });
  assert.match(
    md,
    /\| apply \| `kubectl apply -f k8s` \| ✅ passed \| .* \| \[log\]\(<logs\/deploy-apply\.log>\) \|/,
  );
  assert.match(md, /\| rollout \| .* \| ❌ failed \(exit 3\) \|/);
  assert.match(md, /\| smoke \| `true` \| not run \|/);
  // No status mark anywhere without a word (a letter, not a number) after it.
  for (const m of md.matchAll(/(✅|❌|⏱️|💥|❓|⏭️|⚠️|☑️)(.?)(\p{L}?)/gu)) {
    if (m.index === 3) continue; // the headline mark is followed by the title
    assert.ok(
      m[2] === " " && m[3],
      `a mark alone at ${m.index}: ${md.slice(m.index, m.index + 20)}`,
    );
  }
  const html = renderHtml(run, { dir: "/runs/r1" });
  assert.match(
    html,
    /<td><span class="mark m-failed" aria-hidden="true"><\/span>failed \(exit 3\)<\/td>/,
  );
  assert.match(html, /<a href="logs\/deploy-apply\.log">log<\/a>/);
});
