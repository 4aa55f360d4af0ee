import assert from "node:assert/strict";
import { ShellExecutor } from "../../core/exec.ts";
import type { GatePlugin } from "../../core/plugin.ts";
import { planGates } from "../../gates/plan.ts";
import { runGates } from "../../gates/runner.ts";
import { allowAll, inTempDir, step } from "./_helpers.ts";

const exec = allowAll();

// Each waits for a file the other creates: both pass only when they run at
// the same time. The timeout turns a serial run into a failure, not a hang.
const WAIT_FOR = (mine: string, theirs: string) =>
  `touch ${mine}; while [ ! -f ${theirs} ]; do sleep 0.02; done`;

Deno.test("runGates runs independent steps in parallel", async () => {
  await inTempDir(async (dir) => {
    const results = await runGates([
      step("a", WAIT_FOR("a.flag", "b.flag")),
      step("b", WAIT_FOR("b.flag", "a.flag")),
    ], { exec, repoRoot: dir, jobs: 2, view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["passed", "passed"]);
  });
});

Deno.test("runGates with jobs 1 runs one step at a time", async () => {
  await inTempDir(async (dir) => {
    const results = await runGates([
      step("a", WAIT_FOR("a.flag", "b.flag"), { timeoutMs: 1000 }),
      step("b", WAIT_FOR("b.flag", "a.flag")),
    ], { exec, repoRoot: dir, jobs: 1, view: "silent" });
    // a cannot see b.flag because b has not started: it times out; b then
    // finds a.flag and passes.
    assert.deepEqual(results.map((r) => r.status), ["timeout", "passed"]);
  });
});

Deno.test("runGates needs: a dependent starts after what it needs and sees its output", async () => {
  await inTempDir(async (dir) => {
    const results = await runGates([
      step("consume", 'test "$(cat made.txt)" = made', { needs: ["produce"] }),
      step("produce", "echo made > made.txt"),
    ], { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => [r.id, r.status]), [["consume", "passed"], [
      "produce",
      "passed",
    ]]);
  });
});

Deno.test("runGates seed gates stop at the first failure and skip the rest", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      quality_gates: {
        install: { command: "echo installing" },
        build: { command: "echo 'src/a.ts(3,7): error TS2322: Bad' && exit 2" },
        test: { command: "touch tested" },
      },
    });
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["passed", "failed", "skipped"]);
    assert.equal(results[1]!.exitCode, 2);
    assert.equal(results[1]!.failures[0]!.code, "TS2322");
    await assert.rejects(Deno.stat(`${dir}/tested`));
  });
});

Deno.test("runGates if: failure() runs only after a failure, always() runs regardless", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      steps: [
        { id: "build", run: "exit 1" },
        { id: "on_success", run: "true", needs: "build" },
        { id: "on_failure", run: "touch failure-ran", needs: "build", if: "failure()" },
        { id: "cleanup", run: "true", needs: "on_success", if: "always()" },
        { id: "ok", run: "true" },
        { id: "no_failure", run: "touch wrong", needs: "ok", if: "failure()" },
      ],
    });
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => [r.id, r.status]), [
      ["build", "failed"],
      ["on_success", "skipped"],
      ["on_failure", "passed"],
      ["cleanup", "passed"],
      ["ok", "passed"],
      ["no_failure", "skipped"],
    ]);
    await Deno.stat(`${dir}/failure-ran`);
    await assert.rejects(Deno.stat(`${dir}/wrong`));
  });
});

Deno.test("runGates continue-on-error lets dependents run and does not make the gate required", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      steps: [
        { id: "flaky", run: "exit 3", "continue-on-error": true },
        { id: "after", run: "true", needs: "flaky" },
      ],
    });
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["failed", "passed"]);
    assert.equal(results[0]!.required, false);
    assert.equal(results[1]!.required, true);
  });
});

Deno.test("runGates optional gate failure is reported with required false", async () => {
  const steps = planGates({ quality_gates: { audit: { command: "exit 1", required: false } } });
  const [r] = await runGates(steps, { exec, repoRoot: ".", view: "silent" });
  assert.equal(r!.status, "failed");
  assert.equal(r!.required, false);
});

Deno.test("runGates timeout kills the process tree and reports timeout", async () => {
  await inTempDir(async (dir) => {
    const [r] = await runGates([
      step("slow", "(sleep 30; touch survived) & sleep 30", { timeoutMs: 300 }),
    ], { exec, repoRoot: dir, view: "silent" });
    assert.equal(r!.status, "timeout");
    assert.equal(r!.exitCode, null);
    assert.ok(r!.durationMs < 10_000);
    assert.equal(r!.failures[0]!.tool, "timeout");
  });
});

Deno.test("runGates exit code 124 is a timeout", async () => {
  const [r] = await runGates([step("t", "exit 124")], { exec, repoRoot: ".", view: "silent" });
  assert.equal(r!.status, "timeout");
  assert.equal(r!.exitCode, 124);
});

Deno.test("runGates exit code 127 is command not found", async () => {
  const [r] = await runGates([step("nf", "definitely-not-a-command-4711 --version")], {
    exec,
    repoRoot: ".",
    view: "silent",
  });
  assert.equal(r!.status, "not-found");
  assert.equal(r!.exitCode, 127);
  assert.ok(r!.failures.length > 0);
});

Deno.test("runGates SIGKILL with Killed is out of memory", async () => {
  const [r] = await runGates([step("killed", "sh -c 'kill -9 $$'; exit $?")], {
    exec,
    repoRoot: ".",
    view: "silent",
  });
  assert.equal(r!.exitCode, 137);
  assert.equal(r!.status, "oom");
  assert.equal(r!.failures[0]!.tool, "oom");
});

