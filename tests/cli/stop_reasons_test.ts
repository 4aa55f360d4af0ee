/**
 * The stop reasons a run can end with are one list in four places: the
 * `StopReason` union in report/types.ts (read from its source text, so a
 * member added there and nowhere else fails here), the README's stop-reason
 * table and exit-code table, and the exit-code tables of `fleet-orch --help`
 * and `fleet-orch run --help`. Each place gives every reason the exit code
 * the code maps it to (EXIT_BY_REASON).
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { EXIT_BY_REASON } from "../../orchestrator/loop.ts";
import { STOP_REASONS } from "../../report/types.ts";
import { exec, MAIN } from "../e2e/_helpers.ts";
import { shellJoin } from "../../core/exec.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/** The members of `export type StopReason = | "a" | "b" ...;` as written in the source. */
async function unionFromSource(): Promise<string[]> {
  const src = await Deno.readTextFile(root("report/types.ts"));
  const m = src.match(/export type StopReason\s*=([^;]*);/);
  assert.ok(m, "report/types.ts declares the StopReason union");
  const members = [...m[1]!.matchAll(/"([a-z_]+)"/g)].map((x) => x[1]!);
  assert.ok(members.length >= 10, `read ${members.length} members`);
  return members;
}

/** Reason -> exit code from the README's stop-reason table (`| \`name\` | exit | when |`). */
async function readmeTable(): Promise<Map<string, number>> {
  const readme = await Deno.readTextFile(root("README.md"));
  const rows = new Map<string, number>();
  for (const m of readme.matchAll(/^\s*\|\s*`([a-z_]+)`\s*\|\s*(\d+)\s*\|/gm)) {
    assert.ok(!rows.has(m[1]!), `"${m[1]}" is listed twice in the README's stop-reason table`);
    rows.set(m[1]!, Number(m[2]));
  }
  return rows;
}

/**
 * Reason -> exit code from an exit-code table whose rows start with the
 * code and name stop reasons (in backticks in the README, bare in --help).
 */
function exitTable(text: string, known: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  let code: number | null = null;
  for (const line of text.split("\n")) {
    const row = line.match(/^\s*\|?\s*(0|1|2|3|130)\s+(?:\|\s*)?(.*)$/);
    if (row) code = Number(row[1]);
    else if (!/^\s{4,}\S/.test(line)) code = code !== null && line.trim() === "" ? code : null;
    if (code === null) continue;
    const words = (row ? row[2]! : line).match(/[a-z]+(?:_[a-z]+)*/g) ?? [];
    for (const w of words) {
      if (!known.includes(w)) continue;
      // "success" also appears in prose ("success: green"); the first code wins.
      if (!found.has(w)) found.set(w, code);
    }
  }
  return found;
}

async function help(...args: string[]): Promise<string> {
  const r = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, ...args]), {
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.output);
  return r.output;
}

Deno.test("stop reasons: the union in the code, STOP_REASONS and EXIT_BY_REASON are the same set", async () => {
  const union = await unionFromSource();
  assert.deepEqual([...STOP_REASONS].sort(), [...union].sort());
  assert.deepEqual(Object.keys(EXIT_BY_REASON).sort(), [...union].sort());
});

Deno.test("stop reasons: the README's table lists every one, with its exit code, and nothing else", async () => {
  const union = await unionFromSource();
  const table = await readmeTable();
  assert.deepEqual([...table.keys()].sort(), [...union].sort());
  for (const r of union) assert.equal(table.get(r), EXIT_BY_REASON[r as never], r);
});

Deno.test("stop reasons: the exit-code tables of the README, --help and run --help name every one under its code", async () => {
  const union = await unionFromSource();
  const expected = new Map(union.map((r) => [r, EXIT_BY_REASON[r as never] as number]));
  const readme = await Deno.readTextFile(root("README.md"));
  const start = readme.indexOf("One exit-code table holds for every command");
  assert.ok(start >= 0, "the README has its exit-code table");
  const readmeExit = readme.slice(start, readme.indexOf("\n\n", readme.indexOf("| 130", start)));
  for (
    const [where, text] of [
      ["README exit-code table", readmeExit],
      ["fleet-orch --help", await help("--help")],
      ["fleet-orch run --help", await help("run", "--help")],
    ] as const
  ) {
    const found = exitTable(text, union);
    assert.deepEqual(
      [...union].filter((r) => !found.has(r)),
      [],
      `${where} leaves out these stop reasons`,
    );
    for (const [r, code] of expected) assert.equal(found.get(r), code, `${where}: ${r}`);
  }
});
