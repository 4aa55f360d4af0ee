// The Azure Pipelines step template: its shape (a named step, a working
// directory, every provider key mapped), and its scripts run as the agent
// would run them, after macro and template expansion: installing fleet-orch
// from a release (a loopback stand-in for the release host, checked against
// SHA256SUMS) or from a checkout, then running it in the working directory.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { ShellExecutor } from "../../core/exec.ts";
import { PRESETS } from "../../plugins/llm/presets.ts";
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
  parameters: { name: string; type: string; default: string; values?: string[] }[];
  steps: Step[];
}

async function load(): Promise<{ text: string; t: Template }> {
  const text = await Deno.readTextFile(join(REPO, "templates/azure-pipelines-fleet-orch.yml"));
  return { text, t: parse(text) as Template };
}

/** The variables fleet-orch's model providers read: every preset's, and Entra ID's. */
function providerVariables(): string[] {
  const names = new Set<string>([
    "AZURE_OPENAI_API_VERSION",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_AUTHORITY_HOST",
  ]);
  for (const p of Object.values(PRESETS)) {
    if (p.keyEnv) names.add(p.keyEnv);
    if (p.baseUrlEnv) names.add(p.baseUrlEnv);
  }
  return [...names];
}

Deno.test("azure template names its step, takes a working directory and maps every provider key", async () => {
  const { text, t } = await load();
  const params = new Map(t.parameters.map((p) => [p.name, p]));
  for (const p of t.parameters) assert.ok(["string", "boolean", "number"].includes(p.type));
  assert.equal(params.get("workingDirectory")?.default, "$(Build.SourcesDirectory)");
  assert.deepEqual(params.get("install")?.values, ["release", "checkout"]);
  assert.match(params.get("version")?.default ?? "", /^\d+\.\d+\.\d+$/);
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
  for (const key of [...providerVariables(), "SYSTEM_ACCESSTOKEN", "AZURE_SUBSCRIPTION_ID"]) {
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
  assert.equal(publish?.inputs?.targetPath, "$(Build.ArtifactStagingDirectory)/fleet-orch");
});

/** A step's script as the agent runs it: template expressions, then macros. */
function expand(script: string, params: Record<string, string>, macros: Record<string, string>) {
  let out = script.replace(
    /\$\{\{\s*parameters\.(\w+)\s*\}\}/g,
    (_m, p: string) => params[p] ?? "",
  );
  for (const [k, v] of Object.entries(macros)) out = out.replaceAll(`$(${k})`, v);
  return out;
}

/** What the stand-in fleet-orch prints: argv, cwd, and which mapped keys it sees. */
function reporter(keys: string[]): string {
  return `if (Deno.args[0] === "--version") { console.log("fleet-orch 9.9.9"); Deno.exit(0); }
console.log(JSON.stringify({ args: Deno.args, cwd: Deno.cwd(), keys: ${
    JSON.stringify(keys)
  }.filter((k) => Deno.env.get(k) !== undefined) }));`;
}

interface Sandbox {
  dir: string;
  work: string;
  macros: Record<string, string>;
}

async function sandbox(): Promise<Sandbox> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "azure-template-" }));
  const work = join(dir, "app");
  await Deno.mkdir(work);
  await Deno.mkdir(join(dir, "agent-temp"));
  return {
    dir,
    work,
    macros: {
      "Agent.TempDirectory": join(dir, "agent-temp"),
      "Build.ArtifactStagingDirectory": join(dir, "staging"),
    },
  };
}

/** Runs the install step, then the fleetOrch step as the agent would. */
async function runSteps(box: Sandbox, params: Record<string, string>) {
  const { t } = await load();
  const install = t.steps.find((s) => s.bash && !s.name)!;
  const step = t.steps.find((s) => s.name === "fleetOrch")!;
  const inst = await exec.runArgv(["bash", "-c", expand(install.bash!, params, box.macros)], {
    cwd: box.work,
  });
  if (inst.code !== 0) return { install: inst, run: null };
  // Undefined variables reach the step as their own macro text; defined ones as values.
  const env: Record<string, string> = {};
  for (const k of Object.keys(step.env!)) env[k] = `$(${k})`;
  env.OPENAI_API_KEY = "sk-defined";
  env.SYSTEM_ACCESSTOKEN = "job-token";
  const run = await exec.runArgv(["bash", "-c", expand(step.bash!, params, box.macros)], {
    cwd: box.work,
    env,
  });
  return { install: inst, run };
}

const BASE_PARAMS = { command: "run", environment: "staging", extraArgs: "", denoVersion: "2.9.6" };

