import assert from "node:assert/strict";
import { join } from "node:path";
import { type FakeChatRequest, startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  FIX_VALUE,
  isReviewer,
  makeRepo,
  removeRepo,
  roles,
  runCli,
  USELESS,
  VALUE_REPO,
} from "../e2e/_helpers.ts";
import { aggregate } from "../../stats/aggregate.ts";
import { candidateWinner, findReportFiles, loadRuns } from "../../stats/load.ts";

Deno.test("stats reads the reports and candidate log that real fleet-orch runs write", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(
    roles((req) => ((req.temperature as number | undefined) ?? 0) < 0.35 ? USELESS : FIX_VALUE),
  );
  try {
    const fixed = await runCli(repo, ["--candidates", "2"], { baseUrl: fake.url });
    assert.equal(fixed.code, 0, fixed.stderr);
    const noKey = await runCli(repo, []);
    assert.equal(noKey.code, 1, noKey.stderr);

    const files = await findReportFiles([join(repo, ".git", "fleet-orch", "runs")]);
    const { runs, warnings } = await loadRuns(files);
    assert.deepEqual(warnings, []);
    assert.equal(runs.length, 2);
    const withCandidates = runs.find((r) => r.report.stopReason === "success")!;
    assert.equal(withCandidates.candidateRounds.length, 1);
    // The useless candidate is the smaller diff but leaves the gate red: candidate 2 wins.
    assert.equal(candidateWinner(withCandidates.candidateRounds[0]!), 2);

    const s = aggregate(runs);
    assert.equal(s.stopReasons.success, 1);
    assert.equal(s.stopReasons.needs_model, 1);
    const reviews = fake.requests.filter((r) => isReviewer(r as FakeChatRequest)).length;
    assert.equal(s.cost.byRole.fixer.calls, fake.requests.length - reviews);
    assert.equal(s.cost.byRole.reviewer.calls, reviews);
    assert.equal(s.fixes.model, 1);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
