import assert from "node:assert/strict";
import {
  capSummary,
  createCiOutput,
  MAX_STEP_SUMMARY_BYTES,
  repoRelativePath,
  stripWorktreePaths,
  writeCheckOutput,
} from "../../report/ci_output.ts";

Deno.test("repoRelativePath drops the worktree prefix and the repository root", () => {
  const wt = "/home/r/app/.git/fleet-orch/worktrees/20261204_0900-ab12/src/a.ts";
  assert.equal(repoRelativePath(wt, "/home/r/app"), "src/a.ts");
  assert.equal(repoRelativePath(wt), "src/a.ts");
  assert.equal(repoRelativePath(".git/fleet-orch/worktrees/x/lib/b.py"), "lib/b.py");
  assert.equal(repoRelativePath("/home/r/app/src/a.ts", "/home/r/app/"), "src/a.ts");
  assert.equal(repoRelativePath("./src/a.ts"), "src/a.ts");
  assert.equal(repoRelativePath("/usr/lib/x.d.ts", "/home/r/app"), "/usr/lib/x.d.ts");
});

Deno.test("stripWorktreePaths rewrites worktree paths inside text", () => {
  const text =
    "error at /home/r/app/.git/fleet-orch/worktrees/run-1/src/a.ts:3 and `.git/fleet-orch/worktrees/run-1/b.ts`";
  assert.equal(stripWorktreePaths(text), "error at src/a.ts:3 and `b.ts`");
});

Deno.test("capSummary keeps a summary that fits and cuts a long one at a line, with a note", () => {
  assert.equal(capSummary("short\n", 100), "short\n");
  assert.equal(capSummary("x".repeat(500), 40), "", "no room even for the note: nothing");
  const line = "é".repeat(40) + "\n"; // 81 bytes
  const long = line.repeat(20_000); // 1.62 MB, over GitHub's 1 MiB
  const cut = capSummary(long, MAX_STEP_SUMMARY_BYTES, "/runs/1/report.json");
  const bytes = new TextEncoder().encode(cut).length;
  assert.ok(bytes <= MAX_STEP_SUMMARY_BYTES, String(bytes));
  assert.ok(bytes > MAX_STEP_SUMMARY_BYTES - 1000, "uses the room");
  assert.match(cut, /the summary was cut here: \d+ of 1620000 bytes left out/);
  assert.match(cut, /`\/runs\/1\/report\.json`/);
  const kept = cut.slice(0, cut.indexOf("\n\n> **fleet-orch:**"));
  assert.ok(
    kept.split("\n").every((l) => l === line.trimEnd()),
    "cut at a line, no broken character",
  );
  const left = Number(/: (\d+) of/.exec(cut)![1]);
  assert.equal(left, 1_620_000 - new TextEncoder().encode(kept).length);
});

Deno.test("the GitHub step summary counts what the step already wrote", async () => {
  const files: Record<string, string> = { "/s.md": "x".repeat(MAX_STEP_SUMMARY_BYTES - 500) };
  const out = createCiOutput({
    env: (n) =>
      ({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "/s.md" } as Record<string, string>)[n],
    write: () => {},
    appendFile: (p, t) => (files[p] = (files[p] ?? "") + t, Promise.resolve()),
    fileSize: (p) => Promise.resolve(new TextEncoder().encode(files[p] ?? "").length),
  });
  await out.summary("line\n".repeat(1000), "report.json");
  const size = new TextEncoder().encode(files["/s.md"]!).length;
  assert.ok(size <= MAX_STEP_SUMMARY_BYTES, String(size));
  assert.match(files["/s.md"]!, /summary was cut here/);
});

Deno.test("annotations and summaries never carry the worktree path", async () => {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  const out = createCiOutput({
    env: (n) =>
      ({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: "/s.md" } as Record<string, string>)[n],
    write: (l) => lines.push(l),
    appendFile: (p, t) => (files[p] = (files[p] ?? "") + t, Promise.resolve()),
    fileSize: () => Promise.resolve(0),
  });
  out.annotate([{
    level: "error",
    file: "/r/.git/fleet-orch/worktrees/w1/src/a.ts",
    line: 2,
    message: "in /r/.git/fleet-orch/worktrees/w1/src/a.ts",
  }]);
  await out.summary("See /r/.git/fleet-orch/worktrees/w1/src/a.ts");
  assert.deepEqual(lines, ["::error file=src/a.ts,line=2::in src/a.ts"]);
  assert.equal(files["/s.md"], "See src/a.ts\n");
});

Deno.test("writeCheckOutput on Azure Pipelines: issues, summary upload, output variables", async () => {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  const out = createCiOutput({
    env: (n) => ({ TF_BUILD: "True", AGENT_TEMPDIRECTORY: "/agent" } as Record<string, string>)[n],
    write: (l) => lines.push(l),
    appendFile: (p, t) => (files[p] = (files[p] ?? "") + t, Promise.resolve()),
  });
  await writeCheckOutput(out, {
    ok: false,
    runDir: "/r/.git/fleet-orch/runs/1",
    gates: [
      {
        id: "lint",
        name: "lint",
        status: "failed",
        required: true,
        durationMs: 1200,
        failures: [{
          gate: "lint",
          tool: "eslint",
          file: "/r/src/x.ts",
          line: 4,
          message: "no-unused-vars",
          excerpt: "",
          fingerprint: "f",
        }],
      },
      { id: "unit", name: "unit", status: "passed", required: true, durationMs: 10, failures: [] },
    ],
  }, { root: "/r" });
  assert.equal(
    lines[0],
    "##vso[task.logissue type=error;sourcepath=src/x.ts;linenumber=4;]lint: no-unused-vars",
  );
  assert.ok(lines.some((l) => l.startsWith("##vso[task.uploadsummary]/agent/fleet-orch-summary-")));
  assert.ok(lines.includes("##vso[task.setvariable variable=result;isOutput=true]failed"));
  assert.ok(lines.includes("##vso[task.setvariable variable=failedGates;isOutput=true]lint"));
  const summary = Object.values(files)[0]!;
  assert.match(summary, /\| lint \| failed \| yes \| 1\.2 s \|/);
  assert.match(summary, /- `src\/x\.ts:4` no-unused-vars/);
});

Deno.test("writeCheckOutput does nothing outside CI", async () => {
  const lines: string[] = [];
  await writeCheckOutput(
    createCiOutput({ env: () => undefined, write: (l) => lines.push(l) }),
    { ok: false, runDir: "/x", gates: [] },
  );
  assert.deepEqual(lines, []);
});
