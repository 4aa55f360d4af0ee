import assert from "node:assert/strict";
import { join } from "node:path";
import { type CommandJudge, ShellExecutor, shellJoin, shellQuote } from "../../core/exec.ts";
import { PolicyViolation } from "../../core/errors.ts";
import {
  processesWith,
  processGroup,
  sleepMarker,
  waitFor,
  waitForProgram,
  waitGone,
} from "./_proc.ts";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("../fixtures/exec_child.ts", import.meta.url));

const allowAll: CommandJudge = () => ({ allowed: true, rule: null, message: "" });
const exec = new ShellExecutor({ judge: allowAll });

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-exec-test-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("ShellExecutor returns the exit code and merged output", async () => {
  const ok = await exec.run("echo out; echo err >&2");
  assert.equal(ok.code, 0);
  assert.equal(ok.output, "out\nerr\n");
  assert.equal(ok.bytes, 8);
  assert.equal(ok.truncated, false);
  assert.equal(ok.timedOut, false);
  assert.equal(ok.aborted, false);
  const failed = await exec.run("echo nope; exit 3");
  assert.equal(failed.code, 3);
  assert.equal(failed.output, "nope\n");
  assert.equal(failed.command, "echo nope; exit 3");
});

Deno.test("ShellExecutor reports death by signal as 128+N without supervisor noise", async () => {
  const r = await exec.run("echo before; kill -TERM $$");
  assert.equal(r.code, 143);
  assert.equal(r.output, "before\n");
});

Deno.test("ShellExecutor applies env and cwd per call over the executor's env", async () => {
  await withTempDir(async (dir) => {
    const ex = new ShellExecutor({ judge: allowAll, env: { BASE_VAR: "base", OVER: "base" } });
    const r = await ex.run('printf "%s|%s|%s|%s" "$BASE_VAR" "$OVER" "$CALL_VAR" "$PWD"', {
      cwd: dir,
      env: { OVER: "call", CALL_VAR: "only-here" },
    });
    assert.equal(r.output, `base|call|only-here|${await Deno.realPath(dir)}`);
    // The next call does not see the previous call's env.
    const again = await ex.run('printf "%s" "${CALL_VAR-unset}"');
    assert.equal(again.output, "unset");
  });
});

Deno.test("ShellExecutor feeds stdin to the command", async () => {
  const r = await exec.run("tr a-z A-Z; exit 4", { stdin: "hello\nworld\n" });
  assert.equal(r.code, 4);
  assert.equal(r.output, "HELLO\nWORLD\n");
  // Without stdin the command reads end-of-file at once instead of hanging.
  const none = await exec.run("cat; echo done");
  assert.equal(none.output, "done\n");
});

Deno.test("ShellExecutor streams output to onOutput as it arrives", async () => {
  let seen = "";
  const r = await exec.run("for i in 1 2 3; do echo line$i; done", {
    onOutput: (t) => (seen += t),
  });
  assert.equal(seen, "line1\nline2\nline3\n");
  assert.equal(r.output, seen);
});

Deno.test("ShellExecutor timeout kills the whole process tree", async () => {
  const a = sleepMarker();
  const b = sleepMarker();
  // A background grandchild that does not hold the output pipe, and a
  // nested shell: neither may survive the timeout.
  const r = await exec.run(`sleep ${a} >/dev/null 2>&1 & bash -c 'sleep ${b}'`, {
    timeoutMs: 300,
  });
  assert.equal(r.timedOut, true);
  assert.equal(r.aborted, false);
  assert.notEqual(r.code, 0);
  assert.deepEqual(await waitGone(a), [], `sleep ${a} survived the timeout`);
  assert.deepEqual(await waitGone(b), [], `sleep ${b} survived the timeout`);
});

Deno.test("ShellExecutor abort signal kills the process tree", async () => {
  const marker = sleepMarker();
  const ac = new AbortController();
  const run = exec.run(`echo started; sleep ${marker} >/dev/null & wait`, {
    signal: ac.signal,
    onOutput: (t) => {
      if (t.includes("started")) ac.abort();
    },
  });
  const r = await run;
  assert.equal(r.aborted, true);
  assert.equal(r.timedOut, false);
  assert.equal(r.output, "started\n");
  assert.deepEqual(await waitGone(marker), []);
});

Deno.test("ShellExecutor keeps head and tail of large output and, with full logs, logs it all", async () => {
  await withTempDir(async (dir) => {
    const logFile = join(dir, "big.log");
    const size = 50_000_000;
    const full = new ShellExecutor({ judge: allowAll, logLimitBytes: null });
    const r = await full.run(
      `echo START; head -c ${size} /dev/zero | tr '\\0' x; echo; echo END`,
      { logFile },
    );
    assert.equal(r.code, 0);
    const total = "START\n".length + size + "\nEND\n".length;
    assert.equal(r.bytes, total);
    assert.equal(r.truncated, true);
    assert.ok(r.output.startsWith("START\nxxxx"));
    assert.ok(r.output.endsWith("xxxx\nEND\n"));
    assert.match(r.output, /\[… \d+ bytes omitted; see the full log …\]/);
    // Default head 16 KiB + tail 64 KiB, plus the marker line.
    assert.ok(r.output.length < 16384 + 65536 + 100, `output kept ${r.output.length} chars`);
    assert.equal((await Deno.stat(logFile)).size, total);
    const log = await Deno.open(logFile);
    try {
      const first = new Uint8Array(10);
      await log.read(first);
      assert.equal(new TextDecoder().decode(first), "START\nxxxx");
    } finally {
      log.close();
    }
  });
});

