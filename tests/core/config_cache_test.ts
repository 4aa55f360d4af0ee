import assert from "node:assert/strict";
import { join } from "node:path";
import {
  digest,
  isPlainJson,
  readConfigCache,
  sourceFingerprint,
  writeConfigCache,
} from "../../core/config_cache.ts";
import { configCacheKey } from "../../orchestrator/gate_runtime.ts";

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-cfgcache-" }));
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const dirUrl = (dir: string) => new URL(`file://${dir}/`);

Deno.test("digest tells apart sequences that concatenate alike", async () => {
  assert.notEqual(await digest(["ab", "c"]), await digest(["a", "bc"]));
  assert.notEqual(await digest(["a"]), await digest(["a", ""]));
  assert.equal(await digest(["a", new TextEncoder().encode("b")]), await digest(["a", "b"]));
  assert.match(await digest([]), /^[0-9a-f]{64}$/);
});

Deno.test("sourceFingerprint changes when a source file changes, appears or goes", async () => {
  await withTempDir(async (dir) => {
    await Deno.mkdir(join(dir, "src", "deep"), { recursive: true });
    await Deno.writeTextFile(join(dir, "src", "a.ts"), "export const a = 1;\n");
    await Deno.writeTextFile(join(dir, "src", "deep", "b.ts"), "export const b = 1;\n");
    await Deno.writeTextFile(join(dir, "deno.json"), "{}\n");
    const sources = [new URL("src/", dirUrl(dir)), new URL("deno.json", dirUrl(dir))];
    const first = await sourceFingerprint(sources);
    assert.ok(first);
    assert.equal(await sourceFingerprint(sources), first, "stable");
    const seen = new Set([first]);
    const step = async (what: string, change: () => Promise<void>) => {
      await change();
      const now = await sourceFingerprint(sources);
      assert.ok(now && !seen.has(now), `${what}: the fingerprint did not change`);
      seen.add(now);
    };
    await step(
      "an edit deep down",
      () => Deno.writeTextFile(join(dir, "src", "deep", "b.ts"), "export const b = 2;\n"),
    );
    await step("a new file", () => Deno.writeTextFile(join(dir, "src", "c.ts"), ""));
    await step("a removed file", () => Deno.remove(join(dir, "src", "a.ts")));
    await step("the named file", () => Deno.writeTextFile(join(dir, "deno.json"), '{"x":1}\n'));
    await step("the named file gone", () => Deno.remove(join(dir, "deno.json")));
    // Not sources: other extensions under the folders.
    await Deno.writeTextFile(join(dir, "src", "notes.md"), "x");
    assert.ok(seen.has((await sourceFingerprint(sources))!));
  });
});

Deno.test("sourceFingerprint is null when a source folder cannot be read: no fingerprint, no cache", async () => {
  await withTempDir(async (dir) => {
    assert.equal(await sourceFingerprint([new URL("missing/", dirUrl(dir))]), null);
  });
});

Deno.test("configCacheKey depends on the code's fingerprint, the file's path and its bytes", async () => {
  const bytes = new TextEncoder().encode("quality_gates: {}\n");
  const base = await configCacheKey("/r/fleet-orch.yaml", bytes, "code-1");
  assert.equal(await configCacheKey("/r/fleet-orch.yaml", bytes, "code-1"), base);
  assert.notEqual(await configCacheKey("/r/fleet-orch.yaml", bytes, "code-2"), base);
  assert.notEqual(await configCacheKey("/s/fleet-orch.yaml", bytes, "code-1"), base);
  const other = new TextEncoder().encode("quality_gates: {} \n");
  assert.notEqual(await configCacheKey("/r/fleet-orch.yaml", other, "code-1"), base);
});

Deno.test("isPlainJson accepts only what JSON round-trips unchanged", () => {
  assert.equal(isPlainJson({ a: [1, "x", true, null, { b: 2.5 }] }), true);
  for (
    const bad of [
      { a: undefined },
      { a: NaN },
      { a: Infinity },
      { a: -0 },
      { a: new Date(0) },
      { a: new Map() },
      { a: /x/ },
      { a: () => 1 },
      { a: 1n },
      // deno-lint-ignore no-sparse-arrays
      [1, , 3],
      { [Symbol("s")]: 1 },
    ]
  ) {
    assert.equal(isPlainJson(bad), false, String(Object.values(bad)[0] ?? bad));
  }
});

Deno.test("config cache file: written whole, read back by its key only, refused when not plain JSON", async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, "cache", "config.json");
    assert.equal(await readConfigCache(file, "k1"), null, "no entry yet");
    assert.equal(await writeConfigCache(file, "k1", { a: { b: [1, 2] } }), true);
    assert.deepEqual(await readConfigCache(file, "k1"), { a: { b: [1, 2] } });
    // A config may hold literal values: the copy is readable by its owner only.
    assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
    assert.equal(await readConfigCache(file, "k2"), null, "another key");
    assert.equal(await writeConfigCache(file, "k2", { a: new Date(0) }), false);
    assert.deepEqual(await readConfigCache(file, "k1"), { a: { b: [1, 2] } }, "left as it was");
    // No temporary file left behind.
    assert.deepEqual([...Deno.readDirSync(join(dir, "cache"))].map((e) => e.name), [
      "config.json",
    ]);
  });
});
