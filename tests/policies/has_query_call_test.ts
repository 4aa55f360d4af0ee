import assert from "node:assert/strict";
import { hasQueryCall, queryCalls } from "../../policies/sql.ts";

// The streaming diff scan finishes a code file's section early when none
// of its added lines has a query call: hasQueryCall on a line must answer
// exactly what queryCalls on the lines joined with "\n" finds on that line.

Deno.test("hasQueryCall on each line equals queryCalls of the joined text", () => {
  let seed = 5;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const pieces = [
    "db.query(",
    "query",
    "(",
    " ",
    "\t",
    "execute",
    "executemany (",
    "myquery(",
    "x",
    "ry(",
    "que",
    "text(",
    "unsafe",
    "Raw(",
    '"SELECT 1"',
    ")",
    ";",
    "$queryRawUnsafe(",
    "prepare\t(",
    "script",
  ];
  let lines = 0;
  let calls = 0;
  for (let round = 0; round < 400; round++) {
    const text = Array.from(
      { length: 1 + rnd(12) },
      () => Array.from({ length: rnd(6) }, () => pieces[rnd(pieces.length)]!).join(""),
    ).join("\n");
    const found = queryCalls(text);
    let start = 0;
    for (const line of text.split("\n")) {
      const end = start + line.length;
      const want = found.some((p) => p >= start && p < end);
      assert.equal(hasQueryCall(line), want, `${JSON.stringify(line)} in ${JSON.stringify(text)}`);
      if (want) calls++;
      lines++;
      start = end + 1;
    }
  }
  assert.ok(lines > 1000 && calls > 200, `${lines} lines, ${calls} with calls`);
});