Deno.test("azure template from a checkout: runs fleet-orch's main.ts in the working directory without undefined macros", async () => {
  const box = await sandbox();
  const { t } = await load();
  const keys = Object.keys(t.steps.find((s) => s.name === "fleetOrch")!.env!);
  try {
    const tool = join(box.dir, "fleet-orch");
    await Deno.mkdir(tool);
    await Deno.writeTextFile(join(tool, "main.ts"), reporter(keys));
    const r = await runSteps(box, { ...BASE_PARAMS, install: "checkout", fleetOrchPath: tool });
    assert.equal(r.install.code, 0, r.install.output);
    assert.match(r.install.output, /fleet-orch 9\.9\.9/);
    assert.equal(r.run?.code, 0, r.run?.output);
    const seen = JSON.parse(r.run!.output.trim().split("\n").at(-1)!);
    assert.deepEqual(seen.keys.sort(), ["OPENAI_API_KEY", "SYSTEM_ACCESSTOKEN"]);
    assert.equal(seen.cwd, box.work);
    assert.deepEqual(seen.args, [
      "run",
      "--report-dir",
      join(box.dir, "staging", "fleet-orch"),
      "--environment",
      "staging",
    ]);
    // No checkout where the template expects one: a clear error, nothing run.
    const missing = await runSteps(box, {
      ...BASE_PARAMS,
      install: "checkout",
      fleetOrchPath: join(box.dir, "nowhere"),
    });
    assert.equal(missing.install.code, 1);
    assert.match(missing.install.output, /No fleet-orch checkout at .*checkout: fleet-orch/);
  } finally {
    await Deno.remove(box.dir, { recursive: true });
  }
});

/** The release target name the template picks on this machine, or null. */
function hostTarget(): string | null {
  if (Deno.build.os !== "linux") return null;
  return Deno.build.arch === "x86_64"
    ? "x86_64-unknown-linux-gnu"
    : Deno.build.arch === "aarch64"
    ? "aarch64-unknown-linux-gnu"
    : null;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test({
  name:
    "azure template from a release: downloads the binary, checks SHA256SUMS, refuses a mismatch",
  ignore: hostTarget() === null,
  async fn() {
    const target = hostTarget()!;
    const box = await sandbox();
    const { t } = await load();
    const keys = Object.keys(t.steps.find((s) => s.name === "fleetOrch")!.env!);
    // The stand-in "binary": a script that runs the reporter with Deno.
    const reporterFile = join(box.dir, "reporter.ts");
    await Deno.writeTextFile(reporterFile, reporter(keys));
    const binary = new TextEncoder().encode(
      `#!/usr/bin/env bash\nexec deno run -A "${reporterFile}" "$@"\n`,
    );
    let sums = `${await sha256(binary)}  fleet-orch-${target}\n${"0".repeat(64)}  other\n`;
    const asked: string[] = [];
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      const path = new URL(req.url).pathname;
      asked.push(path);
      if (path === "/download/v1.2.3/SHA256SUMS") return new Response(sums);
      if (path === `/download/v1.2.3/fleet-orch-${target}`) return new Response(binary);
      return new Response("not found", { status: 404 });
    });
    const params = {
      ...BASE_PARAMS,
      install: "release",
      version: "1.2.3",
      releaseBaseUrl: `http://127.0.0.1:${server.addr.port}/download`,
      fleetOrchPath: join(box.dir, "unused"),
    };
    try {
      const r = await runSteps(box, params);
      assert.equal(r.install.code, 0, r.install.output);
      assert.deepEqual(asked.sort(), [
        "/download/v1.2.3/SHA256SUMS",
        `/download/v1.2.3/fleet-orch-${target}`,
      ]);
      assert.equal(r.run?.code, 0, r.run?.output);
      const seen = JSON.parse(r.run!.output.trim().split("\n").at(-1)!);
      assert.equal(seen.cwd, box.work);
      assert.equal(seen.args[0], "run");
      assert.deepEqual(seen.keys.sort(), ["OPENAI_API_KEY", "SYSTEM_ACCESSTOKEN"]);

      // A binary that does not match its checksum is removed and not run.
      sums = `${"a".repeat(64)}  fleet-orch-${target}\n`;
      const bad = await runSteps(box, params);
      assert.equal(bad.install.code, 1);
      assert.equal(bad.run, null);
      assert.match(bad.install.output, /does not match SHA256SUMS of v1\.2\.3: not run/);
      const left = join(
        box.macros["Agent.TempDirectory"]!,
        "fleet-orch-bin",
        `fleet-orch-${target}`,
      );
      await assert.rejects(Deno.stat(left));

      // No line for this target: refused too.
      sums = `${await sha256(binary)}  fleet-orch-some-other-target\n`;
      const none = await runSteps(box, params);
      assert.equal(none.install.code, 1);
      assert.match(none.install.output, /has no line for fleet-orch-/);

      // A release that does not exist (404): the download fails the step.
      const missing = await runSteps(box, { ...params, version: "0.0.0" });
      assert.notEqual(missing.install.code, 0);
    } finally {
      await server.shutdown();
      await Deno.remove(box.dir, { recursive: true });
    }
  },
});
