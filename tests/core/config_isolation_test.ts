import assert from "node:assert/strict";
import { parseConfig } from "../../core/config.ts";
import { ConfigError } from "../../core/errors.ts";
import { starterConfig } from "../../cli/init.ts";

const noEnv = () => undefined;

function problems(text: string): string[] {
  try {
    parseConfig(text, "cfg.yaml", { env: noEnv });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e.message.split("\n");
  }
  assert.fail("the config was accepted");
}

Deno.test("config safety.sandbox defaults to auto and takes required and off", () => {
  assert.equal(parseConfig("{}", "cfg.yaml", { env: noEnv }).config.safety.sandbox, "auto");
  for (const mode of ["auto", "required", "off"]) {
    const { config } = parseConfig(`safety:\n  sandbox: ${mode}\n`, "cfg.yaml", { env: noEnv });
    assert.equal(config.safety.sandbox, mode);
  }
});

Deno.test("config reports an unknown safety.sandbox mode at its line and column", () => {
  const [line] = problems("safety:\n  sandbox: always\n");
  assert.match(line!, /^cfg\.yaml:2:12: /);
  assert.match(line!, /auto|required|off/);
});

Deno.test("config takes env_passthrough and network on both gate formats", () => {
  const { config } = parseConfig(
    "quality_gates:\n  install:\n    command: npm ci\n    network: true\n" +
      "    env_passthrough: [NPM_TOKEN]\n" +
      "steps:\n  - id: it\n    run: npm test\n    env_passthrough: [DATABASE_URL]\n",
    "cfg.yaml",
    { env: noEnv },
  );
  assert.equal(config.quality_gates.install?.network, true);
  assert.deepEqual(config.quality_gates.install?.env_passthrough, ["NPM_TOKEN"]);
  assert.deepEqual(config.steps[0]?.env_passthrough, ["DATABASE_URL"]);
});

Deno.test("config reports an env_passthrough entry that is not a variable name", () => {
  const [line] = problems(
    'quality_gates:\n  t:\n    command: x\n    env_passthrough: [OK_NAME, "NOT A NAME"]\n',
  );
  assert.match(line!, /^cfg\.yaml:4:32: /);
  assert.match(line!, /letters, digits and _/);
});

Deno.test("config reports a misspelt env_passthrough with a suggestion", () => {
  const [line] = problems("quality_gates:\n  t:\n    command: x\n    env_passtrough: [A]\n");
  assert.match(line!, /^cfg\.yaml:4:5: /);
  assert.match(line!, /env_passthrough/);
});

Deno.test("init's install gate declares network: true and nothing else does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "init-network-" });
  try {
    await Deno.writeTextFile(`${dir}/package.json`, '{"scripts": {"test": "node t.js"}}');
    const { config } = parseConfig(await starterConfig(dir), "cfg.yaml", { env: noEnv });
    assert.equal(config.quality_gates.install?.network, true);
    assert.equal(config.quality_gates.test?.network, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
