/**
 * Every long-running command exits 130 on SIGINT and on SIGTERM, with real
 * signals sent to the real CLI process while it waits on a real subprocess
 * (a gate, a deploy step) or a real loopback server (a health check), and
 * leaves the repository as it was: same refs, same status, no worktree, no
 * lock, no process left behind.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { MAIN, makeRepo, refState, removeRepo } from "../e2e/_helpers.ts";
import { waitGone } from "../core/_proc.ts";

/** Poll for a file: the machine may be loaded, so the bound is generous. */
async function pollFor(path: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (await Deno.stat(path).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${path} never appeared`);
}

/** A command line that says it started, then waits for a file that never comes. */
function waiting(marks: string, tag: string): string {
  return `touch ${marks}/started; while [ ! -f ${marks}/never-${tag} ]; do sleep 0.05; done`;
}

function spawnCli(cwd: string, args: string[]): Deno.ChildProcess {
  const env = Deno.env.toObject();
  for (const n of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "GITHUB_ACTIONS", "TF_BUILD", "CI"]) {
    delete env[n];
  }
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    env: { ...env, NO_COLOR: "1" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(child: Deno.ChildProcess): Promise<{ code: number; output: string }> {
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

async function assertUntouched(repo: string, before: string): Promise<void> {
  assert.equal(await refState(repo), before, "refs, status and diff are as they were");
  const state = join(repo, ".git", "fleet-orch");
  const worktrees = await Array.fromAsync(Deno.readDir(join(state, "worktrees"))).catch(() => []);
  assert.deepEqual(worktrees, [], "no worktree is left");
  assert.equal(
    await Deno.stat(join(state, "run.lock")).then(() => true, () => false),
    false,
    "the lock is released",
  );
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

for (const sig of SIGNALS) {
  Deno.test(`signals check exits 130 on ${sig} while a gate runs, and kills the gate`, async () => {
    const marks = await Deno.realPath(await Deno.makeTempDir({ prefix: "fo-sig-check-" }));
    const tag = crypto.randomUUID();
    const repo = await makeRepo({
      "fleet-orch.yaml": `quality_gates:\n  wait:\n    command: ${
        JSON.stringify(waiting(marks, tag))
      }\n    timeout: 600\n`,
    });
    try {
      const before = await refState(repo);
      const child = spawnCli(repo, ["check"]);
      await pollFor(join(marks, "started"));
      child.kill(sig);
      const r = await finish(child);
      assert.equal(r.code, 130, r.output);
      assert.deepEqual(await waitGone(`never-${tag}`), [], "the gate's process is gone");
      await assertUntouched(repo, before);
    } finally {
      await removeRepo(repo);
      await Deno.remove(marks, { recursive: true });
    }
  });

  Deno.test(`signals run --environment exits 130 on ${sig} while deploying, and removes its branches`, async () => {
    const marks = await Deno.realPath(await Deno.makeTempDir({ prefix: "fo-sig-deploy-" }));
    const tag = crypto.randomUUID();
    const repo = await makeRepo({
      "fleet-orch.yaml": `agents:
  codex: { enabled: false }
  jules: { enabled: false }
  devops:
    deploy:
      staging:
        - ${JSON.stringify(waiting(marks, tag))}
quality_gates:
  ok:
    command: "true"
deployment:
  environments:
    staging: {}
`,
    });
    try {
      const before = await refState(repo);
      const child = spawnCli(repo, ["run", "--environment", "staging"]);
      await pollFor(join(marks, "started"));
      child.kill(sig);
      const r = await finish(child);
      assert.equal(r.code, 130, r.output);
      assert.deepEqual(await waitGone(`never-${tag}`), [], "the deploy step's process is gone");
      await assertUntouched(repo, before);
    } finally {
      await removeRepo(repo);
      await Deno.remove(marks, { recursive: true });
    }
  });

  for (const command of [["verify"], ["run", "--max-iterations", "1"]]) {
    Deno.test(`signals ${command[0]} --environment exits 130 on ${sig} while a health check waits for its answer`, async () => {
      let hit!: () => void;
      const asked = new Promise<void>((r) => (hit = r));
      const hold = new AbortController();
      // Answers nothing until the test ends: only the signal can end verify.
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () => {
          hit();
          return new Promise<Response>((resolve) =>
            hold.signal.addEventListener("abort", () => resolve(new Response("late")))
          );
        },
      );
      const repo = await makeRepo({
        "fleet-orch.yaml": `agents:
  codex: { enabled: false }
  jules: { enabled: false }
quality_gates:
  ok:
    command: "true"
deployment:
  environments:
    staging:
      health_endpoint: http://127.0.0.1:${server.addr.port}/health
      retries: 50
`,
      });
      try {
        const before = await refState(repo);
        const child = spawnCli(repo, [...command, "--environment", "staging"]);
        await asked;
        child.kill(sig);
        const r = await finish(child);
        assert.equal(r.code, 130, r.output);
        await assertUntouched(repo, before);
      } finally {
        hold.abort();
        await server.shutdown();
        await removeRepo(repo);
      }
    });
  }
}
