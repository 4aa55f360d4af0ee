import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../../core/config.ts";
import { ConfigError, PluginError, PolicyViolation } from "../../core/errors.ts";
import type { FixerPlugin, GatePlugin } from "../../core/plugin.ts";
import { configDirOf, parseOptions, PluginRegistry } from "../../core/registry.ts";
import type { GateResult } from "../../core/types.ts";
import { type ExecPluginDefinition, loadExecPlugin } from "../../plugins/exec.ts";
import { EXAMPLES, FIXTURES, testContext } from "./_plugin_env.ts";
import { sleepMarker, waitGone } from "./_proc.ts";

const PY_GATE = `exec:python3 ${join(EXAMPLES, "exec_gate.py")}`;

function registry(): PluginRegistry {
  return new PluginRegistry({ builtins: [], execLoader: loadExecPlugin });
}

async function withRepo(files: Record<string, string>, body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-exec-plugin-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.mkdir(join(dir, name, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, name), text);
    }
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Load a plugin reference through the registry and return its ConfigError lines. */
async function loadError(uses: string, extra = ""): Promise<string[]> {
  const reg = registry();
  const { context } = testContext();
  const loaded = parseConfig(`plugins:\n  - uses: "${uses}"\n${extra}`, join(FIXTURES, "f.yaml"), {
    env: () => undefined,
  });
  try {
    await reg.load(loaded.config.plugins[0]!, {
      configDir: FIXTURES,
      context,
      where: { yaml: loaded.yaml, path: ["plugins", 0] },
    });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return e.message.split("\n");
  } finally {
    await reg.close();
  }
  assert.fail("the plugin loaded");
}

Deno.test("exec plugin in Python describes itself and is listed", async () => {
  const reg = registry();
  const { context } = testContext();
  try {
    const def = await reg.load({ uses: PY_GATE }, { configDir: FIXTURES, context });
    assert.equal(def.kind, "gate");
    assert.equal(def.name, "hygiene");
    assert.deepEqual(reg.list(), [{
      kind: "gate",
      name: "hygiene",
      description: "Trailing whitespace, merge-conflict markers and TODOs in text files",
      source: "exec",
      uses: PY_GATE,
    }]);
    // Its JSON Schema became a zod schema with the plugin's defaults.
    assert.deepEqual(await parseOptions(def, {}), {
      checks: ["trailing-whitespace", "conflict-markers"],
      include: ["*"],
      exclude: [],
      max_failures: 100,
    });
  } finally {
    await reg.close();
  }
});

Deno.test("exec plugin options are validated by its schema with FILE:LINE:COL", async () => {
  const reg = registry();
  const { context } = testContext();
  const loaded = parseConfig(
    `steps:\n  - uses: "${PY_GATE}"\n    with:\n      checks: [tabs]\n      exclud: []\n`,
    join(FIXTURES, "f.yaml"),
    { env: () => undefined },
  );
  try {
    await assert.rejects(
      () =>
        reg.instantiate("gate", { uses: PY_GATE, with: loaded.config.steps[0]!.with ?? {} }, {
          configDir: configDirOf(loaded.file),
          context,
          where: { yaml: loaded.yaml, path: ["steps", 0] },
        }),
      (e) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.message.split("\n"), [
          `${loaded.file}:4:16: Unknown value "tabs" at steps.0.with.checks.0; expected one of "trailing-whitespace", "conflict-markers", "todo"`,
          `${loaded.file}:5:7: Unknown key "exclud" in steps.0.with; did you mean "exclude"?`,
        ]);
        return true;
      },
    );
  } finally {
    await reg.close();
  }
});

