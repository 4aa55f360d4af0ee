import assert from "node:assert/strict";
import { writeVerificationReport } from "../../plugins/verifiers/mod.ts";

Deno.test("writeVerificationReport writes verification_<env>_<time>.json without overwriting", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const report = {
      environment: "staging",
      ok: false,
      startedAt: "2026-01-02T03:04:05.678Z",
      finishedAt: "2026-01-02T03:04:06.000Z",
      results: [{
        target: "health: http://x/health",
        ok: false,
        message: "Status 500",
        durationMs: 3,
      }],
    };
    const first = await writeVerificationReport(`${dir}/logs`, report);
    const second = await writeVerificationReport(`${dir}/logs`, report);
    assert.equal(first, `${dir}/logs/verification_staging_20260102_030405.json`);
    assert.equal(second, `${dir}/logs/verification_staging_20260102_030405_2.json`);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(first)), report);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
