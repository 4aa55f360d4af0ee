/**
 * `fleet-orch run` end to end with the gate sandbox: gates that run after a
 * model's fix cannot write outside the worktree, read the job's token or
 * reach a loopback server; `required` without a sandbox stops with exit 3;
 * `auto` without one warns and runs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  config,
  FIX_VALUE,
  makeRepo,
  readReport,
  removeRepo,
  type ReportJson,
  roles,
  runCli,
  VALUE_GATE,
  VALUE_REPO,
} from "./_helpers.ts";

/** The parts of report.json these tests read. */
type Report = Omit<ReportJson, "gates"> & {
  gates: { id: string; status: string; output: string }[];
  sandbox?: { mode: string; active: boolean; reason: string };
};

async function reportOf(r: Awaited<ReturnType<typeof runCli>>): Promise<Report> {
  return (await readReport(r)) as unknown as Report;
}

const TOKEN = "ghs_e2esandbox0123456789abcdefghijklmnop";

/**
 * A gate that, once value.txt is fixed (so only after the model's patch is
 * in the worktree), tries what model-written code would: write outside the
 * worktree, read the job's token, reach a server on 127.0.0.1.
 */
function escapeGate(outside: string, port: number): string {
  return `#!/usr/bin/env bash
if grep -q '^fixed$' value.txt; then
  { echo pwned > ${outside}/escape; } 2>/dev/null && echo "ESCAPE-WRITE=done" || echo "ESCAPE-WRITE=refused"
  echo "ESCAPE-TOKEN=[\${GITHUB_TOKEN:-}]"
  (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && echo "ESCAPE-NET=reached" || echo "ESCAPE-NET=cut"
  { echo "exit 0" >> "$(git rev-parse --git-common-dir)/hooks/pre-commit"; } 2>/dev/null &&
    echo "ESCAPE-HOOK=planted" || echo "ESCAPE-HOOK=refused"
fi
${VALUE_GATE.replace("#!/usr/bin/env bash\n", "")}`;
}

async function escapeRun(sandbox: "auto" | "off") {
  const outside = await Deno.realPath(
    await Deno.makeTempDir({ dir: "/var/tmp", prefix: "fo-e2e-out-" }),
  );
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("host"),
  );
  const repo = await makeRepo({
    ...VALUE_REPO,
    "check.sh": escapeGate(outside, server.addr.port),
    "fleet-orch.yaml": config({ value: "bash check.sh" }, `safety:\n  sandbox: ${sandbox}\n`),
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url, env: { GITHUB_TOKEN: TOKEN } });
    const report = await reportOf(r);
    const escaped = await Deno.stat(join(outside, "escape")).then(() => true, () => false);
    return { r, report, escaped };
  } finally {
    await fake.close();
    await server.shutdown();
    await removeRepo(repo);
    await Deno.remove(outside, { recursive: true });
  }
}

Deno.test("run sandboxes the gates that run after a model's fix", async () => {
  const { r, report, escaped } = await escapeRun("auto");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(report.stopReason, "success");
  assert.equal(report.sandbox?.mode, "auto");
  assert.equal(report.sandbox?.active, true, report.sandbox?.reason);
  const output = report.gates.find((g) => g.id === "value")!.output;
  assert.match(output, /ESCAPE-WRITE=refused/);
  assert.match(output, /ESCAPE-TOKEN=\[\]/);
  assert.match(output, /ESCAPE-NET=cut/);
  assert.match(output, /ESCAPE-HOOK=refused/);
  assert.equal(escaped, false, "nothing was written outside the worktree");
  assert.ok(!r.stderr.includes(TOKEN));
});

Deno.test("run with safety.sandbox off lets the same gate out (the control)", async () => {
  const { r, report, escaped } = await escapeRun("off");
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(report.sandbox, {
    mode: "off",
    active: false,
    reason: "safety.sandbox is off",
  });
  const output = report.gates.find((g) => g.id === "value")!.output;
  assert.match(output, /ESCAPE-WRITE=done/);
  assert.match(output, /ESCAPE-NET=reached/);
  assert.match(output, /ESCAPE-HOOK=planted/);
  // The environment allowlist holds without the sandbox too.
  assert.match(output, /ESCAPE-TOKEN=\[\]/);
  assert.equal(escaped, true);
});

Deno.test("run with safety.sandbox required and no usable bwrap stops with exit 3", async () => {
  const repo = await makeRepo({
    ...VALUE_REPO,
    "fleet-orch.yaml": config({ value: "bash check.sh" }, "safety:\n  sandbox: required\n"),
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { FLEET_ORCH_BWRAP: "/nonexistent/bwrap" },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /safety\.sandbox is "required" but no sandbox is available/);
    assert.match(r.stderr, /\/nonexistent\/bwrap" does not exist/);
    const report = await reportOf(r);
    assert.equal(report.stopReason, "forbidden");
    assert.deepEqual(report.gates, [], "no gate ran");
    assert.equal(report.sandbox?.mode, "required");
    assert.equal(report.sandbox?.active, false);
    assert.equal(fake.requests.length, 0, "no model was called");
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run with safety.sandbox auto and no usable bwrap warns loudly and runs", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { FLEET_ORCH_BWRAP: "/nonexistent/bwrap" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /WARNING: NO SANDBOX/);
    const report = await reportOf(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.sandbox?.mode, "auto");
    assert.equal(report.sandbox?.active, false);
    assert.match(report.sandbox!.reason, /does not exist/);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