Deno.test("exec plugin gate run reports real findings with positions", async () => {
  await withRepo({
    "src/a.ts": "const a = 1;   \nconst b = 2;\n",
    "notes.md": "ok\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> branch\n// TODO: later\n",
    "node_modules/x.js": "skipped   \n",
  }, async (dir) => {
    const reg = registry();
    const { context } = testContext({ repoRoot: dir });
    try {
      const gate = await reg.instantiate("gate", {
        uses: PY_GATE,
        with: { checks: ["trailing-whitespace", "conflict-markers", "todo"] },
      }, { configDir: FIXTURES, context });
      const r = await gate.run({ cwd: dir, env: {} });
      assert.equal(r.ok, false);
      assert.deepEqual(
        r.failures?.map((f) => `${f.file}:${f.line}:${f.column} ${f.tool}`),
        [
          "notes.md:2:1 conflict-markers",
          "notes.md:4:1 conflict-markers",
          "notes.md:6:1 conflict-markers",
          "notes.md:7:4 todo",
          "src/a.ts:1:13 trailing-whitespace",
        ],
      );
      for (const f of r.failures ?? []) {
        assert.equal(f.gate, "hygiene");
        assert.match(f.fingerprint, /^[a-z-]+:[0-9a-f]{16}$/);
      }
      assert.match(r.output, /src\/a\.ts:1:13: trailing-whitespace: Trailing whitespace\n/);
      assert.match(r.output, /5 problem\(s\) in 2 file\(s\) checked\n$/);
    } finally {
      await reg.close();
    }
  });
});

Deno.test("exec plugin configure receives the options of each instance", async () => {
  await withRepo({ "a.txt": "x  \n// TODO\n" }, async (dir) => {
    const reg = registry();
    const { context } = testContext({ repoRoot: dir });
    try {
      const make = (checks: string[]) =>
        reg.instantiate("gate", { uses: PY_GATE, with: { checks } }, {
          configDir: FIXTURES,
          context,
        });
      // Two instances with different options must not overwrite each other.
      const [todo, ws] = await Promise.all([make(["todo"]), make(["trailing-whitespace"])]);
      const [a, b] = await Promise.all([
        todo.run({ cwd: dir, env: {} }),
        ws.run({ cwd: dir, env: {} }),
      ]);
      assert.deepEqual(a.failures?.map((f) => f.tool), ["todo"]);
      assert.deepEqual(b.failures?.map((f) => f.tool), ["trailing-whitespace"]);
      const clean = await make(["conflict-markers"]);
      assert.deepEqual(await clean.run({ cwd: dir, env: {} }), {
        ok: true,
        output: "0 problem(s) in 1 file(s) checked\n",
        failures: [],
      });
    } finally {
      await reg.close();
    }
  });
});

Deno.test("exec plugin that dies names its exit code and last stderr", async () => {
  const lines = await loadError(`exec:sh ${join(FIXTURES, "dies.sh")}`);
  assert.deepEqual(lines, [
    `${join(FIXTURES, "f.yaml")}:2:11: Cannot start exec plugin "sh ${
      join(FIXTURES, "dies.sh")
    }": The plugin process exited with code 7; its last output on stderr: fatal: cannot find my model file`,
  ]);
  // Called directly, the loader throws a PluginError.
  const { context } = testContext();
  await assert.rejects(
    () => loadExecPlugin(`sh ${join(FIXTURES, "dies.sh")}`, { cwd: FIXTURES, context }),
    (e) => e instanceof PluginError && e.plugin === `exec:sh ${join(FIXTURES, "dies.sh")}`,
  );
});

Deno.test("exec plugin that hangs is stopped after timeout_seconds", async () => {
  const marker = sleepMarker();
  const uses = `exec:sh ${join(FIXTURES, "hangs.sh")} ${marker}`;
  const lines = await loadError(uses, "    timeout_seconds: 0.3\n");
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /:2:11: Cannot start exec plugin ".*hangs\.sh \d+\.\d+": The plugin did not answer "describe" within 0\.3 s; it was stopped$/,
  );
  assert.deepEqual(await waitGone(marker), [], "the hanging plugin is still running");
});

Deno.test("exec plugin that writes garbage is refused with what it wrote", async () => {
  const lines = await loadError(`exec:sh ${join(FIXTURES, "garbage.sh")}`);
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /: The plugin wrote a line that is not JSON-RPC: "Hello! I am a plugin, nice to meet you\."$/,
  );
});

Deno.test("exec plugin with an invalid describe answer says which field is wrong", async () => {
  const lines = await loadError(`exec:sh ${join(FIXTURES, "bad_describe.sh")}`);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /: Its "describe" answer is not valid: kind: .*; name: /);
});

