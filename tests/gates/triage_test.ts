import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../../core/exec.ts";
import type { GateResult } from "../../core/types.ts";
import {
  cleanForTriage,
  describeTriage,
  TRIAGE_SIGNATURES,
  triageGate,
} from "../../gates/triage.ts";

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

// Error shapes of tools this machine cannot run (their documented or
// commonly printed forms), one per signature family.
const DOCUMENTED: [string, string, string?][] = [
  ["ERROR: Please run 'az login' to setup account.\n", "configuration"],
  [
    "DefaultAzureCredential failed to retrieve a token from the included credentials.\n",
    "configuration",
  ],
  ["Error: Input required and not supplied: token\n", "configuration", "token"],
  [
    "gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable. Example:\n",
    "configuration",
    "GH_TOKEN",
  ],
  [
    "MissingEnvVarsError: The following variables were defined in .env.example but are not present in the environment:\n  STRIPE_SECRET\n",
    "configuration",
    "STRIPE_SECRET",
  ],
  [
    '│ Error: No value for required variable\n│ The root module input variable "db_password" is not set, and has no default value.\n',
    "configuration",
    "db_password",
  ],
  [
    "google.auth.exceptions.DefaultCredentialsError: Your default credentials were not found.\n",
    "configuration",
  ],
  [
    "Could not resolve all files for configuration ':app:debugCompileClasspath'.\n> Could not resolve com.squareup:okhttp:4.12.0.\n  > Could not GET 'https://repo.maven.apache.org/maven2/com/squareup/okhttp/4.12.0/okhttp-4.12.0.pom'.\n    > Connect to repo.maven.apache.org:443 [repo.maven.apache.org/151.101.0.215] failed: Connection refused\n",
    "infrastructure",
  ],
  [
    "➤ YN0001: │ RequestError: getaddrinfo ENOTFOUND registry.yarnpkg.com\n",
    "infrastructure",
  ],
  ["error: ConnectionRefused downloading package manifest left-pad\n", "infrastructure"],
  [
    "Could not fetch specs from https://rubygems.org/ due to underlying error <Net::OpenTimeout>\n",
    "infrastructure",
  ],
  [
    "  curl error 6 while downloading https://repo.packagist.org/packages.json: Could not resolve host: repo.packagist.org\n",
    "infrastructure",
  ],
  [
    "error NU1301: Unable to load the service index for source https://api.nuget.org/v3/index.json.\n",
    "infrastructure",
  ],
  [
    "Errors during downloading metadata for repository 'baseos':\n  - Curl error (6): Couldn't resolve host name for https://mirrors.fedoraproject.org/metalink\n",
    "infrastructure",
  ],
  [
    'ERROR: failed to solve: node:20: failed to resolve source metadata for docker.io/library/node:20: failed to do request: Head "https://registry-1.docker.io/v2/library/node/manifests/20": dial tcp: lookup registry-1.docker.io: no such host\n',
    "infrastructure",
  ],
  [
    "Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout\n",
    "infrastructure",
  ],
  [
    "error: failed to download `serde v1.0.200`\n\nCaused by:\n  [28] Timeout was reached (Operation timed out after 30000 milliseconds)\n",
    "infrastructure",
  ],
  [
    'go: github.com/pkg/errors@v0.9.1: Get "https://proxy.golang.org/github.com/pkg/errors/@v/v0.9.1.mod": read tcp 10.1.0.4:51234->142.250.1.1:443: read: connection reset by peer\n',
    "infrastructure",
  ],
];

for (const [output, cls, subject] of DOCUMENTED) {
  Deno.test(`triageGate: ${output.split("\n")[0]!.slice(0, 70)} is ${cls}`, () => {
    const t = triageGate(gate(output));
    assert.equal(t.class, cls, `${t.signature}`);
    if (subject) assert.equal(t.subject, subject);
  });
}

Deno.test("triageGate ignores network words in test names, assertions and diffs of code failures", () => {
  const outputs = [
    // jest: a failing test about a network error.
    "FAIL src/client.test.ts\n  ● client › retries on ETIMEDOUT\n\n    expect(received).toBe(expected)\n\n    Expected: 3\n    Received: 1\n",
    // mocha: test titles with rate limits and 503s.
    "  1) api\n       returns 503 Service Unavailable when the database is down:\n     AssertionError: expected 500 to equal 503\n",
    // pytest hitting its own server on loopback.
    "E   requests.exceptions.ConnectionError: HTTPConnectionPool(host='127.0.0.1', port=8000): Max retries exceeded with url: / (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))\nFAILED tests/test_api.py::test_health\n",
    // npm pack's notice with a size of 503 bytes.
    "npm notice package size: 503 B\nnpm error code E1\n",
    // A Go test named after a disk condition.
    "--- FAIL: TestNoSpaceLeftOnDeviceIsReported (0.00s)\n    disk_test.go:9: got nil, want No space left on device\nFAIL\n",
    // A test title naming a missing variable.
    "not ok 1 - fails with Missing required environment variable DATABASE_URL\n",
  ];
  for (const o of outputs) assert.equal(triageGate(gate(o)).class, "code", o);
});

Deno.test("triage reads through CI wrappers: timestamps, ANSI, GitLab sections, \\r progress", () => {
  const wrapped = "2026-12-04T09:00:00.1370000Z \x1b[31mnpm error code ECONNRESET\x1b[0m\n" +
    "section_start:1:step_script\r\x1b[0K$ curl -fsSL https://x.invalid/i.sh\n" +
    "progress 10%\rprogress 100%\rcurl: (6) Could not resolve host: x.invalid\n";
  assert.equal(cleanForTriage(wrapped).split("\n")[0], "npm error code ECONNRESET");
  assert.match(cleanForTriage(wrapped), /^curl: \(6\) Could not resolve host: x\.invalid$/m);
  const t = triageGate(gate(wrapped.split("\n").slice(1).join("\n")));
  assert.equal(t.signature, "download-network");
});

Deno.test("triageGate keeps a build's own OOM (Killed, heap limit) for recipes even when the status says failed", () => {
  for (
    const o of [
      "bash: line 1: 4242 Killed  node build.js\n",
      "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n",
    ]
  ) {
    assert.equal(triageGate(gate(o, { exitCode: 137 })).class, "code", o);
  }
  assert.equal(triageGate(gate("Compiling...\n", { exitCode: 137 })).signature, "runner-killed");
});
