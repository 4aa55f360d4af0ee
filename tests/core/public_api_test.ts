// The library surface is what was meant: mod.ts exports this list of values
// by name (types are checked by `deno doc --lint`, which must stay clean).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../../core/exec.ts";
import * as mod from "../../mod.ts";
import * as plugin from "../../plugin.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

Deno.test("public api mod.ts exports the documented values and nothing else", () => {
  assert.deepEqual(Object.keys(mod).sort(), [
    "ConfigError",
    "ConfigSchema",
    "PLUGIN_API_VERSION",
    "PLUGIN_KINDS",
    "PluginError",
    "PolicyEngine",
    "PolicyViolation",
    "VERSION",
    "applyPatch",
    "definePlugin",
    "extractChunks",
    "extractDiff",
    "loadConfig",
    "loadPolicy",
    "parseConfig",
    "runCheck",
    "runOrchestration",
  ]);
});

Deno.test("public api plugin.ts exports helpers for plugin authors only", () => {
  assert.deepEqual(Object.keys(plugin).sort(), [
    "PLUGIN_API_VERSION",
    "PLUGIN_KINDS",
    "definePlugin",
    "fingerprintOf",
    "normalizeForFingerprint",
    "optionsSchema",
    "z",
  ]);
});

Deno.test("public api deno doc --lint mod.ts reports nothing", async () => {
  const r = await exec.runArgv(["deno", "doc", "--lint", "mod.ts"], {
    cwd: REPO,
    env: { NO_COLOR: "1" },
  });
  assert.equal(r.code, 0, r.output);
});

Deno.test("public api zod version of the plugin entry matches deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`));
  const text = await Deno.readTextFile(`${REPO}/plugin.ts`);
  assert.ok(text.includes(`from "${config.imports.zod}"`), config.imports.zod);
  assert.equal(config.exports["./plugin"], "./plugin.ts");
});
