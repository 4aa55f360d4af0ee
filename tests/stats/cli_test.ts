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

Deno.test("stats CLI reads --config (report.dir, pricing) and exits 2 when that file is invalid", async () => {
  const repo = await makeRepo();
  const elsewhere = await Deno.makeTempDir({ prefix: "fleet-orch-stats-cfg-" });
  try {
    // Runs only in the folder the other config names as report.dir.
    await writeRun(join(repo, "ci-reports"), report({ startedAt: day(0) }));
    const cfg = join(elsewhere, "ci.yaml");
    await Deno.writeTextFile(cfg, "report:\n  dir: ci-reports\n");
    const none = await stats(repo, []);
    assert.equal(none.code, 1, none.stderr);
    const r = await stats(repo, ["--config", cfg, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).stats.runs.total, 1);
    const bad = join(elsewhere, "bad.yaml");
    await Deno.writeTextFile(bad, "report:\n  dirr: x\n");
    const b = await stats(repo, ["--config", bad]);
    assert.equal(b.code, 2, b.stderr);
    assert.match(b.stderr, /bad\.yaml:2:3/);
    const missing = await stats(repo, ["--config", join(elsewhere, "nope.yaml")]);
    assert.equal(missing.code, 2, missing.stderr);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(elsewhere, { recursive: true });
  }
});

Deno.test("stats CLI uses the seed's config.yaml when fleet-orch.yaml is absent, as check does", async () => {
  const repo = await makeRepo();
  try {
    const mystery = report({
      startedAt: day(0),
      stopReason: "no_progress",
      iterations: [iteration([failure("test", "jest", "j1")], {
        calls: [{ ...call("acme-coder-7", 1000, 100, 0), provider: "openai" }],
      })],
    });
    await writeRun(join(repo, "from-seed"), mystery);
    await Deno.writeTextFile(join(repo, "config.yaml"), "report:\n  dir: from-seed\n");
    const r = await stats(repo, []);
    assert.equal(r.code, 0, r.stderr);
    // The warning names the key that exists, and the file it goes in.
    assert.match(
      r.stderr,
      /No price is known for model "acme-coder-7": its 1 call\(s\) count as \$0 in these figures; add it under "pricing:" in .*config\.yaml/,
    );
    assert.ok(!/\bprices\b/.test(r.stderr), r.stderr);
    // Priced in the config: no warning.
    await Deno.writeTextFile(
      join(repo, "config.yaml"),
      "report:\n  dir: from-seed\npricing:\n  acme-coder-7: {input: 1, output: 2}\n",
    );
    const priced = await stats(repo, []);
    assert.equal(priced.code, 0, priced.stderr);
    assert.ok(!priced.stderr.includes("No price"), priced.stderr);
    // fleet-orch.yaml wins over config.yaml.
    await Deno.writeTextFile(join(repo, "fleet-orch.yaml"), "report:\n  dir: elsewhere\n");
    assert.equal((await stats(repo, [])).code, 1);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("stats CLI advises eslint-fix only for rules the project's eslint marks fixable", async () => {
  const repo = await makeRepo();
  try {
    const runsDir = join(repo, ".git", "fleet-orch", "runs");
    const lint = (code: string, n: number) =>
      report({
        startedAt: day(n),
        iterations: [iteration([failure("lint", "eslint", code, { code })])],
      });
    await writeRun(runsDir, lint("no-unused-vars", 0));
    await writeRun(runsDir, lint("no-var", 1));
    // No node_modules: no metadata, no advice.
    const blind = await stats(repo, ["--json"]);
    assert.equal(blind.code, 0, blind.stderr);
    assert.deepEqual(
      JSON.parse(blind.stdout).recommendations.map((r: { id: string }) => r.id)
        .filter((id: string) => id === "recipe-fixable-sent-to-model"),
      [],
    );
    const rules = join(repo, "node_modules", "eslint", "lib", "rules");
    await Deno.mkdir(rules, { recursive: true });
    await Deno.writeTextFile(
      join(rules, "no-var.js"),
      'module.exports = {\n  meta: {\n    type: "suggestion",\n    fixable: "code",\n    schema: [],\n  },\n  create() { return {}; },\n};\n',
    );
    await Deno.writeTextFile(
      join(rules, "no-unused-vars.js"),
      'module.exports = {\n  meta: {\n    type: "problem",\n    hasSuggestions: true,\n    schema: [],\n  },\n  create() { return {}; },\n};\n',
    );
    const r = await stats(repo, ["--json"]);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout).recommendations.find((x: { id: string }) =>
      x.id === "recipe-fixable-sent-to-model"
    );
    assert.ok(rec, r.stdout);
    assert.equal(rec.evidence.iterations, 1);
    assert.equal(rec.evidence.fixableRules, "no-var");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("stats CLI reads a rule's metadata from the node_modules nearest the file it was reported in", async () => {
  const repo = await makeRepo();
  try {
    const runsDir = join(repo, ".git", "fleet-orch", "runs");
    const f = failure("lint", "eslint", "pc", {
      code: "prefer-const",
      file: "packages/web/src/a.js",
    });
    await writeRun(runsDir, report({ startedAt: day(0), iterations: [iteration([f])] }));
    const rules = join(repo, "packages", "web", "node_modules", "eslint", "lib", "rules");
    await Deno.mkdir(rules, { recursive: true });
    await Deno.writeTextFile(
      join(rules, "prefer-const.js"),
      'module.exports = {\n  meta: {\n    type: "suggestion",\n    fixable: "code",\n  },\n  create() { return {}; },\n};\n',
    );
    const r = await stats(repo, ["--json"]);
    assert.equal(r.code, 0, r.stderr);
    const rec = JSON.parse(r.stdout).recommendations.find((x: { id: string }) =>
      x.id === "recipe-fixable-sent-to-model"
    );
    assert.equal(rec?.evidence.fixableRules, "prefer-const", r.stdout);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
