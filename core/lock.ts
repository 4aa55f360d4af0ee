/**
 * One run per repository: a lock file created atomically (O_EXCL) under
 * `.git/fleet-orch/`. A lock left by a dead process (killed run) is taken
 * over, with a message; a live owner makes the second run fail clearly.
 *
 * @module
 */

import { join } from "node:path";
import { LockBusyError } from "./errors.ts";

// cli/_common.ts and tests know LockBusyError from here; it lives in errors.ts.
export { LockBusyError };

/** What a lock file says about the run that holds it. */
export interface LockInfo {
  /** Process id of the holder. */
  pid: number;
  /** Start time of that process (from /proc), to tell a reused pid apart; null when unknown. */
  start: string | null;
  /** Host name of the holder. */
  host: string;
  /** The holder's command line. */
  command: string;
  /** When the lock was taken (ISO). */
  at: string;
}

/** A held lock. */
export interface RunLock {
  /** The lock file. */
  path: string;
  /** Set when a stale lock of a dead process was taken over. */
  tookOver: LockInfo | null;
  /** Give the lock back. */
  release(): Promise<void>;
}

// The process start time (field 22 of /proc/PID/stat) tells a live owner
// from an unrelated process that reused its pid.
function processStart(pid: number): string | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function alive(info: LockInfo): boolean {
  if (info.host !== Deno.hostname()) return true; // cannot tell: assume alive
  if (Deno.build.os === "linux") {
    const start = processStart(info.pid);
    if (start === null) return false;
    return info.start === null || info.start === start;
  }
  try {
    Deno.kill(info.pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

async function readLock(path: string): Promise<LockInfo | "missing" | "unreadable"> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return "missing";
  }
  try {
    return JSON.parse(text) as LockInfo;
  } catch {
    return "unreadable";
  }
}

async function ageMs(path: string): Promise<number> {
  const st = await Deno.stat(path).catch(() => null);
  return st?.mtime ? Date.now() - st.mtime.getTime() : 0;
}

// Locks this process holds, so an exit on a signal can give them back.
const held = new Map<string, string>();

/**
 * Give back every lock this process holds, synchronously: for an exit on
 * SIGINT/SIGTERM that cannot wait for the command to unwind.
 */
export function releaseHeldLocksSync(): void {
  for (const [path, at] of held) {
    try {
      const cur = JSON.parse(Deno.readTextFileSync(path)) as LockInfo;
      if (cur.pid === Deno.pid && cur.at === at) Deno.removeSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Take the run lock of a repository.
 *
 * @param dir fleet-orch's folder inside the git directory.
 * @param command What the run is, for the other run's message.
 * @returns The held lock.
 * @throws {LockBusyError} When a live run holds it.
 */
export async function acquireLock(dir: string, command: string): Promise<RunLock> {
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, "run.lock");
  const me: LockInfo = {
    pid: Deno.pid,
    start: processStart(Deno.pid),
    host: Deno.hostname(),
    command,
    at: new Date().toISOString(),
  };
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const f = await Deno.open(path, { write: true, createNew: true });
      await f.write(new TextEncoder().encode(JSON.stringify(me)));
      f.close();
      held.set(path, me.at);
      return {
        path,
        tookOver,
        release: async () => {
          held.delete(path);
          try {
            const cur = JSON.parse(await Deno.readTextFile(path)) as LockInfo;
            if (cur.pid === me.pid && cur.at === me.at) await Deno.remove(path);
          } catch {
            // already gone
          }
        },
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    const owner = await readLock(path);
    if (owner === "missing") continue;
    if (owner === "unreadable") {
      // Half-written by a process killed between create and write: stale
      // once it is old enough that no live writer can still be busy with it.
      if (await ageMs(path) < 5000) {
        await sleep(50);
        continue;
      }
    } else if (alive(owner)) {
      throw new LockBusyError(
        `Another fleet-orch run (pid ${owner.pid}, "${owner.command}", since ${owner.at}) holds the lock ${path}; wait for it to finish`,
        owner.pid,
      );
    }
    // Stale. Only the holder of the takeover file may remove it, so two runs
    // that both saw the stale lock cannot both win.
    const takeover = `${path}.takeover`;
    try {
      (await Deno.open(takeover, { write: true, createNew: true })).close();
    } catch {
      // A stale takeover marker of a dead run; another waiter may remove it
      // first, which is as good.
      if (await ageMs(takeover) > 10_000) await Deno.remove(takeover).catch(() => {});
      await sleep(50);
      continue;
    }
    try {
      const again = await readLock(path);
      const same = typeof owner === "string"
        ? again === "unreadable"
        : typeof again === "object" && again.pid === owner.pid && again.at === owner.at;
      if (same) {
        // Gone already is fine: the next loop's O_EXCL create decides.
        await Deno.remove(path).catch(() => {});
        tookOver = typeof owner === "object" ? owner : null;
      }
    } finally {
      // Best effort: a leftover marker ages out (see above) and must not hide
      // the error that brought us here.
      await Deno.remove(takeover).catch(() => {});
    }
  }
  throw new LockBusyError(`Could not take the lock ${path}; another run is starting`, 0);
}
