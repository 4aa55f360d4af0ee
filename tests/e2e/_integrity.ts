/**
 * Scenario of the oracle-integrity end-to-end tests: a repository whose gate
 * fails, a fixer that first offers a patch weakening the gate and then the
 * real fix, and a reviewer that approves everything. The weakening patch must
 * never be committed and the loop must go on to commit the real fix.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { FakeChatRequest } from "../fakes/openai_server.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  APPROVE,
  config,
  git,
  isReviewer,
  makeRepo,
  readReport,
  removeRepo,
  runCli,
} from "./_helpers.ts";

/** The code under test: fuel efficiency computed the wrong way round. */
export const FUEL_TS = `export function fuelEfficiency(km: number, litres: number): number {
  return km * litres;
}
`;

/** Its test (node:test under deno test). */
export const FUEL_TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { fuelEfficiency } from "./fuel.ts";

test("fuel efficiency is distance over volume", () => {
  assert.equal(fuelEfficiency(100, 10), 10);
});
`;

/** A fixer reply holding a diff. */
export function reply(summary: string, diff: string): string {
  return `Summary: ${summary}\n\n\`\`\`diff\n${diff}\`\`\`\n`;
}

/** The real fix of {@link FUEL_TS}. */
export const REAL_FIX = reply(
  "divide distance by volume",
  `--- a/src/fuel.ts
+++ b/src/fuel.ts
@@ -1,3 +1,3 @@
 export function fuelEfficiency(km: number, litres: number): number {
-  return km * litres;
+  return km / litres;
 }
`,
);

/** A repository with the failing fuel test. */
export const FUEL_REPO: Record<string, string> = {
  "src/fuel.ts": FUEL_TS,
  "src/fuel_test.ts": FUEL_TEST,
  "fleet-orch.yaml": config({ test: "deno test -q --no-check src/" }),
};

/** What a scenario checks. */
export interface Scenario {
  /** Files of the repository. */
  files: Record<string, string>;
  /** The fixer's weakening reply (offered first). */
  weak: string;
  /** The real fix (offered second). */
  fix: string;
  /** The integrity rule expected to deny the weakening patch. */
  rule: string;
  /** Files whose text on the work branch must be as in `files` (the weakening never landed). */
  untouched: string[];
}

/**
 * Run a scenario end to end and check that the weakening patch was denied
 * without a reviewer call, never committed, and that the real fix was.
 *
 * @param sc The scenario.
 */
export async function runScenario(sc: Scenario): Promise<void> {
  const repo = await makeRepo(sc.files);
  let fixerCalls = 0;
  const fixerPrompts: string[] = [];
  const script = Array.from({ length: 12 }, () => (req: FakeChatRequest) => {
    if (isReviewer(req)) return APPROVE;
    fixerPrompts.push((req.messages ?? []).map((m) => m.content).join("\n"));
    return ++fixerCalls === 1 ? sc.weak : sc.fix;
  });
  const fake = await startFakeOpenAi(script);
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r) as Awaited<ReturnType<typeof readReport>> & {
      iterations: { integrity?: { rule: string; action: string }[] }[];
    };
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations.length, 2, JSON.stringify(report.iterations, null, 1));
    const [first, second] = report.iterations;
    assert.equal(first!.applied, false);
    assert.equal(first!.commit, undefined);
    assert.equal(first!.review?.verdict, "reject");
    assert.equal(first!.review?.source, "policy");
    assert.match(first!.review!.reasons[0]!, /^Fix the code, not the test: /);
    assert.ok(
      first!.integrity?.some((f) => f.rule === sc.rule && f.action === "deny"),
      JSON.stringify(first!.integrity),
    );
    assert.ok(second!.commit, "the real fix was committed");
    assert.equal(second!.review?.verdict, "approve");
    // The approving reviewer was asked only about the real fix.
    const reviews = fake.requests.filter((q) => isReviewer(q as FakeChatRequest)).length;
    assert.equal(reviews, 1);
    // The fixer was told why its first patch was refused.
    assert.match(fixerPrompts[1] ?? "", /Fix the code, not the test/);
    const branch = report.workBranch!;
    for (const path of sc.untouched) {
      assert.equal(await git(repo, `show ${branch}:${path}`), sc.files[path], path);
    }
    const log = await git(repo, `log --format=%s main..${branch}`);
    assert.equal(log.trim().split("\n").length, 1, log);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
}
