import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  config,
  FIX_VALUE,
  git,
  makeRepo,
  readReport,
  removeRepo,
  reportPath,
  roles,
  runCli,
  USELESS,
  VALUE_REPO,
} from "./_helpers.ts";

Deno.test("run --max-cost-usd stops with cost_cap once the cap is spent", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(roles(() => USELESS));
  try {
    const r = await runCli(repo, ["--max-cost-usd", "0.0001"], { baseUrl: fake.url });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "cost_cap", report.message);
    assert.match(report.message, /cost cap of \$0\.0001/);
    // gpt-4o at $2.50/M in, $10/M out, with the fake server's token counts.
    const calls = report.iterations.flatMap((it) => it.calls);
    assert.ok(calls.length >= 1);
    for (const c of calls) {
      assert.equal(c.model, "gpt-4o");
      assert.ok(Math.abs(c.costUsd - (c.tokensIn * 2.5 + c.tokensOut * 10) / 1e6) < 1e-9);
    }
    assert.ok(report.totals.costUsd >= 0.0001);
    // The call that would have passed the cap was never made.
    assert.equal(fake.requests.length, calls.length);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run --candidates 2 stops with cost_cap when the cap is reached before the fixers run", async () => {
  // No reviewer model: the policy alone reviews, so iteration 1 spends only the
  // fixers' calls and the cap is met when iteration 2 asks for candidates.
  const repo = await makeRepo({
    ...VALUE_REPO,
    "fleet-orch.yaml": config({ value: "bash check.sh" }).replace(
      "  jules:\n",
      "  jules:\n    enabled: false\n",
    ),
  });
  const fake = await startFakeOpenAi(roles(() => USELESS));
  try {
    const r = await runCli(repo, ["--candidates", "2", "--max-cost-usd", "0.0001"], {
      baseUrl: fake.url,
    });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "cost_cap", report.message);
    // The two candidates ask concurrently; one may see the cap already spent by
    // the other (prompt building takes a while). Never a call in a later iteration.
    assert.ok(
      fake.requests.length >= 1 && fake.requests.length <= 2,
      `${fake.requests.length} model calls: at most the two candidates of iteration 1`,
    );
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run --candidates 2 keeps the candidate that makes the gates pass", async () => {
  const repo = await makeRepo(VALUE_REPO);
  // Candidates are asked at spread temperatures: the lower one gets a useless
  // patch (and the smaller diff), the higher one the fix.
  const fake = await startFakeOpenAi(
    roles((req) => ((req.temperature as number | undefined) ?? 0) < 0.35 ? USELESS : FIX_VALUE),
  );
  try {
    const r = await runCli(repo, ["--candidates", "2"], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations.length, 1);
    assert.match(report.iterations[0]!.proposal!.diff, /\+fixed/);
    const fixers = fake.requests.filter((b) =>
      !JSON.stringify(b).includes("You are the reviewer of fleet-orch")
    ) as { temperature?: number }[];
    assert.equal(fixers.length, 2, "two candidates were generated");
    assert.notEqual(fixers[0]!.temperature, fixers[1]!.temperature);
    const branch = report.workBranch!;
    assert.equal(await git(repo, `show ${branch}:value.txt`), "fixed\n");
    assert.equal(
      await git(repo, `show ${branch}:notes.txt`),
      "Notes\n",
      "the loser is not applied",
    );
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run without an API key fixes a formatting failure by recipe alone", async () => {
  const repo = await makeRepo({
    "src/mod.ts": "export const  answer =   42\n",
    "fleet-orch.yaml": config({ fmt: "deno fmt --check src/" }),
  });
  try {
    const r = await runCli(repo, []);
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations[0]?.proposal?.source, "deno-fmt");
    assert.equal(report.iterations[0]?.calls.length, 0);
    assert.equal(
      await git(repo, `show ${report.workBranch}:src/mod.ts`),
      "export const answer = 42;\n",
    );
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("run without an API key stops with needs_model naming OPENAI_API_KEY", async () => {
  const repo = await makeRepo(VALUE_REPO);
  try {
    const r = await runCli(repo, []);
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "needs_model");
    assert.match(report.message, /OPENAI_API_KEY/);
    assert.match(r.stderr, /OPENAI_API_KEY/);
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("run --json prints one JSON document and writes the reports under .git/fleet-orch/runs", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, ["--json"], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.stopReason, "success");
    assert.equal(doc.exitCode, 0);
    assert.equal(doc.iterations.length, 1);
    assert.match(doc.workBranch, /^fleet-orch\/fix-/);
    // The human text went to stderr.
    assert.match(r.stderr, /Running the quality gates/);
    const file = reportPath(r);
    assert.equal(doc.reportFile, file);
    const dir = join(file, "..");
    assert.ok(dir.startsWith(join(repo, ".git", "fleet-orch", "runs") + "/"), dir);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    for (const n of ["report.json", "summary.md", "report.html", "orchestrator.log"]) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
    const written = JSON.parse(await Deno.readTextFile(file));
    assert.equal(written.runId, doc.runId);
    assert.match(await Deno.readTextFile(join(dir, "orchestrator.log")), /Stopped: success/);
    // Nothing of the run appears in the working tree.
    assert.equal(await git(repo, "status --porcelain --untracked-files=all"), "");
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
