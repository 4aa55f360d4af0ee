import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "zod";
import { parseConfig } from "../../core/config.ts";
import { ConfigError, PluginError } from "../../core/errors.ts";
import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import { configDirOf, PluginRegistry } from "../../core/registry.ts";
import { EXAMPLES, FIXTURES, testContext } from "./_plugin_env.ts";

const gateA = definePlugin({
  kind: "gate",
  name: "alpha",
  description: "First gate",
  options: z.object({}),
  create: () => ({ run: () => Promise.resolve({ ok: true, output: "" }) }),
});
const gateB = definePlugin({
  kind: "gate",
  name: "beta",
  description: "Second gate",
  options: z.object({}),
  create: () => ({ run: () => Promise.resolve({ ok: false, output: "no" }) }),
});
const notifier = definePlugin({
  kind: "notifier",
  name: "console",
  description: "Prints",
  options: z.object({}),
  create: () => ({ notify: () => Promise.resolve() }),
});
const builtins = [notifier, gateB, gateA] as PluginDefinition[];

/** A config in the fixtures folder, so relative `uses:` paths resolve there. */
function configAt(text: string) {
  const loaded = parseConfig(text, join(FIXTURES, "fleet-orch.yaml"), { env: () => undefined });
  return { loaded, configDir: configDirOf(loaded.file) };
}

function configError(e: unknown): string[] {
  assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
  return e.message.split("\n");
}

Deno.test("PluginRegistry lists built-ins sorted by kind then name", () => {
  const reg = new PluginRegistry({ builtins });
  assert.deepEqual(reg.list().map((p) => `${p.kind}:${p.name}:${p.source}`), [
    "gate:alpha:builtin",
    "gate:beta:builtin",
    "notifier:console:builtin",
  ]);
  assert.equal(reg.get("gate", "beta"), gateB);
  assert.equal(reg.get("notifier", "beta"), undefined);
});

Deno.test("PluginRegistry refuses two built-ins with one kind and name", () => {
  assert.throws(() => new PluginRegistry({ builtins: [gateA, gateA] as PluginDefinition[] }), {
    name: "TypeError",
    message: 'Plugin "alpha" of kind "gate" is registered twice',
  });
});

Deno.test("PluginRegistry finds a built-in by name and kind", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  const def = await reg.load({ uses: "beta" }, { configDir: FIXTURES, context, kind: "gate" });
  assert.equal(def, gateB);
  const gate = await reg.instantiate("gate", { uses: "alpha", with: {} }, {
    configDir: FIXTURES,
    context,
  });
  assert.deepEqual(await gate.run({ cwd: ".", env: {} }), { ok: true, output: "" });
});

Deno.test("PluginRegistry names the valid plugins of the kind for an unknown name", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  const { loaded, configDir } = configAt("plugins:\n  - uses: gamma\n");
  await assert.rejects(
    () =>
      reg.load(loaded.config.plugins[0]!, {
        configDir,
        context,
        kind: "gate",
        where: { yaml: loaded.yaml, path: ["plugins", 0] },
      }),
    (e) => {
      assert.deepEqual(configError(e), [
        `${loaded.file}:2:11: Unknown gate plugin "gamma"; valid names: alpha, beta; or use "./path/to/plugin.ts" or "exec:COMMAND"`,
      ]);
      return true;
    },
  );
  // Without a kind, every name is valid.
  await assert.rejects(
    () => reg.load({ uses: "gamma" }, { configDir, context }),
    /Unknown plugin "gamma"; valid names: alpha, beta, console;/,
  );
});

Deno.test("PluginRegistry loads a module plugin by relative path and lists it", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  const { loaded, configDir } = configAt("plugins:\n  - uses: ./hello_notifier.ts\n");
  const def = await reg.load(loaded.config.plugins[0]!, { configDir, context });
  assert.equal(def.kind, "notifier");
  assert.equal(def.name, "hello-notifier");
  assert.deepEqual(reg.list().find((p) => p.name === "hello-notifier"), {
    kind: "notifier",
    name: "hello-notifier",
    description: "Appends a greeting line per run to a file",
    source: "module",
    uses: "./hello_notifier.ts",
  });
  // A second load of the same reference is the same definition.
  assert.equal(await reg.load({ uses: "./hello_notifier.ts" }, { configDir, context }), def);
});

Deno.test("PluginRegistry creates a module plugin with options validated by its schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = join(dir, "notified.txt");
    const reg = new PluginRegistry({ builtins });
    const { context } = testContext({ repoRoot: "/repo" });
    const { loaded, configDir } = configAt(
      `notifiers:\n  - uses: ./hello_notifier.ts\n    with:\n      file: ${out}\n      times: 2\n`,
    );
    const n = await reg.instantiate("notifier", loaded.config.notifiers[0]!, {
      configDir,
      context,
      where: { yaml: loaded.yaml, path: ["notifiers", 0] },
    });
    await n.notify({ runId: "r1", stopReason: "green", success: true, markdown: "" });
    assert.equal(await Deno.readTextFile(out), "hello r1 green /repo\n".repeat(2));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PluginRegistry reports invalid plugin options as FILE:LINE:COL problems", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  const { loaded, configDir } = configAt([
    "notifiers:",
    "  - uses: ./hello_notifier.ts",
    "    with:",
    "      greting: hi",
    "      times: lots",
    "",
  ].join("\n"));
  await assert.rejects(
    () =>
      reg.instantiate("notifier", loaded.config.notifiers[0]!, {
        configDir,
        context,
        where: { yaml: loaded.yaml, path: ["notifiers", 0] },
      }),
    (e) => {
      const lines = configError(e);
      assert.deepEqual(
        lines.sort(),
        [
          `${loaded.file}:4:7: Missing required key "file" (string) in notifiers.0.with`,
          `${loaded.file}:4:7: Unknown key "greting" in notifiers.0.with; did you mean "greeting"?`,
          `${loaded.file}:5:14: Expected number at notifiers.0.with.times, got string "lots"`,
        ].sort(),
      );
      return true;
    },
  );
});

