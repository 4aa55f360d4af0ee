import assert from "node:assert/strict";
import { reverse } from "../../policies/content_flags.ts";

// The encoded-secret check reverses every candidate; the fast path (typed
// array, chunks of 8192 units) must give what reversing by code points gives.

const byCodePoints = (s: string) => [...s].reverse().join("");

Deno.test("reverse equals reversing by code points", () => {
  let seed = 11;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const alphabets = [
    "abcXYZ019+/=_-",
    "abc\u00e9\u4e2d\u0416",
    "ab\u{1F600}\u{1F4A9}c", // surrogate pairs
    "a\uD800b\uDC00c", // lone surrogates
  ];
  for (const alphabet of alphabets) {
    const units = [...alphabet];
    for (const len of [0, 1, 2, 7, 8191, 8192, 8193, 20_000]) {
      const s = Array.from({ length: len }, () => units[rnd(units.length)]!).join("");
      assert.equal(
        reverse(s),
        byCodePoints(s),
        `alphabet ${JSON.stringify(alphabet)} length ${len}`,
      );
    }
  }
  assert.equal(reverse("ghp_abc"), "cba_phg");
  // ASCII past the kept buffer (grown, then a buffer of its own past 1 MiB), then short again.
  for (const len of [9000, 70_000, (1 << 20) + 5, 3]) {
    const s = Array.from({ length: len }, (_, i) => String.fromCharCode(33 + (i * 7) % 90)).join(
      "",
    );
    assert.equal(reverse(s), byCodePoints(s), `ASCII length ${len}`);
  }
});
