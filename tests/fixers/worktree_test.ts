import assert from "node:assert/strict";
import { join } from "node:path";
import { captureChanges } from "../../plugins/fixers/_worktree.ts";
import { gitApply, readTree, tempRepo, writeFiles } from "./_helpers.ts";

Deno.test("captureChanges returns new, modified and deleted files and restores the worktree", async () => {
  await using repo = await tempRepo({
    "a.txt": "one\n",
    "b.txt": "two\n",
    "keep/c.txt": "three\n",
  });
  const before = await readTree(repo.dir);
  const changes = await captureChanges(repo.exec, repo.dir, async () => {
    await Deno.writeTextFile(join(repo.dir, "a.txt"), "ONE\n");
    await Deno.remove(join(repo.dir, "b.txt"));
    await writeFiles(repo.dir, { "new/deep/d.txt": "four\n" });
  });
  assert.deepEqual(changes.files.sort(), ["a.txt", "b.txt", "new/deep/d.txt"]);
  assert.match(changes.diff, /^-one\n\+ONE$/m);
  assert.match(changes.diff, /new file mode 100644/);
  assert.match(changes.diff, /deleted file mode 100644/);
  assert.deepEqual(await readTree(repo.dir), before);
  assert.equal(await repo.git("status", "--porcelain", "--untracked-files=all"), "");
  await gitApply(repo, changes.diff);
  const after = await readTree(repo.dir);
  assert.equal(after.get("a.txt"), "ONE\n");
  assert.equal(after.has("b.txt"), false);
  assert.equal(after.get("new/deep/d.txt"), "four\n");
});

Deno.test("captureChanges leaves earlier uncommitted work and the index out of the diff", async () => {
  await using repo = await tempRepo({ "a.txt": "one\n", "b.txt": "two\n" });
  await Deno.writeTextFile(join(repo.dir, "a.txt"), "staged\n");
  await repo.git("add", "a.txt");
  await Deno.writeTextFile(join(repo.dir, "a.txt"), "staged and edited\n");
  await writeFiles(repo.dir, { "untracked.txt": "mine\n" });
  const before = await readTree(repo.dir);
  const statusBefore = await repo.git("status", "--porcelain");
  const changes = await captureChanges(repo.exec, repo.dir, async () => {
    await Deno.writeTextFile(join(repo.dir, "b.txt"), "TWO\n");
    await Deno.writeTextFile(join(repo.dir, "untracked.txt"), "changed\n");
  });
  assert.deepEqual(changes.files.sort(), ["b.txt", "untracked.txt"]);
  assert.doesNotMatch(changes.diff, /staged/);
  assert.match(changes.diff, /^-mine\n\+changed$/m);
  assert.deepEqual(await readTree(repo.dir), before);
  assert.equal(await repo.git("status", "--porcelain"), statusBefore);
  assert.equal(await repo.git("show", ":a.txt"), "staged\n");
});

Deno.test("captureChanges restores the worktree when the edit throws", async () => {
  await using repo = await tempRepo({ "a.txt": "one\n" });
  const before = await readTree(repo.dir);
  await assert.rejects(
    captureChanges(repo.exec, repo.dir, async () => {
      await Deno.writeTextFile(join(repo.dir, "a.txt"), "half-written");
      await writeFiles(repo.dir, { "tmp/x.txt": "x" });
      throw new RangeError("Tool crashed");
    }),
    RangeError,
  );
  assert.deepEqual(await readTree(repo.dir), before);
});

Deno.test("captureChanges returns an empty diff when nothing changed", async () => {
  await using repo = await tempRepo({ "a.txt": "one\n" });
  const changes = await captureChanges(repo.exec, repo.dir, () => Promise.resolve());
  assert.deepEqual(changes, { diff: "", files: [] });
});

Deno.test("captureChanges ignores files matched by .gitignore", async () => {
  await using repo = await tempRepo({ ".gitignore": "cache/\n", "a.txt": "one\n" });
  const changes = await captureChanges(repo.exec, repo.dir, async () => {
    await writeFiles(repo.dir, { "cache/tool.json": "{}" });
  });
  assert.equal(changes.diff, "");
});

Deno.test("captureChanges refuses a directory outside any git worktree", async () => {
  await using repo = await tempRepo({});
  const outside = await Deno.makeTempDir();
  try {
    await assert.rejects(
      captureChanges(repo.exec, outside, () => Promise.resolve()),
      /is not inside a git worktree/,
    );
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});
