/**
 * End-to-end checks of the fail-closed rules and of redaction at the source:
 * the CLI as a subprocess on real repositories, the fake OpenAI server for
 * models.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  config,
  exec,
  FIX_VALUE,
  git,
  MAIN,
  makeRepo,
  readReport,
  readTree,
  removeRepo,
  roles,
  runCli,
  USELESS,
  VALUE_REPO,
} from "./_helpers.ts";
import { shellJoin, shellQuote } from "../../core/exec.ts";

/** Run another fleet-orch command (`check`) as a subprocess, stdout and stderr apart. */
async function cliCommand(
  repo: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const tmp = await Deno.makeTempDir({ prefix: "fleet-orch-e2e-out-" });
  try {
    const out = join(tmp, "stdout");
    const err = join(tmp, "stderr");
    const r = await exec.run(
      `env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u CI -u GITHUB_ACTIONS -u TF_BUILD ${
        shellJoin([Deno.execPath(), "run", "-A", MAIN, ...args, "--repo", repo])
      } >${shellQuote(out)} 2>${shellQuote(err)}`,
      { cwd: repo, env: { NO_COLOR: "1", ...env }, timeoutMs: 120_000 },
    );
    return {
      code: r.code,
      stdout: await Deno.readTextFile(out),
      stderr: (await Deno.readTextFile(err)) + r.output,
    };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

// ---------------------------------------------------------------------------
// 6a: a required gate that did not pass fails the build

const OPTIONAL_THEN_REQUIRED = [
  "quality_gates:",
  "  lint:",
  '    command: "echo lint warnings; exit 1"',
  "    required: false",
  "  build:",
  '    command: "echo build broke; exit 1"',
  "  test:",
  '    command: "touch tested-marker"',
  "",
].join("\n");

Deno.test("check exits 1 when an optional gate fails before a failing (and a skipped) required gate", async () => {
  const repo = await makeRepo({ "fleet-orch.yaml": OPTIONAL_THEN_REQUIRED });
  try {
    const r = await cliCommand(repo, ["check", "--json"]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.ok, false);
    assert.deepEqual(
      doc.gates.map((g: { id: string; status: string }) => `${g.id}:${g.status}`),
      ["lint:failed", "build:failed", "test:skipped"],
    );
    assert.match(r.stderr, /test: not run, fails the build/);
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("check exits 1 when a required gate is only skipped (its optional need failed)", async () => {
  // Actions-style: the required step needs a continue-on-error step that is
  // fine, and a required step that failed, so it is skipped: still red.
  const repo = await makeRepo({
    "fleet-orch.yaml": [
      "steps:",
      "  - id: lint",
      '    run: "exit 1"',
      "    required: false",
      "  - id: unit",
      '    run: "exit 1"',
      "  - id: e2e",
      '    run: "true"',
      "    needs: [lint, unit]",
      "",
    ].join("\n"),
  });
  try {
    const r = await cliCommand(repo, ["check", "--json", "--only", "e2e"]);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.gates.map((g: { id: string; status: string }) => `${g.id}:${g.status}`),
      ["lint:failed", "unit:failed", "e2e:skipped"],
    );
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("run does not report green when an optional gate fails before a failing required gate", async () => {
  const repo = await makeRepo({ "fleet-orch.yaml": OPTIONAL_THEN_REQUIRED });
  try {
    // No model: recipes cannot fix it, so the run must say so, never success.
    const r = await runCli(repo, ["--max-iterations", "1"]);
    assert.notEqual(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.notEqual(report.stopReason, "success");
    assert.equal(report.stopReason, "needs_model", report.message);
  } finally {
    await removeRepo(repo);
  }
});

// ---------------------------------------------------------------------------
// 6c: the deploy plan and production approval are judged before any gate

const MARKER_GATE = { marker: "touch gate-ran-marker" };

Deno.test("run stops with exit 3 before any gate when one deploy command is forbidden", async () => {
  const repo = await makeRepo({
    "fleet-orch.yaml": config(
      MARKER_GATE,
      [
        "deployment:",
        "  environments:",
        "    staging: {}",
        "",
      ].join("\n"),
    ).replace(
      "agents:\n",
      [
        "agents:",
        "  devops:",
        "    deploy:",
        "      staging:",
        '        - "kubectl apply -f k8s/staging/"',
        '        - "az group delete --name prod-rg --yes"',
        "",
      ].join("\n"),
    ),
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"]);
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "forbidden", report.message);
    assert.match(report.message, /Deploy plan for "staging" refused .*az group delete/);
    assert.deepEqual(report.gates, []);
    // Nothing ran: not in the repository, not in the run's worktree.
    const files = [
      ...(await readTree(join(repo, ".git", "fleet-orch"))).keys(),
      ...(
        await readTree(repo).then((t) => [...t.keys()])
      ),
    ];
    assert.ok(!files.some((f) => f.endsWith("gate-ran-marker")), files.join("\n"));
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("run stops with exit 3 before any gate when production is not approved", async () => {
  const repo = await makeRepo({
    "fleet-orch.yaml": config(
      MARKER_GATE,
      [
        "deployment:",
        "  environments:",
        "    production: {}",
        "",
      ].join("\n"),
    ),
  });
  try {
    const r = await runCli(repo, ["--environment", "production"]);
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "forbidden");
    assert.match(report.message, /needs explicit approval: pass --approve/);
    assert.deepEqual(report.gates, []);
  } finally {
    await removeRepo(repo);
  }
});

// ---------------------------------------------------------------------------
// 6b: a reviewer the config names that cannot run stops the run

const JULES_OWN_KEY = (extra = "") =>
  config({ value: "bash check.sh", marker: "touch gate-ran-marker" }).replace(
    "  jules:\n",
    `  jules:\n    api_key_env: JULES_TEST_KEY\n${extra}`,
  );

Deno.test("run with a named reviewer whose key is missing stops at preflight with exit 3", async () => {
  const repo = await makeRepo({ ...VALUE_REPO, "fleet-orch.yaml": JULES_OWN_KEY() });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "reviewer_unavailable", report.message);
    assert.match(report.message, /JULES_TEST_KEY/);
    assert.match(report.message, /agents\.jules\.enabled: false/);
    assert.deepEqual(report.gates, [], "stopped before the first gate");
    assert.equal(fake.requests.length, 0, "no model was called");
    assert.equal(report.iterations.length, 0);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run with the named reviewer disabled commits the fixer's patch on the policy's review", async () => {
  const repo = await makeRepo({
    ...VALUE_REPO,
    "fleet-orch.yaml": JULES_OWN_KEY("    enabled: false\n"),
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations[0]!.review?.source, "none");
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run with an unreachable reviewer stops with exit 3 before committing the model's patch", async () => {
  const repo = await makeRepo({
    ...VALUE_REPO,
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    "fleet-orch.yaml": config({ value: "bash check.sh" }).replace(
      "  jules:\n",
      "  jules:\n    base_url: http://127.0.0.1:9/v1\n",
    ),
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "reviewer_unavailable", report.message);
    assert.match(report.message, /Cannot reach the model endpoint "http:\/\/127\.0\.0\.1:9/);
    assert.ok(report.iterations.every((it) => !it.applied && !it.commit));
    if (report.workBranch) {
      assert.equal(await git(repo, `rev-list --count main..${report.workBranch}`), "0");
    }
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run with a reviewer that answers no verdict stops with exit 3, nothing committed", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(
    Array.from(
      { length: 6 },
      () => (req) =>
        (req.messages ?? []).some((m) => m.content.includes("You are the reviewer of fleet-orch"))
          ? "Looks fine to me!"
          : FIX_VALUE,
    ),
  );
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "reviewer_unavailable", report.message);
    assert.match(report.message, /not a verdict/);
    assert.ok(report.iterations.every((it) => !it.commit));
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

// ---------------------------------------------------------------------------
// 5: a failing gate that prints secrets: no sink shows any form of them

const SECRET = "s3Cr/eT+vAl@ue-7Q2mX9kLp4Wz";
const hex = (s: string) =>
  [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0")).join("");
const FORMS: Record<string, string> = {
  plain: SECRET,
  base64: btoa(SECRET).replace(/=+$/, ""),
  url: encodeURIComponent(SECRET),
  hex: hex(SECRET),
  substring14: SECRET.slice(6, 20),
};

function assertClean(where: string, text: string): void {
  for (const [form, value] of Object.entries(FORMS)) {
    assert.ok(!text.includes(value), `${where} shows the ${form} form of the secret`);
  }
}

/** A repository whose gate prints the secret in every form and fails. */
function leakyRepo(): Record<string, string> {
  const lines = Object.entries(FORMS).map(([k, v]) =>
    `echo ${shellQuote(`error: deploy failed with ${k} token ${v}`)}`
  );
  return {
    "value.txt": "broken\n",
    "notes.txt": "Notes\n",
    "leak.sh": `#!/usr/bin/env bash\n${lines.join("\n")}\necho "FAIL value.txt: expected fixed"\n` +
      "grep -q '^fixed$' value.txt\n",
    "fleet-orch.yaml": config({ leak: "bash leak.sh" }),
  };
}

Deno.test("redaction: a gate printing a secret's forms leaks none to console, --json, logs, reports or prompts", async () => {
  const repo = await makeRepo(leakyRepo());
  const env = { DEPLOY_TOKEN: SECRET };
  const fake = await startFakeOpenAi(roles(() => USELESS));
  try {
    const check = await cliCommand(repo, ["check", "--json"], env);
    assert.equal(check.code, 1, check.stderr);
    // The secret lines are in the failure excerpts and the console's tail, masked.
    assert.match(check.stdout, /REDACTED:env\.DEPLOY_TOKEN/);
    assert.match(check.stderr, /REDACTED:env\.DEPLOY_TOKEN/);
    assertClean("check stdout (--json)", check.stdout);
    assertClean("check stderr", check.stderr);

    const run = await runCli(repo, ["--max-iterations", "1", "--json"], {
      baseUrl: fake.url,
      env,
    });
    assert.equal(run.code, 1, run.stderr);
    assertClean("run stdout", run.stdout);
    assertClean("run stderr", run.stderr);
    assert.ok(fake.requests.length >= 1, "the fixer was asked");
    assertClean("prompts sent to the model", JSON.stringify(fake.requests));
    assert.match(JSON.stringify(fake.requests), /REDACTED/);
    // Every file fleet-orch wrote: reports, orchestrator.log, gate logs.
    const written = await readTree(join(repo, ".git", "fleet-orch"));
    const logs = [...written.keys()].filter((p) => p.includes("/runs/"));
    assert.ok(logs.some((p) => p.endsWith(".log") && p.includes("/logs/")), logs.join("\n"));
    assert.ok(logs.some((p) => p.endsWith("report.json")));
    for (const [path, text] of written) assertClean(path, text);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
