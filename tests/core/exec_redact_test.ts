import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";

Deno.test("ShellExecutor redacts the log file and the live output but returns raw output", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exec-redact-" });
  try {
    const exec = new ShellExecutor({
      judge: () => ({ allowed: true, rule: null, message: "" }),
      redact: (t) => t.replaceAll("hunter2-secret", "[REDACTED:test]"),
    });
    let live = "";
    const logFile = join(dir, "gate.log");
    const r = await exec.run(
      "printf 'pass=hunter2-secret\\n'; printf 'tail hunter2-'; printf 'secret'",
      {
        logFile,
        onOutput: (t) => (live += t),
      },
    );
    assert.equal(r.code, 0);
    assert.match(r.output, /pass=hunter2-secret/);
    const logged = await Deno.readTextFile(logFile);
    assert.doesNotMatch(logged, /hunter2-secret/);
    assert.equal(logged, "pass=[REDACTED:test]\ntail [REDACTED:test]");
    assert.doesNotMatch(live, /hunter2-secret/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ShellExecutor hides the named variables from commands but keeps the rest", async () => {
  Deno.env.set("FLEET_ORCH_TEST_HIDDEN_KEY", "sk-should-not-be-seen");
  Deno.env.set("FLEET_ORCH_TEST_VISIBLE", "visible");
  try {
    const exec = new ShellExecutor({
      judge: () => ({ allowed: true, rule: null, message: "" }),
      hideEnv: ["FLEET_ORCH_TEST_HIDDEN_KEY"],
    });
    const r = await exec.run(
      'printf "%s|%s|%s" "${FLEET_ORCH_TEST_HIDDEN_KEY:-unset}" "$FLEET_ORCH_TEST_VISIBLE" "$EXTRA"',
      { env: { EXTRA: "extra" } },
    );
    assert.equal(r.output, "unset|visible|extra");
  } finally {
    Deno.env.delete("FLEET_ORCH_TEST_HIDDEN_KEY");
    Deno.env.delete("FLEET_ORCH_TEST_VISIBLE");
  }
});
