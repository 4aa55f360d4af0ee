import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { ShellExecutor } from "../../core/exec.ts";
import { runCheck } from "../../orchestrator/check.ts";

const allow = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function repoWith(config: string): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "check-policy-" }));
  await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), config);
  const r = await allow.run(
    "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

Deno.test("check sends every gate command through the policy engine before it starts", async () => {
  const dir = await repoWith(`quality_gates:
  ok:
    command: "echo fine"
  wipe:
    command: "touch marker-started && rm -rf /"
    needs: []
`);
  try {
    const result = await runCheck({ repo: dir, view: "silent" });
    const wipe = result.gates.find((g) => g.id === "wipe")!;
    assert.equal(wipe.status, "error");
    assert.equal(result.policyViolation, true);
    assert.match(wipe.output, /polic/i);
    // Denied as a whole: not even the harmless first half ran.
    assert.equal(existsSync(join(dir, "marker-started")), false);
    assert.equal(result.gates.find((g) => g.id === "ok")!.status, "passed");
    assert.equal(result.ok, false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check honours the seed's forbidden_commands as parsed patterns", async () => {
  const dir = await repoWith(`quality_gates:
  deploy:
    command: "npm  publish --tag next"
safety:
  forbidden_commands:
    - "npm publish"
`);
  try {
    const result = await runCheck({ repo: dir, view: "silent" });
    assert.equal(result.gates[0]!.status, "error");
    assert.equal(result.policyViolation, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("check passes when every required gate passes and writes logs under .git", async () => {
  const dir = await repoWith(`quality_gates:
  hello:
    command: "echo hello-from-gate"
`);
  try {
    const result = await runCheck({ repo: dir, view: "silent" });
    assert.equal(result.ok, true);
    assert.ok(result.runDir.startsWith(join(dir, ".git", "fleet-orch", "runs")), result.runDir);
    const log = await Deno.readTextFile(join(result.runDir, "logs", "hello.log"));
    assert.match(log, /hello-from-gate/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
