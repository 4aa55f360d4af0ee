import assert from "node:assert/strict";
import { run } from "../../cli/verify.ts";
import { ShellExecutor, shellQuote } from "../../core/exec.ts";
import { startApp } from "./_app.ts";

async function withConfig(
  yaml: string,
  fn: (dir: string, io: ReturnType<typeof capture>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "verify-cli-" }));
  try {
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const init = await exec.runArgv(["git", "init", "-q", dir]);
    assert.equal(init.code, 0, init.output);
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

Deno.test("verify command exits 0 when every check passes and writes the report in .git", async () => {
  const app = startApp();
  try {
    await withConfig(config(app.url), async (dir, { io, out }) => {
      const code = await run(["--environment", "staging"], io);
      assert.equal(code, 0, out.stderr);
      assert.match(out.stdout, /PASS {2}health: /);
      assert.match(out.stdout, /Verified environment "staging": 2 passed, 0 failed/);
      const files = [...Deno.readDirSync(`${dir}/.git/fleet-orch/verification`)].map((e) => e.name);
      assert.equal(files.length, 1);
      assert.match(files[0] ?? "", /^verification_staging_\d{8}_\d{6}\.json$/);
    });
  } finally {
    await app.close();
  }
});

Deno.test("verify command with report.layout: seed writes logs/verification_*.json beside the config, as the seed did", async () => {
  const app = startApp();
  try {
    await withConfig(`${config(app.url)}report:\n  layout: seed\n`, async (dir, { io, out }) => {
      const code = await run(["--environment", "staging"], io);
      assert.equal(code, 0, out.stderr);
      const files = [...Deno.readDirSync(`${dir}/logs`)].map((e) => e.name);
      assert.equal(files.length, 1, files.join(", "));
      assert.match(files[0] ?? "", /^verification_staging_\d{8}_\d{6}\.json$/);
      assert.match(out.stderr, /Report: .*\/logs\/verification_staging_/);
    });
  } finally {
    await app.close();
  }
});

Deno.test("verify command exits 1 when a check fails and prints JSON with --json", async () => {
  const app = startApp();
  try {
    await withConfig(config(app.url), async (_dir, { io, out }) => {
      const code = await run(["-e", "broken", "--json", "--report-dir", "out"], io);
      assert.equal(code, 1, out.stderr);
      const doc = JSON.parse(out.stdout);
      assert.equal(doc.environment, "broken");
      assert.equal(doc.ok, false);
      assert.equal(doc.results[0].message, "Expected status 200, got 500");
      assert.match(doc.report, /\/out\/verification_broken_\d{8}_\d{6}\.json$/);
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
  await withConfig("{}\n", async (_dir, { io, out }) => {
    assert.equal(await run(["--environment", "staging", "--config", "nope.yaml"], io), 2);
    assert.match(out.stderr, /nope\.yaml/);
  });
});

Deno.test("verify command exits 2 for an unknown verifier plugin", async () => {
  const yaml = "deployment:\n  environments:\n    qa:\n      verifiers:\n        - uses: nosuch\n";
  await withConfig(yaml, async (_dir, { io, out }) => {
    assert.equal(await run(["--environment", "qa"], io), 2);
    assert.match(out.stderr, /Unknown verifier plugin "nosuch"; valid names: http/);
  });
});

Deno.test("verify command runs end to end as a subprocess of main.ts", async () => {
  const app = startApp();
  try {
    await withConfig(config(app.url), async (dir) => {
      const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
      const main = new URL("../../main.ts", import.meta.url).pathname;
      const ok = await exec.run(
        `${shellQuote(Deno.execPath())} run -A ${
          shellQuote(main)
        } verify -e staging --json 2>/dev/null`,
        {
          cwd: dir,
          timeoutMs: 60_000,
        },
      );
      assert.equal(ok.code, 0, ok.output);
      assert.equal(JSON.parse(ok.output).ok, true);
      const bad = await exec.run(
        `${shellQuote(Deno.execPath())} run -A ${shellQuote(main)} verify -e broken`,
        {
          cwd: dir,
          timeoutMs: 60_000,
        },
      );
      assert.equal(bad.code, 1, bad.output);
      assert.match(bad.output, /FAIL {2}health: /);
    });
  } finally {
    await app.close();
  }
});
