import assert from "node:assert/strict";
import { runGates } from "../../gates/runner.ts";
import { isDependencyManifest, isInstallLike } from "../../gates/inputs.ts";
import { allowAll, inTempDir, step } from "./_helpers.ts";

const exec = allowAll();

Deno.test("runGates reuse keeps an earlier result of a needed step instead of running it", async () => {
  await inTempDir(async (dir) => {
    const steps = [
      step("install", "echo x >> installs.txt"),
      step("test", "test -f installs.txt", { needs: ["install"] }),
    ];
    const first = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(first.map((r) => r.status), ["passed", "passed"]);
    const again = await runGates(steps, {
      exec,
      repoRoot: dir,
      view: "silent",
      only: ["test"],
      reuse: new Map([["install", first[0]!]]),
    });
    assert.equal(again[0], first[0], "the reused result is the same object");
    assert.equal(again[1]!.status, "passed");
    assert.equal(await Deno.readTextFile(`${dir}/installs.txt`), "x\n", "install ran once");
  });
});

Deno.test("isInstallLike tells dependency installs from other commands", () => {
  for (
    const c of [
      "npm ci",
      "npm install --no-audit",
      "pip install -r requirements.txt",
      "bundle install",
      "yarn",
      "go mod download",
    ]
  ) {
    assert.equal(isInstallLike({ run: c }), true, c);
  }
  for (const c of ["npm test", "npm install left-pad", "yarn build", "go test ./...", "make"]) {
    assert.equal(isInstallLike({ run: c }), false, c);
  }
});

Deno.test("isDependencyManifest recognises manifests and lockfiles only", () => {
  for (
    const p of [
      "package.json",
      "web/package-lock.json",
      "requirements-dev.txt",
      "go.sum",
      "Cargo.lock",
      "pyproject.toml",
    ]
  ) {
    assert.equal(isDependencyManifest(p), true, p);
  }
  for (const p of ["src/package.ts", "README.md", "src/math.js", "lockfile.md"]) {
    assert.equal(isDependencyManifest(p), false, p);
  }
});
