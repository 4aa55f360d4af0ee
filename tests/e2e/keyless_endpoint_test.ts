import assert from "node:assert/strict";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  FIX_VALUE,
  makeRepo,
  readReport,
  removeRepo,
  roles,
  runCli,
  VALUE_REPO,
} from "./_helpers.ts";

Deno.test("run heals with a keyless local endpoint given only OPENAI_BASE_URL (the Ollama path)", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    // No OPENAI_API_KEY at all: runCli scrubs it from the environment.
    const r = await runCli(repo, [], { env: { OPENAI_BASE_URL: fake.url } });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success", report.message);
    assert.ok(fake.calls.length >= 2, "fixer and reviewer were called");
    assert.deepEqual(new Set(fake.calls.map((c) => c.authorization)), new Set([null]));
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run names the endpoint and its HTML reply when a proxy answers with an error page", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const page = "<html><head><title>503 Service Unavailable</title></head></html>";
  const fake = await startFakeOpenAi(
    Array.from({ length: 10 }, () => ({ status: 503, html: page })),
  );
  try {
    const r = await runCli(repo, ["--max-iterations", "1"], { env: { OPENAI_BASE_URL: fake.url } });
    assert.notEqual(r.code, 0, r.stderr);
    const all = r.stderr + JSON.stringify(await readReport(r));
    assert.ok(all.includes(`${fake.url}/chat/completions`), all);
    assert.match(all, /503/);
    assert.match(all, /text\/html/);
    assert.match(all, /503 Service Unavailable/);
    assert.doesNotMatch(all, /Unexpected token/);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
