import assert from "node:assert/strict";
import { ShellExecutor } from "../../core/exec.ts";
import { sandboxCheck } from "../../cli/doctor.ts";
import { sandboxFix } from "../../core/sandbox.ts";

const allow = () => ({ allowed: true, rule: null, message: "" });

Deno.test("doctor sandbox check passes where bubblewrap works", async () => {
  const c = await sandboxCheck(new ShellExecutor({ judge: allow, sandbox: { mode: "auto" } }));
  assert.equal(c.status, "ok", c.message);
  assert.match(c.message, /^bubblewrap \d/);
});

Deno.test("doctor sandbox check is an error with the fix when required and bwrap is missing", async () => {
  const c = await sandboxCheck(
    new ShellExecutor({ judge: allow, sandbox: { mode: "required", bwrap: "/nonexistent/bwrap" } }),
  );
  assert.equal(c.status, "error");
  assert.match(c.fix!, /apt-get install -y bubblewrap/);
  assert.match(c.message, /exit 3/);
});

Deno.test("doctor sandbox check warns when auto has no sandbox", async () => {
  const c = await sandboxCheck(
    new ShellExecutor({ judge: allow, sandbox: { mode: "auto", bwrap: "/nonexistent/bwrap" } }),
  );
  assert.equal(c.status, "warn");
  assert.match(c.message, /unsandboxed/);
  assert.match(c.fix!, /install bubblewrap/);
});

Deno.test("doctor sandbox check off is a warning whose fix turns it on", async () => {
  const c = await sandboxCheck(new ShellExecutor({ judge: allow, sandbox: { mode: "off" } }));
  assert.equal(c.status, "warn");
  assert.match(c.fix!, /safety\.sandbox: auto/);
});

Deno.test("doctor sandbox fix names the AppArmor sysctl when it blocks user namespaces", () => {
  const probe = { available: false, bwrap: "/usr/bin/bwrap", reason: "cannot create a sandbox" };
  assert.match(sandboxFix(probe, () => "1\n"), /apparmor_restrict_unprivileged_userns=0/);
  assert.match(
    sandboxFix(probe, () => {
      throw new Error("no such file");
    }),
    /user namespaces/,
  );
});