Deno.test("ShellExecutor honours custom head and tail sizes", async () => {
  const r = await exec.run("seq 1 1000", { headBytes: 8, tailBytes: 9 });
  assert.equal(r.truncated, true);
  const omitted = r.bytes - 8 - 9;
  assert.equal(
    r.output,
    `1\n2\n3\n4\n\n[… ${omitted} bytes omitted; see the full log …]\n999\n1000\n`,
  );
});

Deno.test("ShellExecutor never starts a denied command", async () => {
  await withTempDir(async (dir) => {
    const marker = join(dir, "must-not-exist");
    const judged: string[] = [];
    const ex = new ShellExecutor({
      judge: (c) => {
        judged.push(c);
        return c.includes("touch")
          ? { allowed: false, rule: "no-touch", message: `"touch" is not allowed` }
          : { allowed: true, rule: null, message: "" };
      },
    });
    await assert.rejects(() => ex.run(`touch ${marker}`), (e: unknown) => {
      assert.ok(e instanceof PolicyViolation);
      assert.equal(e.rule, "no-touch");
      assert.equal(e.subject, `touch ${marker}`);
      assert.match(e.message, /^Command refused by policy \(no-touch\): "touch" is not allowed$/);
      return true;
    });
    await assert.rejects(() => ex.runArgv(["touch", marker]), PolicyViolation);
    assert.throws(() => ex.open(`touch ${marker}`), PolicyViolation);
    assert.equal(exists(marker), false);
    assert.deepEqual(judged, [`touch ${marker}`, `touch ${marker}`, `touch ${marker}`]);
    // The same executor still runs what the judge allows.
    assert.equal((await ex.run("echo fine")).output, "fine\n");
  });
});

Deno.test("ShellExecutor runArgv quotes words so the shell does not split or expand them", async () => {
  const judged: string[] = [];
  const ex = new ShellExecutor({
    judge: (c) => {
      judged.push(c);
      return { allowed: true, rule: null, message: "" };
    },
  });
  const words = ["a b", "$HOME", "it's", "*", ""];
  const r = await ex.runArgv(["printf", "[%s]", ...words]);
  assert.equal(r.output, "[a b][$HOME][it's][*][]");
  assert.equal(judged[0], shellJoin(["printf", "[%s]", ...words]));
});

Deno.test("shellQuote leaves plain words bare and quotes the rest", () => {
  assert.equal(shellQuote("deno"), "deno");
  assert.equal(shellQuote("--flag=a/b.c"), "--flag=a/b.c");
  assert.equal(shellQuote(""), "''");
  assert.equal(shellQuote("a b"), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellJoin(["echo", "$x", ";"]), "echo '$x' ';'");
});

Deno.test("ShellExecutor fails before starting when the log file cannot be opened", async () => {
  const marker = sleepMarker();
  await assert.rejects(
    () => exec.run(`sleep ${marker}`, { logFile: "/nonexistent-dir/fleet-orch/x.log" }),
    Deno.errors.NotFound,
  );
  assert.deepEqual(processesWith(marker), []);
});

Deno.test("ShellExecutor stops the command when the output callback throws", async () => {
  const marker = sleepMarker();
  await assert.rejects(
    () =>
      exec.run(`echo go; sleep ${marker}`, {
        onOutput: () => {
          throw new Error("Callback broke");
        },
      }),
    /Callback broke/,
  );
  assert.deepEqual(await waitGone(marker), []);
});

Deno.test("ShellExecutor open() talks to a long-lived process and kill() ends its tree", async () => {
  const marker = sleepMarker();
  const proc = exec.open(`sleep ${marker} >/dev/null & while read -r l; do echo "got $l"; done`);
  const writer = proc.stdin.getWriter();
  const reader = proc.stdout.getReader();
  await writer.write(new TextEncoder().encode("ping\n"));
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value), "got ping\n");
  await waitFor(marker);
  proc.kill();
  assert.equal(await proc.status, 143);
  reader.releaseLock();
  await proc.stdout.cancel();
  await proc.stderr.cancel();
  // The process is dead, so its stdin pipe may already be closed.
  await writer.close().catch(() => {});
  assert.deepEqual(await waitGone(marker), []);
});

Deno.test("ShellExecutor open() ends the tree when stdin reaches end-of-file", async () => {
  const marker = sleepMarker();
  const proc = exec.open(`sleep ${marker} >/dev/null & cat >/dev/null`);
  await waitFor(marker);
  await proc.stdin.close();
  assert.equal(await proc.status, 0);
  await proc.stdout.cancel();
  await proc.stderr.cancel();
  assert.deepEqual(await waitGone(marker), []);
});

for (const target of ["process", "process group"] as const) {
  Deno.test(`ShellExecutor command dies when its caller's ${target} is killed with SIGKILL`, async () => {
    const marker = sleepMarker();
    const running = exec.run(shellJoin([Deno.execPath(), "run", "-A", CHILD, marker]));
    try {
      await waitForProgram("sleep", marker);
      const caller = processesWith(marker).find((pid) =>
        Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0")[0] === Deno.execPath()
      );
      assert.ok(caller, "the deno process was not found");
      // A CI system cancelling a job kills the whole group at once: the
      // supervisor goes with it, the guard in its own group must not.
      Deno.kill(target === "process" ? caller : -processGroup(caller), "SIGKILL");
      assert.equal((await running).code, 137);
      assert.deepEqual(await waitGone(marker), [], `sleep ${marker} was orphaned`);
    } finally {
      for (const pid of processesWith(marker)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      // The run was killed on purpose; only its end matters here.
      await running.catch(() => {});
    }
  });
}
