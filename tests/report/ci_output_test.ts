import assert from "node:assert/strict";
import {
  azureOutputName,
  azureTaskResult,
  createCiOutput,
  detectCi,
  escapeAzureProperty,
  escapeGithubData,
  escapeGithubProperty,
  formatAzureIssue,
  formatGithubAnnotation,
} from "../../report/ci_output.ts";
import type { Annotation } from "../../core/plugin.ts";

function sinks(env: Record<string, string>) {
  const lines: string[] = [];
  const files: Record<string, string> = {};
  return {
    lines,
    files,
    out: createCiOutput({
      env: (n) => env[n],
      write: (l) => lines.push(l),
      appendFile: (p, t) => (files[p] = (files[p] ?? "") + t, Promise.resolve()),
    }),
  };
}

Deno.test("detectCi recognises GitHub Actions and Azure Pipelines", () => {
  assert.equal(
    detectCi((n) => ({ GITHUB_ACTIONS: "true" } as Record<string, string>)[n]),
    "github",
  );
  assert.equal(detectCi((n) => ({ TF_BUILD: "True" } as Record<string, string>)[n]), "azure");
  assert.equal(detectCi(() => undefined), "none");
});

Deno.test("github escaping covers percent, CR, LF and property separators", () => {
  assert.equal(escapeGithubData("50%\r\nnext"), "50%25%0D%0Anext");
  assert.equal(escapeGithubProperty("C:\\a,b"), "C%3A\\a%2Cb");
  assert.equal(
    formatGithubAnnotation({
      file: "src/a,b.ts",
      line: 3,
      level: "error",
      message: "line1\nline2",
    }),
    "::error file=src/a%2Cb.ts,line=3::line1%0Aline2",
  );
  assert.equal(formatGithubAnnotation({ level: "notice", message: "m" }), "::notice::m");
});

Deno.test("azure escaping follows the task library", () => {
  assert.equal(escapeAzureProperty("a;b]c%"), "a%3Bb%5Dc%AZP25");
  assert.equal(
    formatAzureIssue({ file: "src/a.ts", line: 7, level: "error", message: "bad\nthing" }),
    "##vso[task.logissue type=error;sourcepath=src/a.ts;linenumber=7;]bad%0Athing",
  );
  assert.equal(
    formatAzureIssue({ level: "notice", message: "n" }),
    "##vso[task.logissue type=warning;]n",
  );
});

Deno.test("ci output prints at most 10 GitHub errors per step and counts the rest", () => {
  const { out, lines } = sinks({ GITHUB_ACTIONS: "true" });
  const errors: Annotation[] = Array.from(
    { length: 13 },
    (_, i) => ({ level: "error", message: `e${i}` }),
  );
  const printed = out.annotate([...errors, { level: "warning", message: "w" }]);
  assert.equal(printed, 11);
  assert.equal(lines.filter((l) => l.startsWith("::error")).length, 10);
  assert.equal(lines.filter((l) => l.startsWith("::warning")).length, 1);
  assert.equal(lines.at(-1), "fleet-orch: 3 more annotations not shown (see the step summary)");
});

Deno.test("ci output appends the GitHub step summary and outputs", async () => {
  const { out, files } = sinks({
    GITHUB_ACTIONS: "true",
    GITHUB_STEP_SUMMARY: "/s.md",
    GITHUB_OUTPUT: "/o",
  });
  await out.summary("## Hi");
  await out.summary("more\n");
  await out.setOutput("report", "line1\nline2");
  assert.equal(files["/s.md"], "## Hi\nmore\n");
  const m = files["/o"]?.match(
    /^report<<(ghadelimiter_[0-9a-f-]+)\nline1\nline2\n(ghadelimiter_[0-9a-f-]+)\n$/,
  );
  assert.ok(m && m[1] === m[2], files["/o"]);
});

Deno.test("ci output uses Azure logging commands inside Azure Pipelines", async () => {
  const { out, lines, files } = sinks({ TF_BUILD: "True", AGENT_TEMPDIRECTORY: "/agent/tmp" });
  await out.summary("## Report");
  await out.setOutput("exit_code", "1");
  await out.setOutput("pull-request-url", "u");
  out.complete("Failed", "Not fixed");
  const path = Object.keys(files)[0] ?? "";
  assert.match(path, /^\/agent\/tmp\/fleet-orch-summary-.*\.md$/);
  assert.deepEqual(lines, [
    `##vso[task.uploadsummary]${path}`,
    "##vso[task.setvariable variable=exit_code;isOutput=true]1",
    "##vso[task.setvariable variable=pullRequestUrl;isOutput=true]u",
    "##vso[task.complete result=Failed;]Not fixed",
  ]);
});

Deno.test("ci output writes nothing outside CI", async () => {
  const { out, lines, files } = sinks({});
  assert.equal(out.annotate([{ level: "error", message: "x" }]), 0);
  await out.summary("x");
  await out.setOutput("a", "b");
  out.complete("Failed");
  assert.deepEqual(lines, []);
  assert.deepEqual(files, {});
});

Deno.test("ci output names Azure outputs without hyphens and maps exit codes to task results", () => {
  assert.equal(azureOutputName("stop-reason"), "stopReason");
  assert.equal(azureOutputName("work-branch"), "workBranch");
  assert.equal(azureOutputName("pull-request-url"), "pullRequestUrl");
  assert.equal(azureOutputName("report"), "report");
  assert.equal(azureTaskResult(0, false), "Succeeded");
  assert.equal(azureTaskResult(0, true), "SucceededWithIssues");
  assert.equal(azureTaskResult(1, true), "Failed");
  assert.equal(azureTaskResult(3, false), "Failed");
});
