import assert from "node:assert/strict";
import { join } from "node:path";
import { applyPatch } from "../../patch/patch.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-patch-test-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return dir;
}

async function read(dir: string, path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(join(dir, path));
  } catch {
    return null;
  }
}

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

const SRC = "export function add(a, b) {\n  return a - b;\n}\n";
const FIX = "--- a/src/math.js\n+++ b/src/math.js\n@@ -1,3 +1,3 @@\n " +
  "export function add(a, b) {\n-  return a - b;\n+  return a + b;\n }\n";

Deno.test("applyPatch writes a modified file and reports hunk placements", async () => {
  const dir = await tree({ "src/math.js": SRC });
  const r = await applyPatch(FIX, { cwd: dir });
  assert.deepEqual(r, {
    ok: true,
    files: [{
      path: "src/math.js",
      status: "modified",
      hunks: [{ index: 1, strategy: "exact", line: 1 }],
    }],
  });
  assert.equal(await read(dir, "src/math.js"), SRC.replace("a - b", "a + b"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch with check writes nothing", async () => {
  const dir = await tree({ "src/math.js": SRC });
  const r = await applyPatch(FIX, { cwd: dir, check: true });
  assert.equal(r.ok, true);
  assert.equal(await read(dir, "src/math.js"), SRC);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch creates a new file in a new directory", async () => {
  const dir = await tree({});
  const r = await applyPatch(
    "Add a helper:\n```diff\n--- /dev/null\n+++ b/lib/util/helper.ts\n@@ -0,0 +1,2 @@\n+export const x = 1;\n+export const y = 2;\n```\n",
    { cwd: dir },
  );
  assert.equal(r.ok, true, r.error);
  assert.equal(r.files[0]!.status, "created");
  assert.equal(await read(dir, "lib/util/helper.ts"), "export const x = 1;\nexport const y = 2;\n");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch deletes a file whose content matches", async () => {
  const dir = await tree({ "old.txt": "a\nb\n" });
  const r = await applyPatch(
    "diff --git a/old.txt b/old.txt\ndeleted file mode 100644\n--- a/old.txt\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n",
    { cwd: dir },
  );
  assert.equal(r.ok, true, r.error);
  assert.equal(r.files[0]!.status, "deleted");
  assert.equal(await read(dir, "old.txt"), null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch accepts paths without a/ b/ prefixes", async () => {
  const dir = await tree({ "src/math.js": SRC });
  const r = await applyPatch(FIX.replaceAll("a/src", "src").replaceAll("b/src", "src"), {
    cwd: dir,
  });
  assert.equal(r.ok, true, r.error);
  assert.equal(await read(dir, "src/math.js"), SRC.replace("a - b", "a + b"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch keeps a CRLF file CRLF", async () => {
  const dir = await tree({ "src/math.js": SRC.replaceAll("\n", "\r\n") });
  const r = await applyPatch(FIX, { cwd: dir });
  assert.equal(r.ok, true, r.error);
  assert.equal(
    await read(dir, "src/math.js"),
    SRC.replace("a - b", "a + b").replaceAll("\n", "\r\n"),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch writes no file when a hunk of another file fails", async () => {
  const dir = await tree({ "src/math.js": SRC, "b.txt": "one\ntwo\n" });
  const bad = "--- a/b.txt\n+++ b/b.txt\n@@ -1,2 +1,2 @@\n one\n-three\n+3\n";
  const r = await applyPatch(FIX + bad, { cwd: dir });
  assert.equal(r.ok, false);
  assert.deepEqual(r.files, []);
  assert.match(r.error!, /^File "b\.txt": hunk 1 \(@@ -1,2 \+1,2 @@, starting " one", "-three"\)/);
  assert.match(r.error!, /its removed line "three" is not in the file/);
  assert.equal(await read(dir, "src/math.js"), SRC);
  assert.deepEqual(await listing(join(dir, "src")), ["math.js"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch refuses paths that leave the working directory", async () => {
  const outside = await tree({ "secret.txt": "x\n" });
  const dir = await tree({ "in.txt": "x\n" });
  await Deno.symlink(outside, join(dir, "link"));
  const cases: [string, RegExp][] = [
    ["../secret.txt", /leaves the repository/],
    [`${outside}/secret.txt`, /absolute path/],
    ["link/secret.txt", /resolves outside the working directory/],
    [".git/config", /inside a \.git directory/],
    ["src/../../secret.txt", /leaves the repository/],
    ["sub/.GIT/hooks/pre-commit", /inside a \.git directory/],
    ['"\\056git/config"', /inside a \.git directory/],
  ];
  for (const [path, why] of cases) {
    const r = await applyPatch(`--- ${path}\n+++ ${path}\n@@ @@\n-x\n+y\n`, { cwd: dir });
    assert.equal(r.ok, false, path);
    assert.match(r.error!, why, path);
  }
  assert.equal(await read(outside, "secret.txt"), "x\n");
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(outside, { recursive: true });
});

Deno.test("applyPatch refuses to create a file that exists and to modify one that does not", async () => {
  const dir = await tree({ "here.txt": "a\n" });
  const create = await applyPatch("--- /dev/null\n+++ b/here.txt\n@@ -0,0 +1 @@\n+b\n", {
    cwd: dir,
  });
  assert.match(
    create.error!,
    /File "here\.txt": the patch creates the file, but it already exists/,
  );
  const modify = await applyPatch("--- a/gone.txt\n+++ b/gone.txt\n@@ @@\n-a\n+b\n", { cwd: dir });
  assert.match(modify.error!, /File "gone\.txt": the file does not exist/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("applyPatch says when the input holds no diff", async () => {
  const dir = await tree({});
  const r = await applyPatch("I am not sure what to change.", { cwd: dir });
  assert.deepEqual(r, { ok: false, files: [], error: "No unified diff found in the input" });
  await Deno.remove(dir, { recursive: true });
});
