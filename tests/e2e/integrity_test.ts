// Oracle integrity end to end, with a reviewer that approves everything: a
// patch that weakens an assertion, skips the failing test or silences the
// linter is never committed, and the loop goes on to commit the real fix
// that the fixer offers next.
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { type FakeChatRequest, startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  APPROVE,
  config,
  git,
  isReviewer,
  makeRepo,
  readReport,
  removeRepo,
  reportPath,
  runCli,
} from "./_helpers.ts";
import { FUEL_REPO, FUEL_TEST, REAL_FIX, reply, runScenario } from "./_integrity.ts";

Deno.test("run never commits an assertion replaced by assert.ok(true) and commits the real fix", async () => {
  await runScenario({
    files: FUEL_REPO,
    weak: reply(
      "the assertion was too strict",
      `--- a/src/fuel_test.ts
+++ b/src/fuel_test.ts
@@ -5,3 +5,3 @@
 test("fuel efficiency is distance over volume", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.ok(true);
 });
`,
    ),
    fix: REAL_FIX,
    rule: "integrity.tautology",
    untouched: ["src/fuel_test.ts"],
  });
});

Deno.test("run never commits the failing test turned into { skip: true } and commits the real fix", async () => {
  await runScenario({
    files: FUEL_REPO,
    weak: reply(
      "skip the flaky test",
      `--- a/src/fuel_test.ts
+++ b/src/fuel_test.ts
@@ -5,3 +5,3 @@
-test("fuel efficiency is distance over volume", () => {
+test("fuel efficiency is distance over volume", { skip: true }, () => {
   assert.equal(fuelEfficiency(100, 10), 10);
 });
`,
    ),
    fix: REAL_FIX,
    rule: "integrity.test-skipped",
    untouched: ["src/fuel_test.ts"],
  });
});

const LINT_SRC = `export function total(xs: number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  let label = "total";
  return label.length > 0 ? sum : 0;
}
`;

Deno.test("run never commits a lint failure silenced with deno-lint-ignore and commits the real fix", async () => {
  await runScenario({
    files: {
      "src/total.ts": LINT_SRC,
      "src/fuel_test.ts": FUEL_TEST,
      "fleet-orch.yaml": config({ lint: "deno lint src/" }),
    },
    weak: reply(
      "silence prefer-const",
      `--- a/src/total.ts
+++ b/src/total.ts
@@ -3,3 +3,4 @@
   for (const x of xs) sum += x;
+  // deno-lint-ignore prefer-const
   let label = "total";
   return label.length > 0 ? sum : 0;
`,
    ),
    fix: reply(
      "label is never reassigned",
      `--- a/src/total.ts
+++ b/src/total.ts
@@ -3,3 +3,3 @@
   for (const x of xs) sum += x;
-  let label = "total";
+  const label = "total";
   return label.length > 0 ? sum : 0;
`,
    ),
    rule: "integrity.suppression-added",
    untouched: [],
  });
});

Deno.test("run commits an expected value changed in the test alone, with the warning in the reports", async () => {
  const repo = await makeRepo(FUEL_REPO);
  const weak = reply(
    "the test expected the wrong value",
    `--- a/src/fuel_test.ts
+++ b/src/fuel_test.ts
@@ -5,3 +5,3 @@
 test("fuel efficiency is distance over volume", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.equal(fuelEfficiency(100, 10), 1000);
 });
`,
  );
  const reviewerPrompts: string[] = [];
  const fake = await startFakeOpenAi(Array.from({ length: 6 }, () => (req: FakeChatRequest) => {
    if (!isReviewer(req)) return weak;
    reviewerPrompts.push((req.messages ?? []).map((m) => m.content).join("\n"));
    return APPROVE;
  }));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(await Deno.readTextFile(reportPath(r))) as {
      iterations: { commit?: string; integrity?: { rule: string; action: string }[] }[];
    };
    assert.equal(report.iterations.length, 1);
    assert.ok(report.iterations[0]!.commit);
    assert.deepEqual(report.iterations[0]!.integrity?.map((f) => [f.rule, f.action]), [[
      "integrity.expected-changed",
      "warn",
    ]]);
    assert.match(
      r.stderr,
      /Integrity warning \(integrity\.expected-changed\) src\/fuel_test\.ts:6/,
    );
    // The reviewer was told, as a fact.
    assert.match(
      reviewerPrompts[0] ?? "",
      /## Oracle integrity facts\n- warning integrity\.expected-changed/,
    );
    const md = await Deno.readTextFile(join(dirname(reportPath(r)), "summary.md"));
    assert.match(md, /\*\*Oracle integrity\*\*\n- ⚠️ warning `integrity\.expected-changed`/);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run --candidates 2 drops the candidate that weakens the test and keeps the real fix", async () => {
  const repo = await makeRepo(FUEL_REPO);
  // Both candidates make the gate pass with a one-line diff; without the
  // integrity check the first (lower temperature) one, the tautology, would win.
  const weak = reply(
    "relax the assertion",
    `--- a/src/fuel_test.ts
+++ b/src/fuel_test.ts
@@ -5,3 +5,3 @@
 test("fuel efficiency is distance over volume", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.ok(true);
 });
`,
  );
  const fake = await startFakeOpenAi(
    Array.from(
      { length: 8 },
      () => (req: FakeChatRequest) =>
        isReviewer(req)
          ? APPROVE
          : ((req.temperature as number | undefined) ?? 0) < 0.35
          ? weak
          : REAL_FIX,
    ),
  );
  try {
    const r = await runCli(repo, ["--candidates", "2"], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations.length, 1);
    assert.match(report.iterations[0]!.proposal!.diff, /return km \/ litres/);
    const branch = report.workBranch!;
    assert.equal(await git(repo, `show ${branch}:src/fuel_test.ts`), FUEL_TEST);
    assert.match(
      r.stderr,
      /Candidate 1\/2: dropped \(Fix the code, not the test: .*integrity\.tautology/,
    );
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