Deno.test("exec plugin answering a malformed result fails with its name", async () => {
  const reg = registry();
  const { context } = testContext();
  try {
    const gate: GatePlugin = await reg.instantiate("gate", {
      uses: `exec:sh ${join(FIXTURES, "bad_result.sh")}`,
      with: {},
    }, { configDir: FIXTURES, context });
    await assert.rejects(() => gate.run({ cwd: FIXTURES, env: {} }), (e) => {
      assert.ok(e instanceof PluginError);
      assert.equal(e.plugin, "bad-result");
      assert.match(e.message, /"run" answered with an invalid result: ok: /);
      return true;
    });
  } finally {
    await reg.close();
  }
});

Deno.test("exec plugin stderr is logged and a missing configure is fine", async () => {
  const reg = registry();
  const { context, lines } = testContext();
  try {
    const n = await reg.instantiate("notifier", {
      uses: `exec:sh ${join(FIXTURES, "chatty.sh")}`,
      with: {},
    }, { configDir: FIXTURES, context });
    await n.notify({ runId: "r", stopReason: "green", success: true, markdown: "" });
  } finally {
    await reg.close();
  }
  assert.deepEqual(lines.filter((l) => l.includes("chatty:")), [
    "[exec:chatty.sh] chatty: starting up",
    "[exec:chatty.sh] chatty: notified",
  ]);
});

Deno.test("exec fixer asks the plugin's applies inside fix", async () => {
  const reg = registry();
  const { context } = testContext();
  const gate = { id: "lint", name: "lint", required: true, status: "failed" } as GateResult;
  const failure = (message: string) => ({
    gate: "lint",
    tool: "generic",
    message,
    excerpt: message,
    fingerprint: message,
  });
  try {
    const fixer: FixerPlugin = await reg.instantiate("fixer", {
      uses: `exec:python3 ${join(FIXTURES, "exec_fixer.py")}`,
      with: { word: "typo" },
    }, { configDir: FIXTURES, context });
    // Synchronous by contract: a Promise here would always read as true.
    assert.equal(fixer.applies([failure("a typo")], gate), true);
    assert.equal(await fixer.fix({ cwd: ".", failures: [failure("all fine")], gate }), null);
    const proposal = await fixer.fix({ cwd: ".", failures: [failure("a typo here")], gate });
    assert.equal(proposal?.summary, "fix typo");
    assert.deepEqual((proposal as unknown as { seen: string[] }).seen, [
      "describe",
      "configure",
      "applies",
      "applies",
      "fix",
    ]);
  } finally {
    await reg.close();
  }
});

Deno.test("exec plugin command refused by policy never starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const flag = join(dir, "started");
    const reg = registry();
    const { context } = testContext({
      judge: (c) =>
        c.startsWith("touch")
          ? { allowed: false, rule: "no-touch", message: "touch is refused" }
          : { allowed: true, rule: null, message: "" },
    });
    await assert.rejects(
      () => reg.load({ uses: `exec:touch ${flag}` }, { configDir: FIXTURES, context }),
      PolicyViolation,
    );
    await assert.rejects(() => Deno.stat(flag), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("exec plugin definition dispose stops its processes", async () => {
  const { context } = testContext();
  const def = await loadExecPlugin(`python3 ${join(EXAMPLES, "exec_gate.py")}`, {
    cwd: FIXTURES,
    context,
  }) as ExecPluginDefinition;
  const gate = await def.create(def.options.parse({}), context) as GatePlugin;
  await def.dispose();
  await assert.rejects(() => gate.run({ cwd: FIXTURES, env: {} }), /connection is closed/);
});

Deno.test("exec plugin without verify passes verify, other missing methods fail", async () => {
  const reg = registry();
  const { context } = testContext();
  try {
    const vcs = await reg.instantiate("vcs", {
      uses: `exec:sh ${join(FIXTURES, "vcs_minimal.sh")}`,
      with: {},
    }, { configDir: FIXTURES, context });
    assert.equal(await vcs.verify!(), undefined);
    await assert.rejects(
      () => vcs.pushBranch!("fleet-orch/fix"),
      /^PluginError: Plugin "minimal": "pushBranch" failed: Method not found$/,
    );
  } finally {
    await reg.close();
  }
});
