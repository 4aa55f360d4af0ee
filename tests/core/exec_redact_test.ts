import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";

Deno.test("ShellExecutor redacts the output, the log file and the live view at the source", async () => {
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
    assert.equal(r.output, "pass=[REDACTED:test]\ntail [REDACTED:test]");
    assert.equal(r.bytes, "pass=hunter2-secret\ntail hunter2-secret".length);
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

Deno.test("ShellExecutor rawOutput keeps the returned output byte-exact, never the log", async () => {
  const dir = await Deno.makeTempDir({ prefix: "exec-redact-" });
  try {
    const exec = new ShellExecutor({
      judge: () => ({ allowed: true, rule: null, message: "" }),
      redact: (t) => t.replaceAll("hunter2-secret", "[REDACTED:test]"),
    });
    const logFile = join(dir, "git.log");
    const r = await exec.run("printf 'diff hunter2-secret\\n'", { logFile, rawOutput: true });
    assert.equal(r.output, "diff hunter2-secret\n");
    assert.equal(await Deno.readTextFile(logFile), "diff [REDACTED:test]\n");
    assert.equal(exec.redactText("x hunter2-secret"), "x [REDACTED:test]");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ShellExecutor a secret on a huge line is not split between redacted pieces", async () => {
  const exec = new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    redact: (t) => t.replaceAll("hunter2-secret", "[REDACTED:test]"),
  });
  // 70 000 characters of words, then the secret, all on one line.
  const r = await exec.run(
    "for i in $(seq 1 10000); do printf 'abcdef '; done; printf 'hunter2-secret tail\\n'",
    { headBytes: 16, tailBytes: 64 },
  );
  assert.doesNotMatch(r.output, /hunter2/);
  assert.match(r.output, /\[REDACTED:test\] tail/);
});
