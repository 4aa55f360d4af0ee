import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { editDistance, loadConfig, parseConfig } from "../../core/config.ts";
import { ConfigError } from "../../core/errors.ts";

const SEED = fileURLToPath(new URL("../fixtures/seed-config.yaml", import.meta.url));
const noEnv = () => undefined;

/** Parse and return the ConfigError's message lines; fails the test when it parses. */
function problemsOf(text: string, env: (n: string) => string | undefined = noEnv): string[] {
  try {
    parseConfig(text, "cfg.yaml", { env });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    for (const p of e.problems) {
      assert.equal(
        `${p.file}:${p.line}:${p.col}: ${p.message}`,
        e.message.split("\n")[e.problems.indexOf(p)],
      );
    }
    return e.message.split("\n");
  }
  assert.fail("the config was accepted");
}

Deno.test("config loads the seed config unchanged", async () => {
  const { config, file } = await loadConfig(SEED, { env: noEnv });
  assert.equal(file, SEED);
  assert.equal(config.agents.orchestrator.max_iterations, 10);
  assert.equal(config.agents.orchestrator.max_no_progress_iterations, 3);
  assert.equal(config.agents.orchestrator.dry_run, false);
  assert.equal(config.agents.codex.model, "gpt-4");
  assert.equal(config.agents.codex.max_tokens, 4000);
  assert.equal(config.agents.jules.temperature, 0.1);
  assert.deepEqual(Object.keys(config.quality_gates), ["install", "build"]);
  assert.equal(config.quality_gates.install?.command, "npm install --legacy-peer-deps");
  assert.equal(config.quality_gates.build?.timeout, 900);
  assert.equal(
    config.deployment.environments.staging?.health_endpoint,
    "https://fleet-staging.capitaltechalliance.com/health",
  );
  assert.deepEqual(config.safety.forbidden_commands, [
    "rm -rf /",
    "kubectl delete namespace",
    "az group delete",
  ]);
});

Deno.test("config reports a misspelt key with its line, column and a suggestion", () => {
  const lines = problemsOf("agents:\n  orchestrator:\n    max_iteratons: 3\n");
  assert.deepEqual(lines, [
    'cfg.yaml:3:5: Unknown key "max_iteratons" in agents.orchestrator; did you mean "max_iterations"?',
  ]);
});

Deno.test("config reports a value of the wrong type at the value", () => {
  const lines = problemsOf(
    'quality_gates:\n  build:\n    command: npm run build\n    timeout: "soon"\n',
  );
  assert.deepEqual(lines, [
    'cfg.yaml:4:14: Expected number at quality_gates.build.timeout, got string "soon"',
  ]);
});

Deno.test("config names lists and mappings given where a scalar belongs", () => {
  const lines = problemsOf("quality_gates:\n  b:\n    command: [1]\n    timeout: {a: 1}\n");
  assert.deepEqual(lines, [
    "cfg.yaml:3:14: Expected string at quality_gates.b.command, got a list",
    "cfg.yaml:4:14: Expected number at quality_gates.b.timeout, got a mapping",
  ]);
  assert.deepEqual(problemsOf("- a\n- b\n"), [
    "cfg.yaml:1:1: Expected object at (top level), got a list",
  ]);
});

Deno.test("config reports invalid YAML with the position of every syntax error", () => {
  const lines = problemsOf("agents:\n  codex: [unclosed\nquality_gates: {\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^cfg\.yaml:3:1: Flow sequence .*\]$/);
  assert.match(lines[1]!, /^cfg\.yaml:4:1: Flow map .*\}$/);
  assert.deepEqual(problemsOf("agents:\n\tcodex: {}\n"), [
    "cfg.yaml:2:1: Tabs are not allowed as indentation",
  ]);
  assert.deepEqual(problemsOf("safety: {}\nsafety: {}\n"), [
    "cfg.yaml:2:1: Map keys must be unique",
  ]);
  assert.match(problemsOf("a: 1\n---\nb: 2\n")[0]!, /^cfg\.yaml:2:1: The file holds more than one/);
});