Deno.test("runGates a real V8 heap exhaustion is out of memory", async () => {
  const cmd = `${Deno.execPath()} eval --v8-flags=--max-old-space-size=16 ` +
    `'const a = []; for (;;) a.push(new Array(100000).fill(1))'`;
  const [r] = await runGates([step("heap", cmd)], { exec, repoRoot: ".", view: "silent" });
  assert.equal(r!.status, "oom");
  assert.equal(r!.failures[0]!.code, "js-heap");
});

Deno.test("runGates a refused command is an error with the policy message", async () => {
  const strict = new ShellExecutor({
    judge: (c) =>
      c.includes("rm ")
        ? { allowed: false, rule: "no-rm", message: "rm is not allowed" }
        : { allowed: true, rule: null, message: "" },
  });
  const results = await runGates([step("danger", "rm -rf build"), step("fine", "true")], {
    exec: strict,
    repoRoot: ".",
    view: "silent",
  });
  assert.equal(results[0]!.status, "error");
  assert.equal(results[0]!.policyViolation, true);
  assert.match(results[0]!.output, /no-rm.*rm is not allowed/);
  assert.equal(results[1]!.status, "passed");
});

Deno.test("runGates writes the log to logDir (head and tail past 2 MB) and keeps only head and tail", async () => {
  await inTempDir(async (dir) => {
    const [r] = await runGates([step("big", "head -c 5000000 /dev/zero | tr '\\0' x; exit 1")], {
      exec,
      repoRoot: dir,
      logDir: `${dir}/logs`,
      view: "silent",
    });
    assert.equal(r!.logFile, `${dir}/logs/big.log`);
    // Past the executor's 2 MiB log limit: the first and last 1 MiB and a marker line.
    const size = (await Deno.stat(r!.logFile!)).size;
    assert.ok(size > 2 * 1024 * 1024 && size < 2 * 1024 * 1024 + 200, `log size ${size}`);
    assert.match(
      await Deno.readTextFile(r!.logFile!),
      /\[fleet-orch: 2902848 bytes of this log omitted/,
    );
    assert.ok(r!.output.length < 200_000);
  });
});

Deno.test("runGates env and working-directory reach the command", async () => {
  await inTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/web`);
    const [r] = await runGates(
      [step("where", 'test "$(basename "$PWD")" = web && test "$A$B" = 12', {
        cwd: "web",
        env: { B: "2" },
      })],
      { exec, repoRoot: dir, env: { A: "1", B: "x" }, view: "silent" },
    );
    assert.equal(r!.status, "passed", r!.output);
  });
});

Deno.test("runGates only runs the selected steps and what they need", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      quality_gates: { a: { command: "touch a" }, b: { command: "touch b" } },
      steps: [{ id: "c", run: "touch c" }],
    });
    const results = await runGates(steps, { exec, repoRoot: dir, only: ["b"], view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["passed", "passed", "skipped"]);
    await assert.rejects(Deno.stat(`${dir}/c`));
    await assert.rejects(
      runGates(steps, { exec, repoRoot: dir, only: ["zz"], view: "silent" }),
      /"zz"/,
    );
  });
});

Deno.test("runGates uses: runs a gate plugin through the resolver", async () => {
  const seen: string[] = [];
  const resolveGate = (uses: string, options: Record<string, unknown>): Promise<GatePlugin> => {
    seen.push(`${uses}:${JSON.stringify(options)}`);
    return Promise.resolve({
      run: ({ cwd }) =>
        Promise.resolve({
          ok: options.pass === true,
          output: `ran in ${cwd}\nerror: broken thing`,
        }),
    });
  };
  const steps = planGates({
    steps: [
      { id: "good", uses: "./gate.ts", with: { pass: true } },
      { id: "bad", uses: "./gate.ts", with: { pass: false } },
    ],
  });
  const results = await runGates(steps, { exec, repoRoot: "/tmp", resolveGate, view: "silent" });
  assert.deepEqual(results.map((r) => r.status), ["passed", "failed"]);
  assert.ok(results[1]!.failures.length > 0);
  assert.deepEqual(seen.sort(), ['./gate.ts:{"pass":false}', './gate.ts:{"pass":true}']);
});

Deno.test("runGates uses: a plugin that hangs past its timeout is a timeout", async () => {
  let release = () => {};
  const hang = new Promise<void>((r) => release = r);
  const resolveGate = (): Promise<GatePlugin> =>
    Promise.resolve({ run: () => hang.then(() => ({ ok: true, output: "" })) });
  const [r] = await runGates(
    [{ ...step("hang", ""), run: undefined, uses: "x", timeoutMs: 200 }] as never,
    {
      exec,
      repoRoot: ".",
      resolveGate,
      view: "silent",
    },
  );
  release();
  assert.equal(r!.status, "timeout");
});

Deno.test("runGates an abort signal stops the run and skips waiting steps", async () => {
  await inTempDir(async (dir) => {
    const controller = new AbortController();
    const steps = [
      step("first", "touch started; sleep 30"),
      step("second", "touch second", { needs: ["first"] }),
    ];
    const done = runGates(steps, {
      exec,
      repoRoot: dir,
      signal: controller.signal,
      view: "silent",
    });
    // Wait for the process itself to say it started, not for a duration.
    while (!(await Deno.stat(`${dir}/started`).then(() => true, () => false))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    controller.abort();
    const results = await done;
    assert.deepEqual(results.map((r) => r.status), ["error", "skipped"]);
  });
});
