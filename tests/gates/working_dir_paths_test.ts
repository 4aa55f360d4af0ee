import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { planGates } from "../../gates/plan.ts";
import { runGates } from "../../gates/runner.ts";

Deno.test("runGates reports failure paths of a working-directory step relative to the repository root", async () => {
  const root = await Deno.makeTempDir({ prefix: "gates-wd-" });
  try {
    await Deno.mkdir(join(root, "web", "src"), { recursive: true });
    const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
    const steps = planGates({
      steps: [{
        id: "tsc",
        "working-directory": "web",
        run:
          "echo \"src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\"; exit 2",
      }],
    });
    const [r] = await runGates(steps, { exec, repoRoot: root, view: "silent" });
    assert.equal(r!.status, "failed");
    assert.equal(r!.cwd, "web");
    const f = r!.failures[0]!;
    assert.equal(f.file, "web/src/app.ts");
    assert.equal(f.line, 3);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
