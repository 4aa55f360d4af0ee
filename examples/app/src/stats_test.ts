import assert from "node:assert/strict";
import { average, max } from "./stats.ts";
import { formatMiles } from "./format.ts";

Deno.test("average of three values", () => {
  assert.equal(average([2, 4, 6]), 4);
});

Deno.test("max of values", () => {
  assert.equal(max([3, 9, 1]), 9);
});

Deno.test("formatMiles keeps one decimal", () => {
  assert.equal(formatMiles(12.34), "12.3 mi");
});
