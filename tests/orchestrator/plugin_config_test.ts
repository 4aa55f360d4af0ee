// Plugin configuration is checked when the config loads: `with:` reaches
// every kind (a `plugins:` entry's name and options included), option errors
// of every kind are reported at once with FILE:LINE:COL before any gate runs,
// the agents' presets go through the registered `openai` plugin, URLs are
// refused before anything is fetched, and the repository's config cannot lift
// a built-in protected path on its own.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors.ts";
import { ShellExecutor } from "../../core/exec.ts";
import { runCheck } from "../../orchestrator/check.ts";
import { makeModels } from "../../orchestrator/models.ts";
import { openRuntime } from "../../orchestrator/runtime.ts";
import { CostLedger } from "../../plugins/llm/pricing.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const PLUGIN_ENTRY = new URL("../../plugin.ts", import.meta.url).href;
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const allow = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

async function repoWith(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "plugin-config-" }));
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir, name), text.replaceAll("PLUGIN_ENTRY", PLUGIN_ENTRY));
  }
  const r = await allow.run(
    "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

const STRICT_GATE = `import { definePlugin, optionsSchema, z } from "PLUGIN_ENTRY";
export default definePlugin({
  kind: "gate",
  name: "strict-gate",
  description: "needs a level",
  options: optionsSchema({ level: z.number().int() }),
  create: (o) => ({ run: () => Promise.resolve({ ok: o.level > 0, output: "level " + o.level }) }),
});
`;

const ECHO_LLM = `import { definePlugin, optionsSchema, z } from "PLUGIN_ENTRY";
export default definePlugin({
  kind: "llm",
  name: "echo-llm",
  description: "answers with its prefix",
  options: optionsSchema({ prefix: z.string() }),
  create: (o) => ({
    complete: (r) => Promise.resolve({
      text: o.prefix + r.messages.at(-1).content,
      record: { provider: "echo", model: r.model, tokensIn: 1, tokensOut: 1, latencyMs: 0, costUsd: 0 },
    }),
  }),
});
`;

async function configError(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  return assert.fail("Expected a ConfigError");
}

Deno.test("plugin options of every kind are checked at config load, all at once, before any gate runs", async () => {
  const dir = await repoWith({
    "gate.ts": STRICT_GATE,
    "llm.ts": ECHO_LLM,
    "fleet-orch.yaml": `quality_gates:
  first:
    command: "touch gate-ran"
steps:
  - id: strict
    uses: ./gate.ts
    with:
      level: high
plugins:
  - uses: ./llm.ts
    name: local-model
    with:
      prefix: 3
agents:
  codex:
    provider: local-model
  jules:
    enabled: false
notifiers:
  - uses: slack
    with:
      chanel: "#ci"
vcs:
  uses: github
  with:
    api_url: not a url
fixers:
  - uses: deno-fmt
    with:
      bogus: true
`,
  });
  try {
    const e = await configError(() => runCheck({ repo: dir, view: "silent" }));
    const file = join(dir, "fleet-orch.yaml");
    const where = e.problems.map((p) => `${p.file === file ? "F" : p.file}:${p.line}:${p.col}`);
    // level (step), prefix (plugins entry), chanel (notifier), api_url (vcs), bogus (fixer).
    assert.deepEqual(where, ["F:8:14", "F:13:15", "F:22:7", "F:26:14", "F:30:7"], e.message);
    assert.ok(e.problems.every((p) => p.line > 0), e.message);
    assert.match(e.message, /chanel/);
    assert.equal(existsSync(join(dir, "gate-ran")), false, "No gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin config errors exit 2 from the CLI with FILE:LINE:COL", async () => {
  const dir = await repoWith({
    "gate.ts": STRICT_GATE,
    "fleet-orch.yaml": `steps:
  - id: strict
    uses: ./gate.ts
    with: { level: high }
`,
  });
  try {
    const r = await allow.runArgv(["deno", "run", "-A", MAIN, "check"], {
      cwd: dir,
      env: { NO_COLOR: "1" },
    });
    assert.equal(r.code, 2, r.output);
    assert.ok(r.output.includes(`${join(dir, "fleet-orch.yaml")}:4:`), r.output);
    assert.doesNotMatch(r.output, /\(config\):0:0/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin entry's name and with reach an llm plugin used as an agent's provider", async () => {
  const dir = await repoWith({
    "llm.ts": ECHO_LLM,
    "fleet-orch.yaml": `plugins:
  - uses: ./llm.ts
    name: local-model
    with: { prefix: "echo: " }
agents:
  codex: { provider: local-model, model: m }
  jules: { enabled: false }
`,
  });
  const rt = await openRuntime({ repo: dir, logLevel: "error", write: () => {} });
  try {
    const models = await makeModels(rt, new CostLedger());
    const reply = await models.fixer!.llm.complete({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(reply.text, "echo: hi");
  } finally {
    await rt.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin: an agent's preset goes through the registered openai plugin with its settings", async () => {
  const fake = await startFakeOpenAi(["from the fake"]);
  const dir = await repoWith({
    "fleet-orch.yaml": `plugins:
  - uses: openai
    with:
      base_url: ${fake.url}
      api_key_env: FAKE_KEY
agents:
  codex: { provider: openai, model: fake-model, max_retries: 0 }
  jules: { provider: ollama, base_url: "", model: m }
`,
  });
  try {
    // The reviewer's empty base_url is an option error of the openai plugin,
    // located at the agent's key.
    const e = await configError(() =>
      openRuntime({ repo: dir, env: { FAKE_KEY: "k" }, logLevel: "error", write: () => {} })
    );
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[8, 40]], e.message);
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      (await Deno.readTextFile(join(dir, "fleet-orch.yaml"))).replace(
        'jules: { provider: ollama, base_url: "", model: m }',
        "jules: { enabled: false }",
      ),
    );
    const rt = await openRuntime({
      repo: dir,
      env: { FAKE_KEY: "sk-test-key" },
      logLevel: "error",
      write: () => {},
    });
    try {
      const models = await makeModels(rt, new CostLedger());
      const reply = await models.fixer!.llm.complete({
        model: "fake-model",
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(reply.text, "from the fake");
      assert.equal(fake.calls.at(-1)!.authorization, "Bearer sk-test-key");
      assert.equal(reply.record.provider, "openai");
    } finally {
      await rt.close();
    }
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin from a URL is refused at config validation and nothing is fetched", async () => {
  const hits: string[] = [];
  const ready = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: (a) => ready.resolve(a) },
    (req) => {
      hits.push(req.url);
      return new Response("export default {};", {
        headers: { "content-type": "application/typescript" },
      });
    },
  );
  const { port } = await ready.promise;
  const dir = await repoWith({
    "fleet-orch.yaml": `plugins:
  - uses: http://127.0.0.1:${port}/plugin.ts
notifiers:
  - uses: npm:evil-notifier
steps:
  - id: remote
    uses: https://127.0.0.1:${port}/gate.ts
`,
  });
  try {
    const r = await allow.runArgv(["deno", "run", "-A", MAIN, "check"], {
      cwd: dir,
      env: { NO_COLOR: "1" },
    });
    assert.equal(r.code, 2, r.output);
    const file = join(dir, "fleet-orch.yaml");
    for (const at of [`${file}:2:11`, `${file}:4:11`, `${file}:7:11`]) {
      assert.ok(r.output.includes(at), `${at} in\n${r.output}`);
    }
    assert.match(r.output, /plugins from URLs or package registries/);
    assert.deepEqual(hits, [], "Nothing was downloaded");
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin config cannot lift a built-in protected path without the CI owner's permission", async () => {
  const dir = await repoWith({
    "fleet-orch.yaml": `safety:
  allow_paths:
    - docs/**
    - azure-pipelines.yml
`,
  });
  try {
    const e = await configError(() =>
      openRuntime({ repo: dir, env: {}, logLevel: "error", write: () => {} })
    );
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[4, 7]]);
    assert.match(e.message, /azure-pipelines\*\.yml.*--allow-policy-loosening/);
    for (
      const options of [
        { allowPolicyLoosening: true, env: {} },
        { env: { FLEET_ORCH_ALLOW_POLICY_LOOSENING: "1" } },
      ]
    ) {
      const rt = await openRuntime({ repo: dir, logLevel: "error", write: () => {}, ...options });
      assert.deepEqual(
        rt.policy.scan(
          "--- a/azure-pipelines.yml\n+++ b/azure-pipelines.yml\n@@ -1 +1 @@\n-a\n+b\n",
        )
          .filter((f) => f.category === "protected-path"),
        [],
      );
      await rt.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin config: a repository policy file that lowers the floor stops check with exit 2", async () => {
  const dir = await repoWith({
    "fleet-orch.yaml": `quality_gates:
  ok: { command: "true" }
`,
    "fleet-orch.policy.yaml": "disable: [tls.curl-insecure]\n",
  });
  try {
    const cli = (args: string[], env: Record<string, string> = {}) =>
      allow.runArgv(["deno", "run", "-A", MAIN, "check", ...args], {
        cwd: dir,
        env: { NO_COLOR: "1", ...env },
      });
    const refused = await cli([]);
    assert.equal(refused.code, 2, refused.output);
    assert.ok(
      refused.output.includes(`${join(dir, "fleet-orch.policy.yaml")}:1:11`),
      refused.output,
    );
    assert.match(refused.output, /--allow-policy-loosening/);
    assert.equal((await cli(["--allow-policy-loosening"])).code, 0);
    assert.equal((await cli([], { FLEET_ORCH_ALLOW_POLICY_LOOSENING: "1" })).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin: keys named by a plugins entry are hidden from gates like the agents' keys", async () => {
  const { modelKeyVariables } = await import("../../orchestrator/runtime.ts");
  const { parseConfig } = await import("../../core/config.ts");
  const loaded = parseConfig(
    `plugins:
  - uses: openai
    with: { api_key_env: TEAM_LLM_KEY }
  - uses: openai
    name: claude
    with: { provider: anthropic }
agents:
  codex: { provider: ollama }
  jules: { provider: claude }
`,
    "f.yaml",
    { env: () => undefined },
  );
  const names = modelKeyVariables(loaded.config);
  assert.ok(names.includes("TEAM_LLM_KEY"), names.join());
  assert.ok(names.includes("ANTHROPIC_API_KEY"), names.join());
});

Deno.test("plugin: a plugins entry's options are checked even when nothing uses it", async () => {
  const dir = await repoWith({
    "fleet-orch.yaml": `plugins:
  - uses: slack
    with: { webhook_envv: X }
`,
  });
  try {
    const e = await configError(() =>
      openRuntime({ repo: dir, env: {}, logLevel: "error", write: () => {} })
    );
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[3, 13]], e.message);
    assert.match(e.message, /webhook_envv/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin: a required option may come from the use site instead of the plugins entry", async () => {
  const dir = await repoWith({
    "gate.ts": STRICT_GATE,
    "fleet-orch.yaml": `plugins:
  - uses: ./gate.ts
    name: strict
steps:
  - id: a
    uses: strict
    with: { level: 2 }
`,
  });
  try {
    const result = await runCheck({
      repo: dir,
      view: "silent",
      logLevel: "error",
      write: () => {},
    });
    assert.equal(result.ok, true, JSON.stringify(result.gates));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin: doctor names the key variable of a provider configured under plugins", async () => {
  const { runDoctor } = await import("../../cli/doctor.ts");
  const dir = await repoWith({
    "fleet-orch.yaml": `plugins:
  - uses: openai
    with: { api_key_env: FLEET_ORCH_TEST_UNSET_KEY }
agents:
  jules: { enabled: false }
`,
  });
  try {
    const checks = await runDoctor({ repo: dir });
    const key = checks.find((c) => c.name === "codex key");
    assert.equal(key?.status, "warn", JSON.stringify(checks));
    assert.match(key!.message, /FLEET_ORCH_TEST_UNSET_KEY/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
