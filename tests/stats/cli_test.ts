import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin, shellQuote } from "../../core/exec.ts";
import { call, day, failure, gate, iteration, report, writeRun } from "./_fixtures.ts";

const ENTRY = fileURLToPath(new URL("./_cli.ts", import.meta.url));
const exec = new ShellExecutor({
  judge: () => ({ allowed: true, rule: null, message: "" }),
  env: { NO_COLOR: "1" },
});

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

async function stats(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Cli> {
  const tmp = await Deno.makeTempDir({ prefix: "fleet-orch-stats-out-" });
  try {
    const out = join(tmp, "stdout");
    const err = join(tmp, "stderr");
    const line = `${shellJoin([Deno.execPath(), "run", "-A", ENTRY, ...args])} >${
      shellQuote(out)
    } 2>${shellQuote(err)}`;
    const r = await exec.run(line, { cwd, env, timeoutMs: 120_000 });
    return {
      code: r.code,
      stdout: await Deno.readTextFile(out),
      stderr: await Deno.readTextFile(err) + r.output,
    };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

async function makeRepo(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-stats-repo-" }));
  await Deno.writeTextFile(join(dir, "README.md"), "x\n");
  const r = await exec.run(
    "git init -q -b main && git add -A && git -c user.name=t -c user.email=t@example.invalid commit -q -m init",
    { cwd: dir, timeoutMs: 60_000 },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

async function fabricateRuns(repo: string): Promise<{ runsDir: string; invalid: string }> {
  const runsDir = join(repo, ".git", "fleet-orch", "runs");
  const fmt = failure("format", "prettier", "fmt-1", { message: "Code style issues" });
  const test = failure("test", "jest", "jest-1", { message: "expected 2 got 3" });
  await writeRun(runsDir, report({ startedAt: day(0), iterations: [iteration([fmt])] }));
  await writeRun(
    runsDir,
    report({
      startedAt: day(1),
      stopReason: "no_progress",
      gates: [gate("test", "failed", [test])],
      iterations: [iteration([test], {
        gates: [gate("test", "failed", [test])],
        calls: [call("gpt-4o", 9000, 900, 0.0315)],
      })],
    }),
  );
  await writeRun(runsDir, report({ startedAt: day(2), dryRun: true, stopReason: "no_progress" }));
  await Deno.mkdir(join(runsDir, "garbage"), { recursive: true });
  const invalid = join(runsDir, "garbage", "report.json");
  await Deno.writeTextFile(invalid, JSON.stringify({ runId: "garbage" }));
  return { runsDir, invalid };
}

Deno.test("stats CLI summarises the runs under .git/fleet-orch/runs and warns about an invalid report", async () => {
  const repo = await makeRepo();
  try {
    const { invalid } = await fabricateRuns(repo);
    const r = await stats(repo, []);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /fleet-orch stats: 3 run\(s\) \(1 dry\)/);
    assert.match(r.stdout, /Success rate\s+50\.0% \(1 of 2 counted\)/);
    assert.match(r.stdout, /recipe-fixable-sent-to-model/);
    assert.ok(r.stderr.includes(`Skipping "${invalid}"`), r.stderr);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("stats CLI --json prints one document and --html writes the dashboard", async () => {
  const repo = await makeRepo();
  try {
    await fabricateRuns(repo);
    const html = join(repo, ".git", "dashboard.html");
    const r = await stats(join(repo), [
      "--repo",
      repo,
      "--json",
      "--html",
      html,
      "--include-dry-run",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.stats.runs.total, 3);
    assert.equal(doc.stats.runs.counted, 3);
    assert.equal(doc.warnings.length, 1);
    assert.ok(
      doc.recommendations.some((x: { id: string }) => x.id === "recipe-fixable-sent-to-model"),
    );
    assert.match(r.stderr, /fleet-orch stats: 3 run/);
    const page = await Deno.readTextFile(html);
    assert.match(page, /^<!doctype html>/);
    assert.ok(page.includes(">test<"), "the failing gate is in the chart");
    assert.ok(page.includes("Let the prettier recipe"));
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("stats CLI filters with --since and --last and reads --report-dir", async () => {
  const repo = await makeRepo();
  const extra = await Deno.makeTempDir({ prefix: "fleet-orch-stats-extra-" });
  try {
    await fabricateRuns(repo);
    await writeRun(extra, report({ startedAt: day(5) }));
    const r = await stats(repo, ["--report-dir", extra, "--since", "2026-11-02", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).stats.runs.total, 3);
    const last = await stats(repo, ["--report-dir", extra, "--last", "1", "--json"]);
    assert.equal(JSON.parse(last.stdout).stats.runs.succeeded, 1);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(extra, { recursive: true });
  }
});

Deno.test("stats CLI exits 1 and says where it looked when there is no run", async () => {
  const repo = await makeRepo();
  try {
    const r = await stats(repo, []);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(join(repo, ".git", "fleet-orch", "runs")), r.stderr);
    assert.match(r.stderr, /No run report found/);
    await fabricateRuns(repo);
    const late = await stats(repo, ["--since", "2027-01-01"]);
    assert.equal(late.code, 1);
    assert.match(late.stderr, /3 before --since\/--last/);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("stats CLI exits 2 on bad flags and outside a repository", async () => {
  const repo = await makeRepo();
  const outside = await Deno.makeTempDir({ prefix: "fleet-orch-stats-none-" });
  try {
    for (const args of [["--last", "0"], ["--since", "2026-02-30"], ["--bogus"], ["extra"]]) {
      const r = await stats(repo, args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    }
    const r = await stats(outside, []);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--repo DIR or --report-dir D/);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("stats CLI redacts secrets of the environment from every output", async () => {
  const repo = await makeRepo();
  try {
    const runsDir = join(repo, ".git", "fleet-orch", "runs");
    const secret = "s3cr3t-acme-token-value";
    const f = failure("test", "jest", "leak", { message: `token ${secret} leaked` });
    for (const n of [0, 1]) {
      await writeRun(
        runsDir,
        report({
          startedAt: day(n),
          stopReason: "no_progress",
          gates: [gate("test", "failed", [f])],
          iterations: [iteration([f])],
        }),
      );
    }
    const html = join(repo, ".git", "d.html");
    const r = await stats(repo, ["--json", "--html", html], { ACME_API_TOKEN: secret });
    assert.equal(r.code, 0, r.stderr);
    for (const text of [r.stdout, r.stderr, await Deno.readTextFile(html)]) {
      assert.ok(!text.includes(secret), text);
    }
    assert.match(r.stdout, /REDACTED:env\.ACME_API_TOKEN/);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
