/**
 * What a gate's command can see and reach: the allowlisted environment,
 * `env_passthrough`, and the sandbox with `network:` (real processes, real
 * bubblewrap, a real loopback server).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { parseConfig } from "../../core/config.ts";
import { planGates } from "../../gates/plan.ts";
import { runGates } from "../../gates/runner.ts";

const SECRETS = {
  GITHUB_TOKEN: "ghs_runnertest0123456789abcdefghijklm",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYRUNNERKEY",
  DATABASE_URL: "postgres://app:hunter2@db.internal/app",
  OPENAI_API_KEY: "sk-runner-test-model-key-0123456789",
};

function executor(mode: "auto" | "required" | "off" = "required"): ShellExecutor {
  return new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    parentEnv: { ...Deno.env.toObject(), ...SECRETS },
    hideEnv: ["OPENAI_API_KEY"],
    sandbox: { mode },
  });
}

/** Plan gates from config text, so the schema's keys are what is tested. */
function plan(yaml: string) {
  const { config } = parseConfig(yaml, "fleet-orch.yaml", { env: () => undefined });
  return planGates(config as Parameters<typeof planGates>[0]);
}

// "$$" keeps the config loader from interpolating the variables itself.
const PRINT = 'echo "[$${GITHUB_TOKEN:-}][$${AWS_SECRET_ACCESS_KEY:-}][$${DATABASE_URL:-}]"';

async function inDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ dir: "/var/tmp", prefix: "fo-rg-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runGates gives a gate none of the job's secrets by default", async () => {
  await inDir(async (dir) => {
    const steps = plan(`quality_gates:\n  show:\n    command: ${JSON.stringify(PRINT)}\n`);
    assert.equal(
      steps[0]!.run,
      'echo "[${GITHUB_TOKEN:-}][${AWS_SECRET_ACCESS_KEY:-}][${DATABASE_URL:-}]"',
    );
    const [r] = await runGates(steps, { exec: executor(), repoRoot: dir, view: "silent" });
    assert.equal(r!.status, "passed", r!.output);
    assert.equal(r!.output, "[][][]\n");
  });
});

Deno.test("runGates passes exactly the variables a gate names in env_passthrough", async () => {
  await inDir(async (dir) => {
    const steps = plan(
      `steps:\n  - id: show\n    run: ${
        JSON.stringify(PRINT)
      }\n    env_passthrough: [DATABASE_URL]\n`,
    );
    const [r] = await runGates(steps, { exec: executor(), repoRoot: dir, view: "silent" });
    assert.equal(r!.output, `[][][${SECRETS.DATABASE_URL}]\n`);
  });
});

Deno.test("runGates keeps a model key hidden even when a gate names it", async () => {
  await inDir(async (dir) => {
    const steps = plan(
      "quality_gates:\n  show:\n    command: 'echo \"[$${OPENAI_API_KEY:-}][$$CI][$$FOO]\"'\n" +
        "    env_passthrough: [OPENAI_API_KEY]\n    env: { FOO: declared }\n",
    );
    const [r] = await runGates(steps, { exec: executor(), repoRoot: dir, view: "silent" });
    assert.equal(r!.output, "[][true][declared]\n");
  });
});

Deno.test("runGates in the sandbox: worktree writable, outside read-only, network as declared", async () => {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("host-server"),
  );
  const probe = `exec 3<>/dev/tcp/127.0.0.1/${server.addr.port} && ` +
    `printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3`;
  try {
    await inDir(async (dir) => {
      const outside = await Deno.makeTempDir({ dir: "/var/tmp", prefix: "fo-rg-out-" });
      try {
        const steps = plan(
          [
            "steps:",
            "  - id: offline",
            `    run: ${JSON.stringify(probe)}`,
            "  - id: install",
            `    run: ${JSON.stringify(probe)}`,
            "    network: true",
            "  - id: write",
            `    run: ${JSON.stringify(`touch in-worktree && touch ${join(outside, "x")}`)}`,
          ].join("\n") + "\n",
        );
        const results = await runGates(steps, {
          exec: executor(),
          repoRoot: dir,
          view: "silent",
          sandbox: true,
        });
        const by = Object.fromEntries(results.map((r) => [r.id, r]));
        assert.equal(by.offline!.status, "failed", by.offline!.output);
        assert.doesNotMatch(by.offline!.output, /host-server/);
        assert.equal(by.install!.status, "passed", by.install!.output);
        assert.match(by.install!.output, /host-server/);
        assert.equal(by.write!.status, "failed");
        assert.match(by.write!.output, /Read-only file system/);
        assert.equal((await Deno.stat(join(dir, "in-worktree"))).isFile, true);
        assert.equal(await Deno.stat(join(outside, "x")).then(() => true, () => false), false);
      } finally {
        await Deno.remove(outside, { recursive: true });
      }
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("runGates reports a gate as an error when the sandbox is required and missing", async () => {
  await inDir(async (dir) => {
    const exec = new ShellExecutor({
      judge: () => ({ allowed: true, rule: null, message: "" }),
      sandbox: { mode: "required", bwrap: "/nonexistent/bwrap" },
    });
    const steps = plan(`quality_gates:\n  t:\n    command: "touch ran"\n`);
    const [r] = await runGates(steps, { exec, repoRoot: dir, view: "silent", sandbox: true });
    assert.equal(r!.status, "error");
    assert.match(r!.output, /safety\.sandbox is "required"/);
    assert.equal(await Deno.stat(join(dir, "ran")).then(() => true, () => false), false);
  });
});
