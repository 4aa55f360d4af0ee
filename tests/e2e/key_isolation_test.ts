import assert from "node:assert/strict";
import { config, makeRepo, readReport, removeRepo, runCli } from "./_helpers.ts";

Deno.test("run keeps the model's API key away from the gates it runs", async () => {
  const repo = await makeRepo({
    // "$$" keeps the config loader from interpolating the variable itself.
    "fleet-orch.yaml": config({ "no-key": 'test -z "$${OPENAI_API_KEY:-}" && test -n "$HOME"' }),
  });
  try {
    const r = await runCli(repo, [], {
      // A closed loopback port: should the gate fail, the model call stays on this machine.
      env: {
        OPENAI_API_KEY: "sk-e2e-must-stay-hidden-0123456789",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await readReport(r)).stopReason, "success");
  } finally {
    await removeRepo(repo);
  }
});
