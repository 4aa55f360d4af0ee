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
  // A near miss gets a did-you-mean, from the site's own valid names too.
  await assert.rejects(
    () => reg.load({ uses: "aplha" }, { configDir, context, kind: "gate" }),
    /Unknown gate plugin "aplha" \(did you mean "alpha"\?\); valid names: alpha, beta;/,
  );
  await assert.rejects(
    () =>
      reg.load({ uses: "olama" }, {
        configDir,
        context,
        kind: "gate",
        where: { yaml: loaded.yaml, path: ["plugins", 0], alsoValid: ["ollama"] },
      }),
    /"olama" \(did you mean "ollama"\?\); valid names: ollama, alpha, beta;/,
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

const leveled = definePlugin({
  kind: "gate",
  name: "leveled",
  description: "Passes at level 2 or more",
  options: z.object({ level: z.number().int(), label: z.string().default("x") }),
  create: (o) => ({ run: () => Promise.resolve({ ok: o.level >= 2, output: `${o.label}` }) }),
});

Deno.test("PluginRegistry gives a plugins entry's name and with to the use sites naming it", async () => {
  const { loaded, configDir } = configAt(`plugins:
  - uses: leveled
    name: strict
    with: { level: 3, label: declared }
steps:
  - id: a
    uses: strict
  - id: b
    uses: strict
    with: { level: 1 }
`);
  const reg = new PluginRegistry({ builtins: [leveled] as PluginDefinition[] });
  const { context } = testContext();
  await reg.declare(loaded.config.plugins[0]!, {
    configDir,
    context,
    where: { yaml: loaded.yaml, path: ["plugins", 0] },
  });
  const at = (i: number) => ({
    configDir,
    context,
    where: { yaml: loaded.yaml, path: ["steps", i] },
  });
  const a = await reg.instantiate("gate", { uses: "strict", with: {} }, at(0));
  assert.deepEqual(await a.run({ cwd: ".", env: {} }), { ok: true, output: "declared" });
  const b = await reg.instantiate("gate", { uses: "strict", with: { level: 1 } }, at(1));
  assert.deepEqual(await b.run({ cwd: ".", env: {} }), { ok: false, output: "declared" });
});

Deno.test("PluginRegistry locates an option error where the bad value was written", async () => {
  const { loaded, configDir } = configAt(`plugins:
  - uses: leveled
    name: strict
    with: { level: high }
steps:
  - id: a
    uses: strict
    with: { labl: y }
`);
  const reg = new PluginRegistry({ builtins: [leveled] as PluginDefinition[] });
  const { context } = testContext();
  await reg.declare(loaded.config.plugins[0]!, {
    configDir,
    context,
    where: { yaml: loaded.yaml, path: ["plugins", 0] },
  });
  const lines = await reg.check("gate", { uses: "strict", with: { labl: "y" } }, {
    configDir,
    context,
    where: { yaml: loaded.yaml, path: ["steps", 0] },
  }).then(() => [], configError);
  // level comes from the plugins entry (line 4), the misspelt label from the step (line 8).
  assert.equal(lines.length, 2, lines.join("\n"));
  assert.match(lines[0]!, /fleet-orch\.yaml:4:20: Expected number at plugins\.0\.with\.level/);
  assert.match(
    lines[1]!,
    /fleet-orch\.yaml:8:13: Unknown key "labl" in steps\.0\.with; did you mean "label"\?/,
  );
});

Deno.test("PluginRegistry refuses two plugins entries with one local name", async () => {
  const { loaded, configDir } = configAt(`plugins:
  - uses: leveled
  - uses: leveled
`);
  const reg = new PluginRegistry({ builtins: [leveled] as PluginDefinition[] });
  const { context } = testContext();
  const declare = (i: number) =>
    reg.declare(loaded.config.plugins[i]!, {
      configDir,
      context,
      where: { yaml: loaded.yaml, path: ["plugins", i] },
    });
  await declare(0);
  const lines = await declare(1).then(() => [], configError);
  assert.match(lines[0]!, /fleet-orch\.yaml:3:5: Two plugins entries are named "leveled"/);
});

Deno.test("PluginRegistry validates options with any Standard Schema v1 validator", async () => {
  // A hand-written validator, no zod: what the plugin interface promises.
  const schema = {
    "~standard": {
      version: 1 as const,
      vendor: "hand",
      validate: (v: unknown) => {
        const o = v as { port?: unknown };
        return typeof o.port === "number"
          ? { value: { port: o.port } }
          : { issues: [{ message: "port must be a number", path: ["port"] }] };
      },
      types: undefined as unknown as { input: unknown; output: { port: number } },
    },
  };
  const p = definePlugin({
    kind: "notifier",
    name: "hand",
    description: "d",
    options: schema,
    create: (o) => ({ notify: () => Promise.resolve(void o.port) }),
  });
  const reg = new PluginRegistry({ builtins: [p] as PluginDefinition[] });
  const { context } = testContext();
  await reg.instantiate("notifier", { uses: "hand", with: { port: 8 } }, {
    configDir: ".",
    context,
  });
  await assert.rejects(
    reg.instantiate("notifier", { uses: "hand", with: { port: "x" } }, { configDir: ".", context }),
    /port must be a number at with\.port/,
  );
});

Deno.test("PluginRegistry refuses URL and registry plugins before fetching anything", async () => {
  const reg = new PluginRegistry({ builtins });
  const { context } = testContext();
  for (const uses of ["https://127.0.0.1:9/p.ts", "http://127.0.0.1:9/p.ts", "npm:x", "jsr:@a/b"]) {
    await assert.rejects(
      reg.load({ uses }, { configDir: ".", context }),
      /plugins from URLs or package registries .* are not loaded/,
      uses,
    );
  }
});