Deno.test("config reports every problem of a file in one run, in file order", () => {
  const lines = problemsOf([
    "agentz: 1",
    "quality_gates:",
    "  build:",
    "    comand: x",
    "    timeout: true",
    "safety:",
    "  forbiden_commands: []",
    "",
  ].join("\n"));
  assert.deepEqual(lines, [
    'cfg.yaml:1:1: Unknown key "agentz" in (top level); did you mean "agents"?',
    'cfg.yaml:4:5: Missing required key "command" (string) in quality_gates.build',
    'cfg.yaml:4:5: Unknown key "comand" in quality_gates.build; did you mean "command"?',
    "cfg.yaml:5:14: Expected number at quality_gates.build.timeout, got boolean true",
    'cfg.yaml:7:3: Unknown key "forbiden_commands" in safety; did you mean "forbidden_commands"?',
  ]);
});

Deno.test("config reports unknown keys at every level with a did-you-mean hint", () => {
  const cases: [string, string][] = [
    ["verison: 1\n", 'cfg.yaml:1:1: Unknown key "verison" in (top level); did you mean "version"?'],
    [
      "agents:\n  codec: {}\n",
      'cfg.yaml:2:3: Unknown key "codec" in agents; did you mean "codex"?',
    ],
    [
      "agents:\n  jules:\n    modle: gpt-4\n",
      'cfg.yaml:3:5: Unknown key "modle" in agents.jules; did you mean "model"?',
    ],
    [
      "deployment:\n  enviroments: {}\n",
      'cfg.yaml:2:3: Unknown key "enviroments" in deployment; did you mean "environments"?',
    ],
    [
      "deployment:\n  environments:\n    staging:\n      health_endpoit: http://x\n",
      'cfg.yaml:4:7: Unknown key "health_endpoit" in deployment.environments.staging; did you mean "health_endpoint"?',
    ],
    [
      "deployment:\n  environments:\n    s:\n      smoke_tests:\n        - name: a\n          url: http://x\n          expcted_status: 200\n",
      'cfg.yaml:7:11: Unknown key "expcted_status" in deployment.environments.s.smoke_tests.0; did you mean "expected_status"?',
    ],
    [
      "plugins:\n  - uses: ./p.ts\n    wth: {}\n",
      'cfg.yaml:3:5: Unknown key "wth" in plugins.0; did you mean "with"?',
    ],
    [
      "report:\n  formts: [json]\n",
      'cfg.yaml:2:3: Unknown key "formts" in report; did you mean "formats"?',
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(problemsOf(text), [expected], text);
});

Deno.test("config gives no hint when no known key is close", () => {
  assert.deepEqual(problemsOf("agents:\n  somethingelse: 1\n"), [
    'cfg.yaml:2:3: Unknown key "somethingelse" in agents',
  ]);
});

Deno.test("config interpolates ${VAR}, ${VAR:-default} and $$", () => {
  const env = (n: string) => ({ MODEL: "gpt-x", GATE: "lint" } as Record<string, string>)[n];
  const { config } = parseConfig(
    [
      "agents:",
      "  codex:",
      "    model: ${MODEL}",
      "    base_url: ${BASE_URL:-http://127.0.0.1:9/v1}",
      '    api_key_env: "$${KEY} and $$5"',
      "quality_gates:",
      "  ${GATE}:",
      "    command: echo ${MODEL}-${GATE}",
      "",
    ].join("\n"),
    "cfg.yaml",
    { env },
  );
  assert.equal(config.agents.codex.model, "gpt-x");
  assert.equal(config.agents.codex.base_url, "http://127.0.0.1:9/v1");
  assert.equal(config.agents.codex.api_key_env, "${KEY} and $5");
  assert.equal(config.quality_gates.lint?.command, "echo gpt-x-lint");
});

Deno.test("config reports each unset variable at its scalar", () => {
  const lines = problemsOf(
    "agents:\n  codex:\n    model: ${NOPE_A} ${NOPE_B}\n  jules:\n    model: ok\n    base_url: ${NOPE_C}\n",
  );
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^cfg\.yaml:3:12: Environment variable "NOPE_A" is not set/);
  assert.match(lines[1]!, /^cfg\.yaml:3:12: Environment variable "NOPE_B" is not set/);
  assert.match(
    lines[2]!,
    /^cfg\.yaml:6:15: Environment variable "NOPE_C" is not set.*\$\{NOPE_C:-default\}/,
  );
});

Deno.test("config leaves ${VAR} alone when interpolation is off", () => {
  const { config } = parseConfig("agents:\n  codex:\n    model: ${NOPE}\n", "cfg.yaml", {
    env: noEnv,
    interpolate: false,
  });
  assert.equal(config.agents.codex.model, "${NOPE}");
});

Deno.test("config reads the process environment by default", () => {
  const name = `FLEET_ORCH_TEST_${crypto.randomUUID().replaceAll("-", "")}`;
  Deno.env.set(name, "from-env");
  try {
    const { config } = parseConfig(`agents:\n  codex:\n    model: \${${name}}\n`, "cfg.yaml");
    assert.equal(config.agents.codex.model, "from-env");
  } finally {
    Deno.env.delete(name);
  }
});

Deno.test("config reports a missing file as a ConfigError naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "fleet-orch.yaml");
    await assert.rejects(() => loadConfig(path), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, new RegExp(`^${path.replaceAll("/", "\\/")}:0:0: File not found`));
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config locates any path for plugin option errors", () => {
  const { yaml } = parseConfig(
    "plugins:\n  - uses: ./p.ts\n    with:\n      level: 3\n",
    "cfg.yaml",
    { env: noEnv },
  );
  assert.deepEqual(yaml.locate(["plugins", 0, "with", "level"]), { line: 4, col: 14 });
  // A path that does not exist points at its closest parent.
  assert.deepEqual(yaml.locate(["plugins", 0, "with", "missing"]), { line: 4, col: 7 });
});

