import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin, shellQuote } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const NPM_TIMEOUT = fileURLToPath(
  new URL("../fixtures/triage/npm_network_timeout.txt", import.meta.url),
);

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

/** Start `check` as a subprocess, stdout and stderr to files. */
function startCheck(repo: string, out: string, args: string[]): Promise<Cli> {
  const line = `${
    shellJoin([Deno.execPath(), "run", "-A", MAIN, "check", "--repo", repo, ...args])
  } >${shellQuote(join(out, "stdout"))} 2>${shellQuote(join(out, "stderr"))}`;
  return exec.run(line, { cwd: repo, timeoutMs: 600_000, env: { NO_COLOR: "1" } }).then(
    async (r) => ({
      code: r.code,
      stdout: await Deno.readTextFile(join(out, "stdout")),
      stderr: await Deno.readTextFile(join(out, "stderr")) + r.output,
    }),
  );
}

async function makeRepo(config: string): Promise<{ repo: string; out: string }> {
  const repo = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-check-" }));
  const out = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-check-out-" }));
  await Deno.writeTextFile(join(repo, "fleet-orch.yaml"), config);
  await Deno.writeTextFile(join(repo, "README.md"), "x\n");
  const r = await exec.run(
    "git init -q -b main && git add -A && git -c user.name=t -c user.email=t@example.invalid commit -q -m init",
    { cwd: repo },
  );
  assert.equal(r.code, 0, r.output);
  return { repo, out };
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

async function pollFor(what: string, test: () => Promise<boolean>): Promise<void> {
  // Generous bound; returns as soon as the condition holds.
  for (let i = 0; i < 6000; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: never happened`);
}

async function alive(pid: number): Promise<boolean> {
  const r = await exec.run(`kill -0 ${pid} 2>/dev/null`);
  return r.code === 0;
}

const snapshot = (repo: string) =>
  exec.run("git for-each-ref --format='%(refname) %(objectname)' && git status --porcelain", {
    cwd: repo,
  }).then((r) => r.output);

Deno.test("check on SIGINT kills the running gate, skips the rest, writes what ran and exits 130", async () => {
  const { repo, out } = await makeRepo("");
  const marks = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-check-marks-" }));
  try {
    await Deno.writeTextFile(
      join(repo, "fleet-orch.yaml"),
      `quality_gates:
  quick:
    command: echo quick done
  wait:
    command: "echo $$$$ > ${marks}/pid; echo waiting; touch ${marks}/started; while [ ! -f ${marks}/never ]; do sleep 0.05; done"
    timeout: 600
    needs: [quick]
  after:
    command: echo never runs
    needs: [wait]
`,
    );
    await exec.run(
      "git add -A && git -c user.name=t -c user.email=t@example.invalid commit -q -m cfg",
      {
        cwd: repo,
      },
    );
    const before = await snapshot(repo);
    const child = startCheck(repo, out, ["--json"]);
    await pollFor("the gate started", () => exists(join(marks, "started")));
    const lock = join(repo, ".git", "fleet-orch", "run.lock");
    const checkPid = (JSON.parse(await Deno.readTextFile(lock)) as { pid: number }).pid;
    const gatePid = Number((await Deno.readTextFile(join(marks, "pid"))).trim());
    assert.ok(await alive(gatePid));
    Deno.kill(checkPid, "SIGINT");
    const r = await child;
    assert.equal(r.code, 130, r.stderr);
    // The gate was killed, not left running.
    await pollFor("the gate process died", async () => !(await alive(gatePid)));
    assert.equal(await exists(lock), false, "the lock is released");
    assert.equal(await snapshot(repo), before, "refs and working tree as they were");
    // What ran is written: on stdout (--json) and in the run folder.
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.interrupted, true);
    assert.equal(doc.ok, false);
    const byId = new Map(doc.gates.map((g: { id: string }) => [g.id, g]));
    assert.equal((byId.get("quick") as { status: string }).status, "passed");
    assert.equal((byId.get("wait") as { status: string }).status, "error");
    assert.equal((byId.get("after") as { status: string }).status, "skipped");
    const saved = JSON.parse(await Deno.readTextFile(join(doc.runDir, "check.json")));
    assert.deepEqual(saved.gates.map((g: { status: string }) => g.status), [
      "passed",
      "error",
      "skipped",
    ]);
    assert.match(await Deno.readTextFile(join(doc.runDir, "logs", "wait.log")), /waiting/);
    assert.match(r.stderr, /Interrupted: running gates were stopped/);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
    await Deno.remove(marks, { recursive: true });
  }
});

Deno.test("check removes run folders past report.retention, keeps the new one and other folders", async () => {
  const { repo, out } = await makeRepo(
    "report:\n  retention: {days: 30, max_mb: 500}\nquality_gates:\n  ok:\n    command: echo ok\n",
  );
  try {
    const runs = join(repo, ".git", "fleet-orch", "runs");
    const old = ["20200101_000000-aaaa", "20200102_000000-bbbb"];
    for (const name of [...old, "notes"]) {
      await Deno.mkdir(join(runs, name, "logs"), { recursive: true });
      await Deno.writeTextFile(join(runs, name, "logs", "x.log"), "old\n");
    }
    const r = await startCheck(repo, out, ["--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    for (const name of old) assert.equal(await exists(join(runs, name)), false, name);
    assert.ok(await exists(join(runs, "notes")), "a folder not named like a run stays");
    assert.ok(await exists(join(doc.runDir, "check.json")), "the new run folder stays");
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("check labels a registry timeout as infrastructure in its output and JSON, a bug as code", async () => {
  const { repo, out } = await makeRepo(
    `quality_gates:
  install:
    command: ${shellQuote(`cat ${NPM_TIMEOUT}; exit 1`)}
`,
  );
  try {
    const r = await startCheck(repo, out, ["--json"]);
    assert.equal(r.code, 1, r.stderr);
    const infra = JSON.parse(r.stdout).gates[0].triage as Record<string, string>;
    assert.equal(infra.class, "infrastructure");
    assert.equal(infra.signature, "npm-network");
    assert.match(infra.evidence!, /npm error/);
    assert.match(infra.advice!, /re-run/);
    assert.match(
      r.stderr,
      /Gate "install": npm could not reach the package registry.*\(infrastructure: not a code failure\)/,
    );
    // A plain bug is a code failure; a passing gate has no triage.
    await Deno.writeTextFile(
      join(repo, "fleet-orch.yaml"),
      `quality_gates:
  lint:
    command: echo clean
  test:
    command: "echo 'Error: expected 2, got 3'; exit 1"
`,
    );
    const code = await startCheck(repo, out, ["--json"]);
    assert.equal(code.code, 1, code.stderr);
    const gates = JSON.parse(code.stdout).gates as {
      id: string;
      triage: { class: string } | null;
    }[];
    assert.deepEqual(gates.map((g) => [g.id, g.triage?.class ?? null]), [["lint", null], [
      "test",
      "code",
    ]]);
    assert.doesNotMatch(code.stderr, /not a code failure/);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("check reads the seed's config.yaml when fleet-orch.yaml is absent and it validates", async () => {
  const { repo, out } = await makeRepo("");
  try {
    await Deno.remove(join(repo, "fleet-orch.yaml"));
    await Deno.writeTextFile(
      join(repo, "config.yaml"),
      "quality_gates:\n  seeded:\n    command: echo from the seed\n",
    );
    const r = await startCheck(repo, out, ["--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).gates.map((g: { id: string }) => g.id), ["seeded"]);
    // Another tool's config.yaml is not fleet-orch's: the default file is asked for.
    await Deno.writeTextFile(join(repo, "config.yaml"), "port: 8080\n");
    const other = await startCheck(repo, out, []);
    assert.equal(other.code, 2, other.stderr);
    assert.match(other.stderr, /fleet-orch\.yaml/);
    // fleet-orch.yaml wins when both exist.
    await Deno.writeTextFile(
      join(repo, "config.yaml"),
      "quality_gates:\n  seeded:\n    command: echo from the seed\n",
    );
    await Deno.writeTextFile(
      join(repo, "fleet-orch.yaml"),
      "quality_gates:\n  own:\n    command: echo own\n",
    );
    const own = await startCheck(repo, out, ["--json"]);
    assert.deepEqual(JSON.parse(own.stdout).gates.map((g: { id: string }) => g.id), ["own"]);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});
