import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

Deno.test("cli error messages never print a secret a config value carried", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "err-redact-" }));
  try {
    await exec.run("git init -q", { cwd: dir });
    // A token interpolated into the wrong key: the type error quotes the value.
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      "agents:\n  orchestrator:\n    dry_run: ${MY_TOKEN}\n",
    );
    const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    const r = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "check"]), {
      cwd: dir,
      env: { MY_TOKEN: token, NO_COLOR: "1" },
    });
    assert.equal(r.code, 2);
    assert.match(r.output, /fleet-orch\.yaml:3:14: Expected boolean/);
    assert.ok(!r.output.includes(token), r.output);
    assert.match(r.output, /\[REDACTED:/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli verify errors pass redaction too (config errors, secret-named values)", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "err-redact-" }));
  try {
    await exec.run("git init -q", { cwd: dir });
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      "agents:\n  orchestrator:\n    dry_run: ${DEPLOY_PASSWORD}\n",
    );
    // No known token format: only its variable's name says it is secret.
    const secret = "zq8-Vx3m-PLAIN-pass-4471";
    const r = await exec.run(
      shellJoin([Deno.execPath(), "run", "-A", MAIN, "verify", "--environment", "staging"]),
      { cwd: dir, env: { DEPLOY_PASSWORD: secret, NO_COLOR: "1" } },
    );
    assert.equal(r.code, 2);
    assert.match(r.output, /fleet-orch\.yaml:3:14: Expected boolean/);
    assert.ok(!r.output.includes(secret.slice(2, 16)), r.output);
    assert.match(r.output, /\[REDACTED:env\.DEPLOY_PASSWORD\]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
