import assert from "node:assert/strict";
import { join } from "node:path";
import {
  candidateWinner,
  findReportFiles,
  loadRuns,
  parseCandidateLog,
  selectRuns,
} from "../../stats/load.ts";
import { day, failure, iteration, report, writeRun } from "./_fixtures.ts";

Deno.test("loadRuns skips unreadable, non-JSON and wrongly shaped reports, naming each file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-stats-load-" });
  try {
    const good = await writeRun(
      dir,
      report({ iterations: [iteration([failure("t", "tsc", "a")])] }),
    );
    await Deno.mkdir(join(dir, "broken"));
    await Deno.writeTextFile(join(dir, "broken", "report.json"), "{ not json");
    await Deno.mkdir(join(dir, "shape"));
    await Deno.writeTextFile(
      join(dir, "shape", "report.json"),
      JSON.stringify({ ...report(), totals: { tokensIn: "many" } }),
    );
    // A directory where the file should be: exists, cannot be read.
    await Deno.mkdir(join(dir, "unreadable", "report.json"), { recursive: true });
    await Deno.mkdir(join(dir, "empty-run"));

    const files = await findReportFiles([dir, join(dir, "missing")]);
    assert.equal(files.length, 4);
    const { runs, warnings } = await loadRuns(files);
    assert.deepEqual(runs.map((r) => r.file), [good]);
    assert.equal(warnings.length, 3);
    for (const name of ["broken", "shape", "unreadable"]) {
      assert.ok(
        warnings.some((w) => w.includes(join(dir, name, "report.json"))),
        `no warning names ${name}: ${warnings.join("\n")}`,
      );
    }
    assert.ok(warnings.some((w) => w.includes("totals.tokensIn")), warnings.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadRuns counts a run copied to two folders once and sorts by start time", async () => {
  const a = await Deno.makeTempDir({ prefix: "fleet-orch-stats-dup-" });
  const b = await Deno.makeTempDir({ prefix: "fleet-orch-stats-dup-" });
  try {
    const late = report({ startedAt: day(2) });
    const early = report({ startedAt: day(0) });
    await writeRun(a, late);
    await writeRun(b, late);
    await writeRun(b, early);
    const { runs, warnings } = await loadRuns(await findReportFiles([a, b]));
    assert.deepEqual(runs.map((r) => r.report.runId), [early.runId, late.runId]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /already read/);
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});

Deno.test("findReportFiles accepts a run folder itself", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-stats-one-" });
  try {
    const file = await writeRun(dir, report());
    assert.deepEqual(await findReportFiles([join(file, "..")]), [file]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadRuns reads candidate rounds from orchestrator.log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-stats-log-" });
  try {
    const log = [
      "2026-11-01T10:00:00Z info Candidate 1/3: 2 required gate(s) pass, 9 changed line(s)",
      "2026-11-01T10:00:00Z info Candidate 2/3: 2 required gate(s) pass, 4 changed line(s)",
      "2026-11-01T10:00:00Z info Candidate 3/3: dropped (rejected)",
      "unrelated line",
      "2026-11-01T10:00:01Z info Candidate 1/2: 1 required gate(s) pass, 3 changed line(s)",
      "2026-11-01T10:00:01Z info Candidate 2/2: 0 required gate(s) pass, 1 changed line(s)",
    ].join("\n");
    await writeRun(dir, report(), log);
    const { runs } = await loadRuns(await findReportFiles([dir]));
    const rounds = runs[0]!.candidateRounds;
    assert.equal(rounds.length, 2);
    assert.deepEqual(rounds[0]![2], { index: 3, score: null, changed: 0 });
    assert.equal(candidateWinner(rounds[0]!), 2);
    assert.equal(candidateWinner(rounds[1]!), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("candidateWinner prefers the earliest of equal candidates and null when all dropped", () => {
  const round = parseCandidateLog(
    "Candidate 1/2: 1 required gate(s) pass, 3 changed line(s)\n" +
      "Candidate 2/2: 1 required gate(s) pass, 3 changed line(s)",
  )[0]!;
  assert.equal(candidateWinner(round), 1);
  assert.equal(candidateWinner([{ index: 1, score: null, changed: 0 }]), null);
});

Deno.test("selectRuns keeps runs since a date, then the last N", () => {
  const runs = [0, 1, 2, 3, 4].map((n) => ({ report: { startedAt: day(n) } }));
  assert.equal(selectRuns(runs, { since: "2026-11-03" }).length, 3);
  assert.deepEqual(selectRuns(runs, { since: "2026-11-02", last: 2 }), runs.slice(3));
  assert.throws(() => selectRuns(runs, { since: "2026-13-40" }), RangeError);
});
