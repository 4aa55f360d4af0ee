// `check` reuses the validated config from .git/fleet-orch/cache/config.json
// when the file, fleet-orch and the validating code are unchanged: an edit is
// a miss, a corrupt entry is ignored, an invalid config still reports
// FILE:LINE:COL, and configs whose validity does not follow from their text
// (`${VAR}`, module plugins) are never cached.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors.ts";
import { loadConfig } from "../../core/config.ts";
import { CONFIG_CACHE_FILE, readConfigCache } from "../../core/config_cache.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { runCheck } from "../../orchestrator/check.ts";
import { type GateRuntime, openGateRuntime } from "../../orchestrator/gate_runtime.ts";
import type { RuntimeOptions } from "../../orchestrator/runtime.ts";

const PLUGIN_ENTRY = new URL("../../plugin.ts", import.meta.url).href;
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const allow = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

const CONFIG = `quality_gates:
  hello:
    command: echo hello
    timeout: 30
`;

async function repoWith(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "config-cache-" }));
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(join(dir, name), text);
  }
  const r = await allow.run(
    "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

const cacheFile = (dir: string) => join(dir, ".git", "fleet-orch", CONFIG_CACHE_FILE);
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

async function open(dir: string, options: RuntimeOptions = {}): Promise<GateRuntime> {
  return await openGateRuntime({
    repo: dir,
    env: {},
    logLevel: "error",
    write: () => {},
    ...options,
  });
}

/** Open, note whether the config came from the cache, close. */
async function cachedOn(dir: string, options: RuntimeOptions = {}): Promise<boolean> {
  const rt = await open(dir, options);
  await rt.close();
  return rt.configCached;
}

async function configError(p: () => Promise<unknown>): Promise<ConfigError> {
  const e = await p().then(() => null, (e) => e);
  assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
  return e;
}

Deno.test("config cache: the second check takes the config from the cache, the same as validated", async () => {
  const dir = await repoWith({ "fleet-orch.yaml": CONFIG });
  try {
    const first = await open(dir);
    await first.close();
    assert.equal(first.configCached, false);
    assert.ok(await exists(cacheFile(dir)), "the first check writes the cache");
    const second = await open(dir);
    await second.close();
    assert.equal(second.configCached, true);
    const fresh = await loadConfig(join(dir, "fleet-orch.yaml"), { env: () => undefined });
    assert.deepEqual(second.loaded.config, fresh.config);
    assert.deepEqual(second.loaded.config, first.loaded.config);
    assert.equal(second.loaded.file, join(dir, "fleet-orch.yaml"));
    // And the check itself runs the gate from it.
    const result = await runCheck({ repo: dir, env: {}, view: "silent", logLevel: "error" });
    assert.equal(result.ok, true);
    assert.deepEqual(result.gates.map((g) => [g.id, g.status]), [["hello", "passed"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config cache: an edit to the config is a miss, and the edited config is the one used", async () => {
  const dir = await repoWith({ "fleet-orch.yaml": CONFIG });
  try {
    assert.equal(await cachedOn(dir), false);
    assert.equal(await cachedOn(dir), true);
    // One byte: the timeout 30 -> 31.
    await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), CONFIG.replace("30", "31"));
    const rt = await open(dir);
    await rt.close();
    assert.equal(rt.configCached, false);
    assert.equal(rt.loaded.config.quality_gates.hello?.timeout, 31);
    const again = await open(dir);
    await again.close();
    assert.equal(again.configCached, true);
    assert.equal(again.loaded.config.quality_gates.hello?.timeout, 31);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config cache: a corrupt or unreadable entry is ignored and replaced", async () => {
  const dir = await repoWith({ "fleet-orch.yaml": CONFIG });
  try {
    assert.equal(await cachedOn(dir), false);
    const good = await Deno.readTextFile(cacheFile(dir));
    const { key } = JSON.parse(good) as { key: string };
    assert.ok(await readConfigCache(cacheFile(dir), key));
    for (
      const corrupt of [
        good.slice(0, good.length / 2), // cut short
        "not json at all",
        JSON.stringify({ format: 1, key, config: "a string" }),
        JSON.stringify({ format: 1, key, config: [1, 2] }),
        JSON.stringify({ format: 999, key, config: JSON.parse(good).config }),
        "",
      ]
    ) {
      await Deno.writeTextFile(cacheFile(dir), corrupt);
      assert.equal(await readConfigCache(cacheFile(dir), key), null, corrupt.slice(0, 40));
      assert.equal(await cachedOn(dir), false, `a corrupt entry was used: ${corrupt.slice(0, 40)}`);
      // The check rewrote a good entry.
      assert.equal(await cachedOn(dir), true);
    }
    // A cache path that is a folder cannot be read or written: ignored, the check still works.
    await Deno.remove(cacheFile(dir));
    await Deno.mkdir(cacheFile(dir));
    assert.equal(await cachedOn(dir), false);
    assert.equal(await cachedOn(dir), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config cache: an invalid config after a cached one still reports FILE:LINE:COL", async () => {
  const dir = await repoWith({ "fleet-orch.yaml": CONFIG });
  const file = join(dir, "fleet-orch.yaml");
  try {
    assert.equal(await cachedOn(dir), false);
    assert.equal(await cachedOn(dir), true);
    await Deno.writeTextFile(file, CONFIG.replace("timeout: 30", "timeout: thirty"));
    const fromCheck = await configError(() => open(dir));
    const fromLoad = await configError(() => loadConfig(file, { env: () => undefined }));
    assert.deepEqual(fromCheck.problems, fromLoad.problems);
    assert.deepEqual(fromCheck.problems.map((p) => [p.file, p.line, p.col]), [[file, 4, 14]]);
    // Through the CLI: exit 2 and the located message.
    const r = await allow.run(
      `${shellJoin([Deno.execPath(), "run", "-A", MAIN, "check", "--repo", dir])} 2>&1`,
      { cwd: dir, env: { NO_COLOR: "1" }, timeoutMs: 300_000 },
    );
    assert.equal(r.code, 2, r.output);
    assert.ok(r.output.includes(`${file}:4:14`), r.output);
    // Back to the cached bytes: a hit again.
    await Deno.writeTextFile(file, CONFIG);
    assert.equal(await cachedOn(dir), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config cache: a config with ${VAR} or $$ is never cached (its value depends on the environment)", async () => {
  for (
    const text of [
      CONFIG.replace("echo hello", () => "echo ${GREETING:-hello}"),
      CONFIG.replace("echo hello", () => "echo $$HOME"),
    ]
  ) {
    const dir = await repoWith({ "fleet-orch.yaml": text });
    try {
      assert.equal(await cachedOn(dir), false);
      assert.equal(await cachedOn(dir), false);
      assert.equal(await exists(cacheFile(dir)), false);
      // Each run reads the environment afresh.
      const rt = await open(dir, { env: { GREETING: "bonjour" } });
      await rt.close();
      assert.equal(
        rt.loaded.config.quality_gates.hello?.command,
        text.includes("GREETING") ? "echo bonjour" : "echo $HOME",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  }
});

Deno.test("config cache: a config naming a module plugin is never cached (its code is outside the fingerprint)", async () => {
  const dir = await repoWith({
    "notify.ts": `import { definePlugin, optionsSchema, z } from "${PLUGIN_ENTRY}";
export default definePlugin({
  kind: "notifier",
  name: "quiet",
  description: "says nothing",
  options: optionsSchema({ level: z.number().int() }),
  create: () => ({ notify: () => Promise.resolve() }),
});
`,
    "fleet-orch.yaml": `${CONFIG}notifiers:
  - uses: ./notify.ts
    with: { level: 1 }
`,
  });
  try {
    assert.equal(await cachedOn(dir), false);
    assert.equal(await cachedOn(dir), false);
    assert.equal(await exists(cacheFile(dir)), false);
    // The plugin's options are checked on every run: a change to its schema
    // (here: level must be a string now) is caught by the next check.
    await Deno.writeTextFile(
      join(dir, "notify.ts"),
      (await Deno.readTextFile(join(dir, "notify.ts"))).replace("z.number().int()", "z.string()"),
    );
    const r = await allow.run(
      `${shellJoin([Deno.execPath(), "run", "-A", MAIN, "check", "--repo", dir])} 2>&1`,
      { cwd: dir, env: { NO_COLOR: "1" }, timeoutMs: 300_000 },
    );
    assert.equal(r.code, 2, r.output);
    assert.ok(r.output.includes(`${join(dir, "fleet-orch.yaml")}:7:`), r.output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("config cache: allow_paths that lifts a built-in protection is checked on every run, with its position", async () => {
  const dir = await repoWith({
    "fleet-orch.yaml": `${CONFIG}safety:
  allow_paths:
    - azure-pipelines.yml
`,
  });
  try {
    // Allowed by the flag: validated and cached.
    assert.equal(await cachedOn(dir, { allowPolicyLoosening: true }), false);
    assert.equal(await cachedOn(dir, { allowPolicyLoosening: true }), true);
    // Without the permission the cached config does not pass.
    const e = await configError(() => open(dir));
    assert.deepEqual(e.problems.map((p) => [p.line, p.col]), [[7, 7]]);
    assert.match(e.message, /--allow-policy-loosening/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