Deno.test("editDistance counts single-character edits", () => {
  assert.equal(editDistance("command", "comand"), 1);
  assert.equal(editDistance("timeout", "timeuot"), 2);
  assert.equal(editDistance("", "abc"), 3);
  assert.equal(editDistance("same", "same"), 0);
});

Deno.test("config refuses plugins from URLs and registries at the uses key", () => {
  const text = `plugins:
  - uses: https://example.invalid/p.ts
steps:
  - uses: npm:left-pad
agents:
  codex:
    provider: "data:text/javascript,export default 1"
notifiers:
  - uses: ./local.ts
  - uses: exec:python3 ./n.py
`;
  try {
    parseConfig(text, "f.yaml", { env: () => undefined });
    assert.fail("Expected a ConfigError");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[2, 11], [4, 11], [7, 15]]);
    for (const p of e.problems) assert.match(p.message, /plugins from URLs or package registries/);
  }
});

Deno.test("config refuses exec plugins whose command fetches their code", () => {
  const text = `plugins:
  - uses: "exec:deno run -A https://example.invalid/p.ts"
  - uses: exec:npx some-plugin
  - uses: exec:pnpm dlx some-plugin
  - uses: exec:python3 ./tools/gate.py
  - uses: exec:npm run plugin
`;
  try {
    parseConfig(text, "f.yaml", { env: () => undefined });
    assert.fail("Expected a ConfigError");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(e.problems.map((p) => p.line), [2, 3, 4]);
    assert.match(e.problems[0]!.message, /fetches the plugin's code \(https:/);
    assert.match(e.problems[1]!.message, /\(npx\)/);
    assert.match(e.problems[2]!.message, /\(pnpm dlx\)/);
  }
});

Deno.test("findConfigFile: fleet-orch.yaml, else a seed config.yaml that validates, else the default name", async () => {
  const { findConfigFile } = await import("../../core/config.ts");
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-find-config-" });
  try {
    const main = `${dir}/fleet-orch.yaml`;
    const seed = `${dir}/config.yaml`;
    assert.equal(await findConfigFile(dir), main, "neither: the default name");
    await Deno.writeTextFile(seed, "port: 8080\n");
    assert.equal(await findConfigFile(dir), main, "another tool's config.yaml");
    await Deno.writeTextFile(seed, "");
    assert.equal(await findConfigFile(dir), main, "an empty config.yaml says nothing");
    await Deno.writeTextFile(seed, "quality_gates:\n  t:\n    command: x\n");
    assert.equal(await findConfigFile(dir), seed);
    await Deno.writeTextFile(seed, "quality_gates:\n  t:\n    command: ${UNSET_FOR_FIND_TEST}\n");
    assert.equal(await findConfigFile(dir, { env: () => undefined }), main, "does not load");
    await Deno.writeTextFile(main, "{}\n");
    assert.equal(await findConfigFile(dir), main, "fleet-orch.yaml wins");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