Deno.test("PluginRegistry refuses a plugin of the wrong kind", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  const { loaded, configDir } = configAt("steps:\n  - uses: ./hello_notifier.ts\n");
  await assert.rejects(
    () =>
      reg.load({ uses: "./hello_notifier.ts" }, {
        configDir,
        context,
        kind: "gate",
        where: { yaml: loaded.yaml, path: ["steps", 0] },
      }),
    (e) => {
      assert.deepEqual(configError(e), [
        `${loaded.file}:2:11: Plugin "./hello_notifier.ts" is a notifier plugin, but a gate plugin is needed here`,
      ]);
      return true;
    },
  );
});

Deno.test("PluginRegistry explains a module that exports no plugin", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  await assert.rejects(
    () => reg.load({ uses: "./not_a_plugin.ts" }, { configDir: FIXTURES, context }),
    /Module "\.\/not_a_plugin\.ts" does not export a plugin: export default definePlugin/,
  );
});

Deno.test("PluginRegistry explains a module that cannot be imported", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  await assert.rejects(
    () => reg.load({ uses: "./no_such_plugin.ts" }, { configDir: FIXTURES, context }),
    (e) => {
      const [line] = configError(e);
      assert.match(
        line!,
        /^\(config\):0:0: Cannot import module plugin "\.\/no_such_plugin\.ts": /,
      );
      return true;
    },
  );
});

Deno.test("PluginRegistry wraps a failing create in a PluginError with the plugin's name", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  await assert.rejects(
    () =>
      reg.instantiate("gate", { uses: "./create_fails.ts", with: {} }, {
        configDir: FIXTURES,
        context,
      }),
    (e) => {
      assert.ok(e instanceof PluginError);
      assert.equal(e.plugin, "create-fails");
      assert.equal(e.message, 'Plugin "create-fails": No licence key found');
      return true;
    },
  );
});

Deno.test("PluginRegistry refuses exec plugins without a command or a loader", async () => {
  const { context } = testContext();
  await assert.rejects(
    () =>
      new PluginRegistry({ builtins }).load({ uses: "exec:python3 x.py" }, {
        configDir: FIXTURES,
        context,
      }),
    /Exec plugins are not available in this build/,
  );
  const reg = new PluginRegistry({ builtins, execLoader: () => Promise.reject(new Error("x")) });
  await assert.rejects(
    () => reg.load({ uses: "exec:  " }, { configDir: FIXTURES, context }),
    /"uses: exec:" needs a command, e.g. "exec:python3 \.\/tools\/gate\.py"/,
  );
});

Deno.test("definePlugin refuses an unknown kind and a bad name", () => {
  const base = { description: "d", options: z.object({}), create: () => ({}) as never };
  assert.throws(
    () => definePlugin({ ...base, kind: "teleporter" as "gate", name: "x" }),
    /Plugin kind "teleporter" is not valid: use one of llm, vcs, gate, verifier, notifier, fixer/,
  );
  assert.throws(
    () => definePlugin({ ...base, kind: "gate", name: "has space" }),
    /Plugin name "has space" is not valid/,
  );
  assert.equal(definePlugin({ ...base, kind: "gate", name: "ok" }).specificationVersion, 1);
});

Deno.test("example summary-file module plugin appends the summary to a file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const reg = new PluginRegistry({ builtins });
    const { context } = testContext({ repoRoot: dir });
    const make = (with_: Record<string, unknown>, dryRun = false) =>
      reg.instantiate("notifier", { uses: "./summary_file.ts", with: with_ }, {
        configDir: EXAMPLES,
        context: { ...context, dryRun },
      });
    const n = await make({ file: "summary.md" });
    await n.notify({ runId: "r1", stopReason: "green", success: true, markdown: "All good\n" });
    await n.notify({ runId: "r2", stopReason: "max-iterations", success: false, markdown: "- x" });
    await (await make({ file: "summary.md", only_failures: true })).notify({
      runId: "r3",
      stopReason: "green",
      success: true,
      markdown: "skipped",
    });
    await (await make({ file: "summary.md" }, true)).notify({
      runId: "r4",
      stopReason: "green",
      success: true,
      markdown: "dry",
    });
    assert.equal(
      await Deno.readTextFile(join(dir, "summary.md")),
      "## fleet-orch run r1: green (green)\n\nAll good\n\n" +
        "## fleet-orch run r2: not green (max-iterations)\n\n- x\n\n",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
