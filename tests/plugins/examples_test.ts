// The example plugins, treated as an outside author's files: copied to a
// folder outside the repository, importing fleet-orch's ./plugin entry by
// URL, type-checked there with `deno check` (no import map of ours applies),
// and run through the registry the way config loads them.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor } from "../../core/exec.ts";
import { createLogger } from "../../core/log.ts";
import type { PluginContext } from "../../core/plugin.ts";
import { PluginRegistry } from "../../core/registry.ts";
import { applyPatch } from "../../patch/patch.ts";
import { builtinPlugins } from "../../plugins/builtins.ts";
import { loadExecPlugin } from "../../plugins/exec.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLES = join(REPO, "examples", "plugins");
const PLUGIN_ENTRY = new URL("../../plugin.ts", import.meta.url).href;
const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });

const MODULES = [
  "marker_gate.ts",
  "ollama_llm.ts",
  "whitespace_fixer.ts",
  "json_field_verifier.ts",
  "summary_file.ts",
];

/** Copy the examples out of the repository, pointing them at plugin.ts by URL. */
async function outsideCopies(): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "outside-author-" }));
  assert.ok(!dir.startsWith(REPO), "The copies must live outside the repository");
  for (const name of MODULES) {
    const text = await Deno.readTextFile(join(EXAMPLES, name));
    assert.ok(text.includes(`"../../plugin.ts"`), `${name} imports the ./plugin entry`);
    assert.ok(
      !/^(?:import|export)\b[^;]*?from "(?!node:|\.\.\/\.\.\/plugin\.ts")/m.test(text),
      `${name} imports only ./plugin`,
    );
    await Deno.writeTextFile(
      join(dir, name),
      text.replaceAll(`"../../plugin.ts"`, `"${PLUGIN_ENTRY}"`),
    );
  }
  await Deno.copyFile(join(EXAMPLES, "exec_gate.py"), join(dir, "exec_gate.py"));
  return dir;
}

function context(repoRoot: string, fetchFn: typeof fetch = globalThis.fetch): PluginContext {
  return {
    repoRoot,
    exec,
    log: createLogger({ level: "error", write: () => {} }),
    env: () => undefined,
    fetch: fetchFn,
    dryRun: false,
  };
}

async function serve(handler: (req: Request) => Response | Promise<Response>) {
  const ready = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: (a) => ready.resolve(a) },
    handler,
  );
  const addr = await ready.promise;
  return { url: `http://127.0.0.1:${addr.port}`, close: () => server.shutdown() };
}

Deno.test("plugin examples type-check as an outside author's files", async () => {
  const dir = await outsideCopies();
  try {
    const r = await exec.runArgv(["deno", "check", ...MODULES], {
      cwd: dir,
      env: { NO_COLOR: "1" },
    });
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /error/i);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plugin examples of every kind run through the registry from outside", async () => {
  const dir = await outsideCopies();
  const work = await Deno.realPath(await Deno.makeTempDir({ prefix: "outside-work-" }));
  const server = await serve(async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/api/chat") {
      const body = await req.json() as { model: string; messages: { content: string }[] };
      return Response.json({
        model: body.model,
        message: { role: "assistant", content: `echo: ${body.messages.at(-1)!.content}` },
        prompt_eval_count: 7,
        eval_count: 3,
      });
    }
    if (path === "/health") return Response.json({ status: "ok", build: { commit: "abc" } });
    return new Response("no", { status: 404 });
  });
  const registry = new PluginRegistry({ builtins: builtinPlugins, execLoader: loadExecPlugin });
  const ctx = context(work);
  const at = { configDir: dir, context: ctx };
  try {
    await Deno.writeTextFile(join(work, "a.ts"), "const a = 1; \n// FIXME later\nexport { a };\n");

    const gate = await registry.instantiate("gate", {
      uses: "./marker_gate.ts",
      with: { extensions: [".ts"] },
    }, at);
    const gated = await gate.run({ cwd: work, env: {} });
    assert.equal(gated.ok, false);
    assert.deepEqual(gated.failures!.map((f) => [f.file, f.line, f.column]), [["a.ts", 2, 4]]);
    assert.match(gated.failures![0]!.fingerprint, /^marker:[0-9a-f]{16}$/);

    const hygiene = await registry.instantiate("gate", {
      uses: "exec:python3 ./exec_gate.py",
      with: { checks: ["trailing-whitespace"], include: ["*.ts"] },
    }, at);
    const found = await hygiene.run({ cwd: work, env: {} });
    assert.equal(found.ok, false, found.output);
    const fixer = await registry.instantiate("fixer", {
      uses: "./whitespace_fixer.ts",
      with: {},
    }, at);
    const gateResult = {
      id: "hygiene",
      name: "hygiene",
      status: "failed" as const,
      required: true,
      exitCode: 1,
      durationMs: 1,
      output: found.output,
      failures: found.failures!,
    };
    assert.equal(fixer.applies(found.failures!, gateResult), true);
    const proposal = await fixer.fix({ cwd: work, failures: found.failures!, gate: gateResult });
    assert.ok(proposal, "The fixer proposes a diff");
    const applied = await applyPatch(proposal.diff, { cwd: work });
    assert.equal(applied.ok, true, applied.error);
    assert.equal(
      await Deno.readTextFile(join(work, "a.ts")),
      "const a = 1;\n// FIXME later\nexport { a };\n",
    );
    assert.equal((await hygiene.run({ cwd: work, env: {} })).ok, true);

    const llm = await registry.instantiate("llm", {
      uses: "./ollama_llm.ts",
      with: { base_url: server.url },
    }, at);
    const reply = await llm.complete({
      model: "tiny",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(reply.text, "echo: hi");
    assert.deepEqual([reply.record.tokensIn, reply.record.tokensOut, reply.record.costUsd], [
      7,
      3,
      0,
    ]);

    const verifier = await registry.instantiate("verifier", {
      uses: "./json_field_verifier.ts",
      with: { path: "/health", field: "build.commit", equals: "abc" },
    }, at);
    const checks = await verifier.verify({
      environment: "staging",
      settings: { base_url: server.url },
    });
    assert.deepEqual(checks.map((c) => c.ok), [true]);

    const notifier = await registry.instantiate("notifier", {
      uses: "./summary_file.ts",
      with: { file: "summary.md" },
    }, at);
    await notifier.notify({ runId: "r1", stopReason: "success", success: true, markdown: "ok" });
    assert.match(await Deno.readTextFile(join(work, "summary.md")), /fleet-orch run r1: green/);

    const kinds = registry.list().filter((p) => p.source !== "builtin").map((p) => p.kind);
    assert.deepEqual(new Set(kinds), new Set(["gate", "fixer", "llm", "verifier", "notifier"]));
  } finally {
    await registry.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("plugin examples refuse a misspelt option with the key named", async () => {
  const dir = await outsideCopies();
  const registry = new PluginRegistry({ builtins: builtinPlugins });
  try {
    await assert.rejects(
      registry.instantiate("gate", { uses: "./marker_gate.ts", with: { markr: "X" } }, {
        configDir: dir,
        context: context(dir),
      }),
      /markr/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
