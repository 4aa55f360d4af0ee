/**
 * Test helpers that look at live processes through /proc, so tests can prove
 * that no process outlived its run without starting `pgrep` (which would be
 * one more process to reason about).
 *
 * @module
 */

/**
 * Pids of live processes whose command line contains `marker`.
 *
 * @param marker A string unique to the test.
 * @returns The pids (zombies excluded).
 */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmdline = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ");
      if (!cmdline.includes(marker)) continue;
      const stat = Deno.readTextFileSync(`/proc/${e.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z") found.push(Number(e.name));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/**
 * Poll until no live process carries `marker`, for at most `limitMs`. The
 * bound is generous on purpose: a loaded machine may take seconds to reap a
 * killed tree, and a passing test returns as soon as the last one is gone.
 *
 * @param marker The marker.
 * @param limitMs Upper bound of the wait.
 * @returns The pids still alive at the end (empty when all are gone).
 */
export async function waitGone(marker: string, limitMs = 60_000): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  let left = processesWith(marker);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    left = processesWith(marker);
  }
  return left;
}

/**
 * Poll until a live process carries `marker`, for at most `limitMs`.
 *
 * @param marker The marker.
 * @param limitMs Upper bound of the wait.
 * @returns The pids found.
 * @throws {Error} When none appears in time.
 */
export async function waitFor(marker: string, limitMs = 60_000): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const found = processesWith(marker);
    if (found.length) return found;
    if (Date.now() > deadline) throw new Error(`No process with "${marker}" appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A marker for `sleep` that is unique to one test: a fractional number of
 * seconds no other test uses.
 *
 * @returns E.g. "301.73921".
 */
export function sleepMarker(): string {
  return `30${1 + Math.floor(Math.random() * 8)}.${
    String(Math.floor(Math.random() * 1e6)).padStart(6, "0")
  }`;
}

/**
 * Poll until a process runs `program` with `marker` among its arguments (not
 * merely a shell whose command line mentions it), for at most `limitMs`.
 *
 * @param program argv[0] of the process, e.g. "sleep".
 * @param marker A string unique to the test.
 * @param limitMs Upper bound of the wait.
 * @returns The pids found.
 * @throws {Error} When none appears in time.
 */
export async function waitForProgram(
  program: string,
  marker: string,
  limitMs = 60_000,
): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const found = processesWith(marker).filter((pid) => {
      try {
        const argv = Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0");
        return argv[0] === program && argv.includes(marker);
      } catch {
        return false;
      }
    });
    if (found.length) return found;
    if (Date.now() > deadline) throw new Error(`No "${program} ${marker}" process appeared`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The process group of a process.
 *
 * @param pid The process.
 * @returns Its process group id.
 */
export function processGroup(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}
