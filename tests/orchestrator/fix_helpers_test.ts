import assert from "node:assert/strict";
import { join } from "node:path";
import { readInside } from "../../orchestrator/fix.ts";

Deno.test("readInside reads workspace files and nothing outside it", async () => {
  const outside = await Deno.makeTempDir({ prefix: "outside-" });
  const dir = await Deno.makeTempDir({ prefix: "workspace-" });
  try {
    await Deno.writeTextFile(join(outside, "secret.txt"), "not for models");
    await Deno.mkdir(join(dir, "src"));
    await Deno.writeTextFile(join(dir, "src", "a.ts"), "export const a = 1;\n");
    await Deno.symlink(join(outside, "secret.txt"), join(dir, "src", "link.txt"));
    assert.equal(await readInside(dir, "src/a.ts"), "export const a = 1;\n");
    assert.equal(await readInside(dir, "../" + outside.split("/").pop() + "/secret.txt"), null);
    assert.equal(await readInside(dir, join(outside, "secret.txt")), null);
    assert.equal(await readInside(dir, "src/link.txt"), null);
    assert.equal(await readInside(dir, "src/missing.ts"), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("baseBranch uses the checked-out branch, else the branch CI names", async () => {
  const { baseBranch } = await import("../../orchestrator/publish.ts");
  const git = (branch: string | null) => ({ branch: () => Promise.resolve(branch) }) as never;
  assert.equal(
    await baseBranch({ git: git("develop"), env: { GITHUB_BASE_REF: "main" } }),
    "develop",
  );
  assert.equal(
    await baseBranch({ git: git(null), env: { GITHUB_BASE_REF: "release/2" } }),
    "release/2",
  );
  assert.equal(
    await baseBranch({
      git: git(null),
      env: { BUILD_SOURCEBRANCH: "refs/heads/stage-a/requirements-inception" },
    }),
    "stage-a/requirements-inception",
  );
  assert.equal(await baseBranch({ git: git(null), env: {} }), "main");
});
