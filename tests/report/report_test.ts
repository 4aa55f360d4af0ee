import assert from "node:assert/strict";
import { join } from "node:path";
import { redactReport, writeReports } from "../../report/report.ts";
import { clipDiff, failureLocation, formatCost, formatDuration } from "../../report/text.ts";
import { gate, sampleReport } from "./_fixture.ts";

// A secret with a quote: once HTML-escaped it no longer matches a detector,
// so the reports must be redacted before rendering, not after.
const SECRET = `tok"en-1234567890`;
const redact = (text: string) => text.replaceAll(SECRET, "[REDACTED]");

function leakyReport() {
  const failing = { ...gate("test", "failed"), output: `auth ${SECRET} refused` };
  failing.failures = [{
    gate: "test",
    tool: "node",
    file: "src/a.ts",
    line: 2,
    message: `expected ${SECRET}`,
    excerpt: "",
    fingerprint: "f",
  }];
  return sampleReport({
    stopReason: "max_iterations",
    exitCode: 1,
    message: `stopped with ${SECRET} in a message`,
    gates: [failing],
  });
}

Deno.test("writeReports redacts every format before rendering", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-report-" });
  try {
    const written = await writeReports(dir, leakyReport(), {
      formats: ["json", "markdown", "html"],
      redact,
      env: () => undefined,
    });
    assert.deepEqual(Object.keys(written).sort(), ["html", "json", "markdown"]);
    for (const file of [written.json, written.markdown!, written.html!]) {
      const text = await Deno.readTextFile(file);
      assert.ok(!text.includes("1234567890"), `${file} leaks the secret`);
      // Markdown escapes the brackets of the mark.
      assert.match(text, /\\?\[REDACTED\\?\]/, `${file} lost the redaction mark`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeReports on GitHub Actions writes the step summary, outputs and redacted annotations", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-report-" });
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => void lines.push(line);
  try {
    const env: Record<string, string> = {
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      GITHUB_OUTPUT: join(dir, "output"),
    };
    const written = await writeReports(dir, leakyReport(), {
      formats: ["json"],
      redact,
      env: (n) => env[n],
      json: true,
    });
    assert.match(await Deno.readTextFile(join(dir, "summary")), /REDACTED/);
    const outputs = await Deno.readTextFile(join(dir, "output"));
    assert.match(outputs, /stop-reason<<\S+\nmax_iterations\n/);
    assert.ok(outputs.includes(written.json));
    const annotation = lines.find((l) => l.startsWith("::error"));
    assert.ok(annotation, lines.join("\n"));
    assert.match(annotation, /file=src\/a\.ts,line=2/);
    assert.ok(!annotation.includes("1234567890"));
  } finally {
    console.error = original;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeReports on Azure Pipelines sets camelCase outputs and ends with task.complete", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-report-" });
  const lines: string[] = [];
  const original = console.error;
  console.error = (line: string) => void lines.push(line);
  try {
    const env: Record<string, string> = { TF_BUILD: "True", AGENT_TEMPDIRECTORY: dir };
    await writeReports(dir, leakyReport(), {
      formats: ["json"],
      redact,
      env: (n) => env[n],
      json: true,
    });
    assert.ok(
      lines.includes("##vso[task.setvariable variable=stopReason;isOutput=true]max_iterations"),
      lines.join("\n"),
    );
    assert.ok(!lines.some((l) => /variable=[^;]*-/.test(l)), "no hyphen in an Azure output name");
    assert.equal(
      lines.at(-1),
      "##vso[task.complete result=Failed;]stopped with [REDACTED] in a message",
    );
    lines.length = 0;
    await writeReports(
      dir,
      sampleReport({ stopReason: "success", exitCode: 0, message: "green" }),
      {
        formats: ["json"],
        redact,
        env: (n) => env[n],
        json: true,
      },
    );
    // The sample run committed a fix: the build needed healing.
    assert.equal(lines.at(-1), "##vso[task.complete result=SucceededWithIssues;]green");
  } finally {
    console.error = original;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redactReport reaches strings nested in arrays and objects and keeps other values", () => {
  const report = leakyReport();
  const copy = redactReport(report, redact);
  assert.equal(copy.gates[0]!.failures[0]!.message, "expected [REDACTED]");
  assert.equal(copy.gates[0]!.exitCode, 1);
  assert.equal(copy.dryRun, false);
  // The original is left alone.
  assert.equal(report.gates[0]!.failures[0]!.message, `expected ${SECRET}`);
});

Deno.test("report text helpers format durations, costs, long diffs and locations", () => {
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(12_340), "12.3 s");
  assert.equal(formatDuration(245_000), "4 min 5 s");
  assert.equal(formatCost(0.01234), "$0.0123");
  assert.equal(formatCost(12.5), "$12.50");
  const diff = Array.from({ length: 405 }, (_, i) => `+line ${i}`).join("\n") + "\n";
  const clipped = clipDiff(diff);
  assert.equal(clipped.cut, 5);
  assert.equal(clipped.text.split("\n").length, 400);
  assert.equal(failureLocation({ gate: "build", file: "a.ts", line: 3, column: 7 }), "a.ts:3:7");
  assert.equal(failureLocation({ gate: "build", file: "a.ts", column: 7 }), "a.ts");
  assert.equal(failureLocation({ gate: "build" }), "build");
});
