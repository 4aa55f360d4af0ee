import assert from "node:assert/strict";
import { run } from "../../cli/verify.ts";
import { startApp } from "./_app.ts";

async function withConfig(
  yaml: string,
  fn: (dir: string, io: ReturnType<typeof capture>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/fleet-orch.yaml`, yaml);
    await fn(dir, capture(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function capture(cwd: string) {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
      fetch,
      cwd,
    },
  };
}

function config(url: string): string {
  return `deployment:
  environments:
    staging:
      health_endpoint: "${url}/health"
      retries: 0
      verification_endpoints:
        - url: "${url}/body"
          expected_status: 200
          expect_body_contains: "fleet"
    broken:
      health_endpoint: "${url}/fail"
      retries: 0
`;
}

Deno.test("verify command exits 0 when every check passes and writes the report", async () => {
  const app = startApp();
  try {
    await withConfig(config(app.url), async (dir, { io, out }) => {
      const code = await run(["--environment", "staging", "--report-dir", "reports"], io);
      assert.equal(code, 0, out.stderr);
      assert.match(out.stdout, /PASS {2}health: /);
      assert.match(out.stdout, /Verified environment "staging": 2 passed, 0 failed/);
      const files = [...Deno.readDirSync(`${dir}/reports`)].map((e) => e.name);
      assert.equal(files.length, 1);
      assert.match(files[0] ?? "", /^verification_staging_\d{8}_\d{6}\.json$/);
    });
  } finally {
    await app.close();
  }
});

Deno.test("verify command exits 1 when a check fails and prints JSON with --json", async () => {
  const app = startApp();
  try {
    await withConfig(config(app.url), async (_dir, { io, out }) => {
      const code = await run(["-e", "broken", "--json"], io);
      assert.equal(code, 1, out.stderr);
      const doc = JSON.parse(out.stdout);
      assert.equal(doc.environment, "broken");
      assert.equal(doc.ok, false);
      assert.equal(doc.results[0].message, "Expected status 200, got 500");
      assert.equal(doc.report, null);
      assert.match(out.stderr, /FAIL {2}health: /);
    });
  } finally {
    await app.close();
  }
});

Deno.test("verify command exits 2 for an unknown environment and lists the valid ones", async () => {
  await withConfig(config("http://127.0.0.1:9"), async (_dir, { io, out }) => {
    assert.equal(await run(["--environment", "prod"], io), 2);
    assert.match(out.stderr, /Unknown environment "prod" .*valid environments: staging, broken/);
  });
});

Deno.test("verify command exits 2 without --environment", async () => {
  await withConfig(config("http://127.0.0.1:9"), async (_dir, { io, out }) => {
    assert.equal(await run([], io), 2);
    assert.match(out.stderr, /--environment is required/);
  });
});

Deno.test("verify command exits 2 for an invalid config file", async () => {
  await withConfig(
    "deployment:\n  environments:\n    staging:\n      health_endpoint: [1\n",
    async (_dir, { io, out }) => {
      assert.equal(await run(["--environment", "staging"], io), 2);
      assert.match(out.stderr, /fleet-orch\.yaml:\d+:\d+/);
    },
  );
});

Deno.test("verify command exits 2 for a missing config file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { io, out } = capture(dir);
    assert.equal(await run(["--environment", "staging", "--config", "nope.yaml"], io), 2);
    assert.match(out.stderr, /nope\.yaml/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
