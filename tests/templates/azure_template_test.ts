// The Azure Pipelines step template: its shape (a named step, a working
// directory, every provider key mapped), and its script run as the agent
// would run it, after macro and template expansion, against a stand-in
// fleet-orch that reports what it was given.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { ShellExecutor } from "../../core/exec.ts";
import { azureOutputName } from "../../report/ci_output.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

interface Step {
  bash?: string;
  task?: string;
  name?: string;
  displayName?: string;
  workingDirectory?: string;
  condition?: string;
  env?: Record<string, string>;
  inputs?: Record<string, string>;
}
interface Template {
  parameters: { name: string; type: string; default: string }[];
  steps: Step[];
}

async function load(): Promise<{ text: string; t: Template }> {
  const text = await Deno.readTextFile(join(REPO, "templates/azure-pipelines-fleet-orch.yml"));
  return { text, t: parse(text) as Template };
}

Deno.test("azure template names its step, takes a working directory and maps every provider key", async () => {
  const { text, t } = await load();
  const params = new Map(t.parameters.map((p) => [p.name, p]));
  for (const p of t.parameters) assert.ok(["string", "boolean", "number"].includes(p.type));
  assert.equal(params.get("workingDirectory")?.default, "$(Build.SourcesDirectory)");
  const step = t.steps.find((s) => s.name === "fleetOrch");
  assert.ok(step?.bash, "a bash step named fleetOrch");
  // Step names are identifiers: letters, digits and underscores only.
  for (const s of t.steps) if (s.name) assert.match(s.name, /^[A-Za-z_][A-Za-z0-9_]*$/);
  assert.equal(step.workingDirectory, "${{ parameters.workingDirectory }}");
  // Every ${{ parameters.x }} names a declared parameter.
  for (const m of text.matchAll(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g)) {
    assert.ok(params.has(m[1]!), `undeclared parameter ${m[1]}`);
  }
  const env = step.env ?? {};
  for (
    const key of [
      "OPENAI_API_KEY",
      "AZURE_OPENAI_API_KEY",
      "ANTHROPIC_API_KEY",
      "GEMINI_API_KEY",
      "SYSTEM_ACCESSTOKEN",
      "AZURE_SUBSCRIPTION_ID",
    ]
  ) {
    assert.ok(env[key], `${key} is mapped`);
  }
  for (const [k, v] of Object.entries(env)) {
    if (k !== "SYSTEM_ACCESSTOKEN") assert.equal(v, `$(${k})`, `${k} maps its own variable`);
  }
  // The output names the header promises are the ones fleet-orch writes.
  for (const name of ["stop-reason", "work-branch", "pull-request-url"]) {
    const azure = azureOutputName(name);
    assert.doesNotMatch(azure, /-/);
    assert.ok(text.includes(azure), `header documents ${azure}`);
  }
  const publish = t.steps.find((s) => s.task === "PublishPipelineArtifact@1");
  assert.equal(publish?.condition, "always()");
});

Deno.test("azure template script drops undefined macros and runs fleet-orch in the working directory", async () => {
  const { t } = await load();
  const step = t.steps.find((s) => s.name === "fleetOrch")!;
  const dir = await Deno.makeTempDir({ prefix: "azure-template-" });
  try {
    const tool = join(dir, "fleet-orch");
    const work = join(dir, "app");
    await Deno.mkdir(tool);
    await Deno.mkdir(work);
    // Stand-in for fleet-orch: prints its argv, cwd and which keys it can see.
    await Deno.writeTextFile(
      join(tool, "main.ts"),
      `console.log(JSON.stringify({ args: Deno.args, cwd: Deno.cwd(), keys: ${
        JSON.stringify(Object.keys(step.env!))
      }.filter((k) => Deno.env.get(k) !== undefined) }));`,
    );
    const params: Record<string, string> = {
      command: "run",
      environment: "staging",
      fleetOrchPath: tool,
      extraArgs: "",
    };
    // What the agent does: template expressions, then macros of defined variables.
    const script = step.bash!
      .replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_m, p: string) => params[p] ?? "")
      .replaceAll("$(Build.ArtifactStagingDirectory)", join(dir, "staging"));
    // Undefined variables reach the step as their own macro text; defined ones as values.
    const env: Record<string, string> = {};
    for (const k of Object.keys(step.env!)) env[k] = `$(${k})`;
    env.OPENAI_API_KEY = "sk-defined";
    env.SYSTEM_ACCESSTOKEN = "job-token";
    const r = await exec.runArgv(["bash", "-c", script], { cwd: work, env });
    assert.equal(r.code, 0, r.output);
    const seen = JSON.parse(r.output.trim().split("\n").at(-1)!);
    assert.deepEqual(seen.keys.sort(), ["OPENAI_API_KEY", "SYSTEM_ACCESSTOKEN"]);
    assert.equal(await Deno.realPath(seen.cwd), await Deno.realPath(work));
    assert.deepEqual(seen.args, [
      "run",
      "--report-dir",
      join(dir, "staging", "fleet-orch"),
      "--environment",
      "staging",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
