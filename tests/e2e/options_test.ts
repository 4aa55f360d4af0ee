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

Deno.test("run --max-cost-usd refuses a call whose worst case would pass the cap", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(roles(() => USELESS));
  try {
    const r = await runCli(repo, ["--max-cost-usd", "0.0001"], { baseUrl: fake.url });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "cost_cap", report.message);
    // gpt-4o with max_tokens 4096 by default: the first call alone may cost
    // more than $0.0001, so it is never sent.
    assert.match(report.message, /cost cap of \$0\.0001 would be exceeded: .*up to \$0\.04/);
    assert.equal(fake.requests.length, 0);
    assert.equal(report.totals.costUsd, 0);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run --candidates 4 never spends past the cost cap: calls reserve their worst case", async () => {
  // Each fixer reply is ~1000 tokens ($0.01) on a ~2-3k token prompt: four
  // concurrent candidates would spend about $0.07 when only checked before
  // each call. Reserved at max_tokens 1200, two fit in $0.05 at a time.
  const padded = `${USELESS}\n${"Explanation of the change. ".repeat(150)}`;
  const repo = await makeRepo({
    ...VALUE_REPO,
    "fleet-orch.yaml": config({ value: "bash check.sh" })
      .replace("  codex:\n", "  codex:\n    max_tokens: 1200\n")
      .replace("  jules:\n", "  jules:\n    max_tokens: 200\n"),
  });
  const fake = await startFakeOpenAi(roles(() => padded, 40));
  try {
    const r = await runCli(repo, ["--candidates", "4", "--max-cost-usd", "0.05"], {
      baseUrl: fake.url,
    });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "cost_cap", report.message);
    const calls = report.iterations.flatMap((it) => it.calls);
    // What the "provider" billed, from the usage it reported on every request.
    const billed = calls.reduce((a, c) => a + (c.tokensIn * 2.5 + c.tokensOut * 10) / 1e6, 0);
    assert.ok(billed <= 0.05, `billed $${billed} on a $0.05 cap`);
    assert.ok(report.totals.costUsd <= 0.05, `spent $${report.totals.costUsd}`);
    // Every request that reached the server is in the report: none was sent unaccounted.
    assert.equal(fake.requests.length, calls.length);
    assert.ok(calls.some((c) => c.tokensOut > 900), "the replies were the large ones");
    const firstFixers = report.iterations[0]!.calls.filter((c) => c.tokensOut > 900).length;
    assert.ok(firstFixers >= 1 && firstFixers < 4, `${firstFixers} of 4 candidates were afforded`);
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
