// The built-in policy is a floor set by whoever runs fleet-orch: a project
// policy file may add and tighten rules, and anything that lowers the floor
// fails closed at the offending key unless the caller allows it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors.ts";
import { ShellExecutor } from "../../core/exec.ts";
import { loadPolicy } from "../../policies/engine.ts";
import { builtinProtectionLifted, looseningAllowedByEnv } from "../../policies/loader.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function withPolicy<T>(text: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "policy-floor-" });
  const file = join(dir, "policy.yaml");
  await Deno.writeTextFile(file, text);
  try {
    return await fn(file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function refusal(file: string): Promise<ConfigError> {
  try {
    await loadPolicy({ file });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail("The policy file loaded although it lowers the floor");
}

Deno.test("policy floor refuses extends none at the key, saying how to allow it", async () => {
  await withPolicy("version: 1\nextends: none\n", async (file) => {
    const e = await refusal(file);
    assert.equal(e.problems.length, 1);
    assert.deepEqual([e.problems[0]!.file, e.problems[0]!.line, e.problems[0]!.col], [file, 2, 1]);
    assert.match(e.message, /extends: none/);
    assert.match(e.message, /--allow-policy-loosening/);
    assert.match(e.message, /FLEET_ORCH_ALLOW_POLICY_LOOSENING=1/);
  });
});

Deno.test("policy floor refuses disabling a built-in deny rule at the list item", async () => {
  await withPolicy("disable:\n  - tls.curl-insecure\n", async (file) => {
    const e = await refusal(file);
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[2, 5]]);
    assert.match(e.message, /tls\.curl-insecure.*built-in deny rule/);
  });
});

Deno.test("policy floor refuses weakening, switching off or rematching a built-in rule", async () => {
  const text = `rules:
  - id: tls.curl-insecure
    action: warn
  - id: path.protected
    enabled: false
  - id: cloud.az-delete
    match: { command: { program: nothing-at-all } }
`;
  await withPolicy(text, async (file) => {
    const e = await refusal(file);
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[3, 5], [5, 5], [7, 5]]);
    assert.match(e.problems[0]!.message, /from deny to warn/);
    assert.match(e.problems[1]!.message, /turns off a built-in deny rule/);
    assert.match(e.problems[2]!.message, /changes the match/);
  });
});

Deno.test("policy floor refuses workspaces from a project file", async () => {
  await withPolicy("workspaces: [/]\n", async (file) => {
    const e = await refusal(file);
    assert.equal(e.problems[0]!.line, 1);
    assert.match(e.message, /workspaces/);
  });
});

Deno.test("policy floor lets a project add rules, tighten built-ins and extend programs", async () => {
  const text = `programs: [frobnicate]
rules:
  - id: git.reset-hard
    action: deny
    message: Never here
  - id: team.no-publish
    category: release
    action: deny
    message: Publishing happens in the release pipeline
    match: { command: { program: npm, words: [publish] } }
`;
  await withPolicy(text, async (file) => {
    const e = await loadPolicy({ file });
    assert.equal(e.judgeCommand("git reset --hard").action, "deny");
    assert.equal(e.judgeCommand("npm publish").rule, "team.no-publish");
    assert.equal(e.judgeCommand("rm -rf /").allowed, false);
  });
});

Deno.test("policy floor can be lowered when the caller allows it", async () => {
  await withPolicy("extends: none\n", async (file) => {
    const e = await loadPolicy({ file, allowLoosening: true });
    assert.equal(e.judgeCommand("rm -rf /").allowed, true);
  });
});

Deno.test("policy floor permission comes from FLEET_ORCH_ALLOW_POLICY_LOOSENING", () => {
  const env = (v: string | undefined) => (n: string) =>
    n === "FLEET_ORCH_ALLOW_POLICY_LOOSENING" ? v : undefined;
  assert.equal(looseningAllowedByEnv(env("1")), true);
  assert.equal(looseningAllowedByEnv(env("true")), true);
  assert.equal(looseningAllowedByEnv(env("0")), false);
  assert.equal(looseningAllowedByEnv(env(undefined)), false);
});

Deno.test("policy floor knows which allow_paths globs lift a built-in protection", () => {
  // The root pipeline file matches both the root glob and the any-depth one.
  assert.deepEqual(
    builtinProtectionLifted("azure-pipelines.yml").sort(),
    ["**/azure-pipelines*.yml", "azure-pipelines*.yml"],
  );
  assert.ok(builtinProtectionLifted("**").includes(".github/**"));
  assert.ok(builtinProtectionLifted(".github/workflows/ci.yml").includes(".github/**"));
  assert.ok(builtinProtectionLifted("./Jenkinsfile").includes("Jenkinsfile"));
  assert.deepEqual(builtinProtectionLifted("docs/**"), []);
  assert.deepEqual(builtinProtectionLifted("src/app.ts"), []);
});

Deno.test("policy floor CLI exits 2 with FILE:LINE:COL and obeys the flag and the variable", async () => {
  await withPolicy("extends: none\n", async (file) => {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      exec.runArgv(["deno", "run", "-A", MAIN, "policy", ...args], {
        env: { NO_COLOR: "1", ...env },
      });
    const refused = await cli(["check-command", "--policy", file, "--", "rm -rf /"]);
    assert.equal(refused.code, 2, refused.output);
    assert.ok(refused.output.includes(`${file}:1:1`), refused.output);
    assert.match(refused.output, /--allow-policy-loosening/);
    const flagged = await cli([
      "check-command",
      "--policy",
      file,
      "--allow-policy-loosening",
      "--",
      "rm -rf /",
    ]);
    assert.equal(flagged.code, 0, flagged.output);
    const byEnv = await cli(["check-command", "--policy", file, "--", "rm -rf /"], {
      FLEET_ORCH_ALLOW_POLICY_LOOSENING: "1",
    });
    assert.equal(byEnv.code, 0, byEnv.output);
  });
});
