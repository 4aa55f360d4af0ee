import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { acquireLock, LockBusyError } from "../../core/lock.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HOLDER = fileURLToPath(new URL("../fixtures/lock_holder.ts", import.meta.url));

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-lock-test-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const r = await exec.run("echo $$");
  return Number(r.output.trim());
}

function lockInfo(pid: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    pid,
    start: null,
    host: Deno.hostname(),
    command: "old run",
    at: "2026-01-01T00:00:00.000Z",
    ...extra,
  });
}

Deno.test("acquireLock lets one of two concurrent acquisitions win", async () => {
  await withTempDir(async (dir) => {
    const results = await Promise.allSettled([
      acquireLock(dir, "first"),
      acquireLock(dir, "second"),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    const reason = (lost[0] as PromiseRejectedResult).reason;
    assert.ok(reason instanceof LockBusyError);
    assert.equal(reason.pid, Deno.pid);
    assert.match(
      reason.message,
      /^Another fleet-orch run \(pid \d+, "(first|second)", since .*\) holds the lock .*run\.lock; wait for it to finish$/,
    );
    const lock = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value;
    assert.equal(lock.path, join(dir, "run.lock"));
    assert.equal(lock.tookOver, null);
    await lock.release();
    // Released: the next run gets it.
    const next = await acquireLock(dir, "third");
    await next.release();
  });
});

Deno.test("acquireLock takes over the stale lock of a dead process", async () => {
  await withTempDir(async (dir) => {
    const pid = await deadPid();
    await Deno.writeTextFile(join(dir, "run.lock"), lockInfo(pid));
    const lock = await acquireLock(dir, "new run");
    assert.equal(lock.tookOver?.pid, pid);
    assert.equal(lock.tookOver?.command, "old run");
    const now = JSON.parse(await Deno.readTextFile(lock.path));
    assert.equal(now.pid, Deno.pid);
    assert.equal(now.command, "new run");
    await lock.release();
    await assert.rejects(() => Deno.stat(lock.path), Deno.errors.NotFound);
  });
});

Deno.test("acquireLock takes over a lock whose pid was reused by another process", async () => {
  await withTempDir(async (dir) => {
    // Our own pid, but a start time that is not ours: the owner is gone and
    // the pid now belongs to someone else.
    await Deno.writeTextFile(join(dir, "run.lock"), lockInfo(Deno.pid, { start: "1" }));
    const lock = await acquireLock(dir, "new run");
    assert.equal(lock.tookOver?.pid, Deno.pid);
    await lock.release();
  });
});

Deno.test("acquireLock refuses a lock held on another host", async () => {
  await withTempDir(async (dir) => {
    const pid = await deadPid();
    await Deno.writeTextFile(join(dir, "run.lock"), lockInfo(pid, { host: "elsewhere.invalid" }));
    await assert.rejects(() => acquireLock(dir, "new run"), LockBusyError);
  });
});

Deno.test("acquireLock takes over an old half-written lock file", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "run.lock");
    await Deno.writeTextFile(path, '{"pid": 12');
    const old = new Date(Date.now() - 60_000);
    await Deno.utime(path, old, old);
    const lock = await acquireLock(dir, "new run");
    assert.equal(lock.tookOver, null);
    assert.equal(JSON.parse(await Deno.readTextFile(path)).command, "new run");
    await lock.release();
  });
});

Deno.test("acquireLock release leaves another run's lock alone", async () => {
  await withTempDir(async (dir) => {
    const lock = await acquireLock(dir, "mine");
    const other = lockInfo(Deno.pid, { at: "2030-01-01T00:00:00.000Z" });
    await Deno.writeTextFile(lock.path, other);
    await lock.release();
    assert.equal(await Deno.readTextFile(lock.path), other);
  });
});

Deno.test("acquireLock lets only one of two processes hold the lock", async () => {
  await withTempDir(async (dir) => {
    const lockDir = join(dir, "state");
    const release = join(dir, "release");
    const cmd = shellJoin([Deno.execPath(), "run", "-A", HOLDER, lockDir, release]);
    const a = exec.run(cmd, { cwd: ROOT, timeoutMs: 60_000 });
    const b = exec.run(cmd, { cwd: ROOT, timeoutMs: 60_000 });
    // The holder waits for the release file, so the first to finish is the
    // one that was refused.
    const first = await Promise.race([a, b]);
    assert.equal(first.code, 3, first.output);
    assert.match(first.output, /^BUSY \d+ Another fleet-orch run \(pid \d+, "holder \d+"/);
    await Deno.writeTextFile(release, "");
    const [ra, rb] = await Promise.all([a, b]);
    const holder = ra === first ? rb : ra;
    assert.equal(holder.code, 0, holder.output);
    assert.match(holder.output, /^LOCKED (\d+)\nRELEASED\n$/);
    const holderPid = holder.output.match(/^LOCKED (\d+)/)![1];
    assert.equal(first.output.split(" ")[1], holderPid);
    // Released by the holder: this process can take it now.
    const lock = await acquireLock(lockDir, "after");
    assert.equal(lock.tookOver, null);
    await lock.release();
  });
});

Deno.test("acquireLock lets a new process take over from a killed one", async () => {
  await withTempDir(async (dir) => {
    const lockDir = join(dir, "state");
    const release = join(dir, "release");
    const cmd = shellJoin([Deno.execPath(), "run", "-A", HOLDER, lockDir, release]);
    const ac = new AbortController();
    const held = exec.run(cmd, {
      cwd: ROOT,
      signal: ac.signal,
      onOutput: (t) => {
        if (t.includes("LOCKED")) ac.abort();
      },
    });
    const killed = await held;
    assert.equal(killed.aborted, true);
    const pid = Number(killed.output.match(/^LOCKED (\d+)/)![1]);
    // The killed holder never released: its lock file is still there.
    assert.equal(JSON.parse(await Deno.readTextFile(join(lockDir, "run.lock"))).pid, pid);
    const lock = await acquireLock(lockDir, "after");
    assert.equal(lock.tookOver?.pid, pid);
    await lock.release();
  });
});
