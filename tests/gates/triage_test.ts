import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../../core/exec.ts";
import type { GateResult } from "../../core/types.ts";
import { describeTriage, TRIAGE_SIGNATURES, triageGate } from "../../gates/triage.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/triage/", import.meta.url));

function gate(output: string, over: Partial<GateResult> = {}): GateResult {
  return {
    id: "g",
    name: "g",
    required: true,
    status: "failed",
    exitCode: 1,
    durationMs: 1,
    output,
    failures: [],
    ...over,
  };
}

async function fixture(name: string): Promise<string> {
  return await Deno.readTextFile(FIXTURES + name);
}

// Genuine output of real tools (see tests/fixtures/triage/README.md for how
// each was produced), with the signature each must match.
const GENUINE: [string, string, string, string?][] = [
  ["npm_refused.txt", "infrastructure", "npm-network"],
  ["npm_network_timeout.txt", "infrastructure", "npm-network"],
  ["npm_429.txt", "infrastructure", "npm-network"],
  ["npm_503.txt", "infrastructure", "npm-network"],
  ["pip_refused.txt", "infrastructure", "pip-network"],
  ["git_refused.txt", "infrastructure", "git-network"],
  ["git_dns.txt", "infrastructure", "git-network"],
  ["bash_unbound.txt", "configuration", "unbound-variable", "DEPLOY_TOKEN"],
  ["python_environ.txt", "configuration", "python-environ", "STRIPE_API_KEY"],
  ["node_missing_env.txt", "configuration", "missing-env", "DATABASE_URL"],
];

for (const [file, cls, sig, subject] of GENUINE) {
  Deno.test(`triageGate classifies genuine ${file} as ${cls} (${sig})`, async () => {
    const t = triageGate(gate(await fixture(file)));
    assert.equal(t.class, cls);
    assert.equal(t.signature, sig);
    if (subject) assert.equal(t.subject, subject);
    assert.ok(t.evidence && t.evidence.length > 0);
    assert.ok(describeTriage(t).includes(sig));
  });
}

Deno.test("triageGate classifies a live npm install against a closed loopback port as infrastructure", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-triage-" });
  try {
    await Deno.writeTextFile(
      `${dir}/package.json`,
      JSON.stringify({ name: "x", version: "1.0.0", dependencies: { "left-pad": "1.3.0" } }),
    );
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const r = await exec.run("npm install --no-audit --no-fund", {
      cwd: dir,
      timeoutMs: 120_000,
      env: {
        npm_config_registry: "http://127.0.0.1:9",
        npm_config_fetch_retries: "0",
        npm_config_update_notifier: "false",
        npm_config_cache: `${dir}/.npm-cache`,
      },
    });
    assert.notEqual(r.code, 0, r.output);
    const t = triageGate(gate(r.output, { exitCode: r.code }));
    assert.equal(t.class, "infrastructure", r.output);
    assert.equal(t.signature, "npm-network");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("triageGate leaves code failures as code", () => {
  const outputs = [
    "not ok 1 - adds\n  ---\n  error: 'Expected values to be strictly equal:\\n\\n3 !== 4\\n'\n",
    "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n",
    "FAILED tests/test_x.py::test_add - assert 3 == 4\n",
    // A test's own local server refusing: the code's business.
    "Error: connect ECONNREFUSED 127.0.0.1:3000\n    at TCPConnectWrap.afterConnect\n",
    "    ETIMEDOUT waiting for http://localhost:8080/health\n",
    // A lower-case unbound variable is a script bug.
    "./run.sh: line 4: count: unbound variable\n",
  ];
  for (const o of outputs) assert.equal(triageGate(gate(o)).class, "code", o);
});

Deno.test("triageGate treats a bare SIGKILL as the runner's, and a build OOM as code", () => {
  const killed = triageGate(gate("building...\n", { exitCode: 137 }));
  assert.equal(killed.class, "infrastructure");
  assert.equal(killed.signature, "runner-killed");
  const oom = triageGate(gate("Killed\n", { exitCode: 137, status: "oom" }));
  assert.equal(oom.class, "code");
});

Deno.test("triageGate recognises disk-full, rate-limit and runner-lost signatures", () => {
  const cases: [string, string][] = [
    ["npm error code ENOSPC\nnpm error syscall write\n", "disk-full"],
    ["cp: error writing 'out/a.bin': No space left on device\n", "disk-full"],
    ["Error: API rate limit exceeded for 10.0.0.1.\n", "rate-limit"],
    ["The runner has received a shutdown signal.\n", "runner-lost"],
    [
      "curl: (22) The requested URL returned error: 503 Service Unavailable\n",
      "download-network",
    ],
    ["urllib.error.HTTPError: HTTP Error 503: Service Unavailable\n", "service-unavailable"],
    [
      "npm ERR! code ETIMEDOUT\nnpm ERR! network request to https://registry.npmjs.org/x failed\n",
      "npm-network",
    ],
  ];
  for (const [o, sig] of cases) {
    const t = triageGate(gate(o));
    assert.equal(t.class, "infrastructure", o);
    assert.equal(t.signature, sig, o);
  }
});

Deno.test("TRIAGE_SIGNATURES ids are unique and each has advice", () => {
  const ids = TRIAGE_SIGNATURES.map((s) => s.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const s of TRIAGE_SIGNATURES) assert.ok(s.advice.length > 10, s.id);
});
