import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { Git } from "../../core/git.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

Deno.test("Git statusEntries lists renames with their source and odd names unquoted", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-status-" }));
  try {
    const git = new Git(exec, dir, (n) => ({ GIT_AUTHOR_NAME: "t" } as Record<string, string>)[n]);
    await git.run(["init", "-q", "-b", "main"]);
    await Deno.writeTextFile(join(dir, "old name.txt"), "same content for the rename\n");
    await git.commitAll("init");
    await git.run(["mv", "old name.txt", "new\u00e4.txt"]);
    await Deno.mkdir(join(dir, "d"));
    await Deno.writeTextFile(join(dir, "d", "tab\there.txt"), "x\n");
    const entries = await git.statusEntries();
    assert.deepEqual(entries, [
      { code: "R ", path: "new\u00e4.txt", from: "old name.txt" },
      { code: "??", path: "d/tab\there.txt" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
