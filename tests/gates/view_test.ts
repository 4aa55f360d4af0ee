import assert from "node:assert/strict";
import { runGates } from "../../gates/runner.ts";
import { stripAnsi } from "../../core/text.ts";
import { ShellExecutor } from "../../core/exec.ts";
import { allowAll, step } from "./_helpers.ts";

const exec = allowAll();

Deno.test("runGates plain view prints one line per event and the tail of a failure", async () => {
  let text = "";
  await runGates([step("ok", "true"), step("bad", "echo first; echo 'the real cause'; exit 1")], {
    exec,
    repoRoot: ".",
    view: "plain",
    write: (t) => text += t,
  });
  assert.match(text, /\[gate\] ok: started \(true\)/);
  assert.match(text, /\[gate\] ok: passed in \d+\.\ds/);
  assert.match(text, /\[gate\] bad: failed \(exit 1\) in/);
  assert.match(text, / {4}\| the real cause/);
  assert.ok(!text.includes("\x1b["));
});

Deno.test("runGates tty view redraws with ANSI and shows the failing tail", async () => {
  let text = "";
  await runGates([step("ok", "true"), step("bad", "echo 'boom here'; exit 1")], {
    exec,
    repoRoot: ".",
    view: "tty",
    write: (t) => text += t,
  });
  assert.ok(text.includes("\x1b[2K"));
  const plain = stripAnsi(text);
  assert.match(plain, /✔ ok/);
  assert.match(plain, /│ boom here/);
});

Deno.test("createView tty view never colours when colour is off", async () => {
  const { createView } = await import("../../gates/view.ts");
  let text = "";
  const s = step("x", "true");
  const view = createView("tty", [s], { write: (t) => text += t, color: false, columns: 80 });
  view.started(s);
  view.finished({
    id: "x",
    name: "x",
    required: true,
    status: "failed",
    exitCode: 1,
    durationMs: 5,
    output: "oops",
    failures: [],
  });
  view.close();
  assert.match(text, /✘ x/);
  assert.ok(!/\[\d+m/.test(text.replaceAll("\x1b", "")));
});

/** A clock the test moves by hand: `advance` fires every timer that is due. */
function fakeClock() {
  let now = 0;
  const timers = new Set<{ ms: number; next: number; tick: () => void }>();
  return {
    now: () => now,
    every(ms: number, tick: () => void) {
      const t = { ms, next: now + ms, tick };
      timers.add(t);
      return () => void timers.delete(t);
    },
    advance(ms: number) {
      now += ms;
      for (const t of [...timers]) {
        while (timers.has(t) && t.next <= now) {
          t.next += t.ms;
          t.tick();
        }
      }
    },
    get active() {
      return timers.size;
    },
  };
}

const failed = (id: string) => ({
  id,
  name: id,
  required: true,
  status: "failed" as const,
  exitCode: 1,
  durationMs: 5,
  output: "oops",
  failures: [],
});

Deno.test("createView plain view prints a heartbeat per running gate every 30 s with the last line", async () => {
  const { createView } = await import("../../gates/view.ts");
  const clock = fakeClock();
  let text = "";
  const a = step("build", "make");
  const b = step("lint", "eslint .");
  const view = createView("plain", [a, b], { write: (t) => text += t, clock });
  view.started(a);
  clock.advance(10_000);
  view.started(b);
  view.output("build", "compiling 1/9\ncompiling 3/9\n\n");
  clock.advance(20_000);
  assert.match(text, /\[gate\] build: running for 30\.0s; last output: compiling 3\/9\n/);
  assert.ok(!text.includes("lint: running"), "lint has run 20 s only");
  clock.advance(10_000);
  assert.match(text, /\[gate\] lint: running for 30\.0s; no output yet\n/);
  view.finished(failed("lint"));
  clock.advance(20_000);
  assert.match(text, /build: running for 1m0s; last output: compiling 3\/9/);
  assert.equal(text.match(/lint: running/g)?.length, 1, "no beat after the gate ended");
  view.close();
  assert.equal(clock.active, 0, "close stops every timer");
});

Deno.test("createView plain view heartbeat off with heartbeatMs 0 and absent from the tty view", async () => {
  const { createView } = await import("../../gates/view.ts");
  const clock = fakeClock();
  let text = "";
  const s = step("x", "true");
  const plain = createView("plain", [s], { write: (t) => text += t, clock, heartbeatMs: 0 });
  plain.started(s);
  const tty = createView("tty", [s], { write: (t) => text += t, clock, color: false });
  tty.started(s);
  clock.advance(120_000);
  plain.close();
  tty.close();
  assert.equal(clock.active, 0);
  assert.ok(!text.includes("running for"));
});

Deno.test("runGates plain view heartbeat shows the running gate's last line, redacted", async () => {
  const dir = await Deno.makeTempDir();
  const fifo = `${dir}/release`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success);
  const clock = fakeClock();
  let text = "";
  const secret = "hb-secret-value-123456";
  const exec = new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    redact: (t) => t.replaceAll(secret, "[REDACTED]"),
  });
  const run = runGates(
    [step("slow", `echo 'compiling 3/9'; echo "token $TOK"; cat ${fifo}`, {
      env: { TOK: secret },
    })],
    {
      exec,
      repoRoot: ".",
      view: "plain",
      write: (t) => text += t,
      clock,
    },
  );
  // Let the gate's output arrive (yielding to the event loop, no timed
  // wait), then release it through the fifo.
  while (!text.includes("last output: token [REDACTED]")) {
    await new Promise((r) => setTimeout(r, 0));
    clock.advance(30_000);
  }
  const w = await Deno.open(fifo, { write: true });
  w.close();
  const [r] = await run;
  assert.equal(r!.status, "passed");
  assert.match(
    text,
    /\[gate\] slow: running for \d+m?\d+(\.\d)?s; last output: token \[REDACTED\]\n/,
  );
  assert.ok(!text.includes(secret));
  assert.equal(clock.active, 0);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runGates plain and tty views redact a secret the config put in the command line", async () => {
  // Config interpolation puts the value of ${VAR} into the command line the
  // views print; the executor's redactor must reach that line too.
  const secret = "cmd-secret-value-987654";
  const exec = new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    redact: (t) => t.replaceAll(secret, "[REDACTED]"),
  });
  for (const view of ["plain", "tty"] as const) {
    let text = "";
    const clock = fakeClock();
    const [r] = await runGates([step("deploy", `true --token ${secret}`)], {
      exec,
      repoRoot: ".",
      view,
      write: (t) => text += t,
      clock,
    });
    assert.equal(r!.status, "passed");
    // The tty view shows the command only while it runs (between redraws).
    if (view === "plain") assert.match(text, /started \(true --token \[REDACTED\]\)/);
    assert.ok(!text.includes(secret), `${view} view printed the secret: ${text}`);
  }
});
