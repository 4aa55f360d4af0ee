import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DoctorCheck, doctorExitCode, runDoctor } from "../../cli/doctor.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const PAGE = "<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>";

async function repoWith(config: string): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "doctor-ep-" }));
  await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), config);
  const r = await exec.run(
    "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m i",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

/** A config whose two agents use `baseUrl`, with the key in `keyEnv` when given. */
function config(baseUrl: string, keyEnv?: string): string {
  const key = keyEnv ? `, api_key_env: ${keyEnv}` : "";
  return `agents:
  codex: { provider: openai, model: m, base_url: "${baseUrl}"${key} }
  jules: { provider: openai, model: m, base_url: "${baseUrl}"${key} }
quality_gates:
  ok: { command: "true" }
`;
}

/** A port on 127.0.0.1 that nothing listens on. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Every check that found a problem says what to do about it, in `fix`. */
function assertFixes(checks: DoctorCheck[]): void {
  for (const c of checks.filter((c) => c.status !== "ok")) {
    assert.ok(c.fix && c.fix.length > 10, `no fix on ${JSON.stringify(c)}`);
    assert.ok(!/Fix:/.test(c.message), `the fix is in the message of ${JSON.stringify(c)}`);
  }
}

const byName = (checks: DoctorCheck[], name: string) => {
  const c = checks.find((x) => x.name === name);
  assert.ok(c, `no "${name}" check in ${JSON.stringify(checks)}`);
  return c;
};

Deno.test("doctor contacts a keyless local endpoint once for both agents and finds it good", async () => {
  const fake = await startFakeOpenAi([]);
  const dir = await repoWith(config(fake.url));
  try {
    const checks = await runDoctor({ repo: dir, env: { PATH: Deno.env.get("PATH") ?? "" } });
    assert.equal(byName(checks, "codex key").status, "ok");
    assert.match(byName(checks, "codex key").message, /OPENAI_API_KEY is unset.*not a cloud API/);
    assert.equal(
      byName(checks, "codex endpoint").status,
      "ok",
      byName(checks, "codex endpoint").message,
    );
    assert.match(byName(checks, "jules endpoint").message, /answered with 1 model/);
    assert.deepEqual(fake.calls.map((c) => `${c.method} ${c.path} ${c.authorization}`), [
      "GET /v1/models null",
    ]);
    assert.notEqual(doctorExitCode(checks), 2);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor flags a rejected key, an HTML page and skips endpoints with --offline", async () => {
  const guarded = await startFakeOpenAi([], { apiKey: "right" });
  const web = await startFakeOpenAi([], { models: { status: 200, html: PAGE } });
  const env = { PATH: Deno.env.get("PATH") ?? "", FO_DOCTOR_TEST_KEY: "wrong" };
  const keyed = await repoWith(config(guarded.url, "FO_DOCTOR_TEST_KEY"));
  const html = await repoWith(config(web.url));
  try {
    const rejected = await runDoctor({ repo: keyed, env });
    const ep = byName(rejected, "codex endpoint");
    assert.equal(ep.status, "error");
    assert.match(ep.message, /rejected the key in "FO_DOCTOR_TEST_KEY": HTTP 401/);
    assert.match(ep.fix!, /set a valid key in "FO_DOCTOR_TEST_KEY"/);
    assertFixes(rejected);
    assert.equal(doctorExitCode(rejected), 1);

    const htmlChecks = await runDoctor({ repo: html, env });
    assertFixes(htmlChecks);
    const page = byName(htmlChecks, "codex endpoint");
    assert.equal(page.status, "error");
    assert.match(page.fix!, /API root of an OpenAI-compatible server/);
    assert.match(page.message, /not an OpenAI-compatible reply: HTTP 200, content type text\/html/);
    assert.match(page.message, /body starts "<!doctype html><html><body><h1>Welcome to nginx!/);

    const before = web.calls.length;
    const offline = await runDoctor({ repo: html, env, offline: true });
    assert.match(byName(offline, "codex endpoint").message, /not contacted \(--offline\)/);
    assert.equal(web.calls.length, before);
  } finally {
    await guarded.close();
    await web.close();
    await Deno.remove(keyed, { recursive: true });
    await Deno.remove(html, { recursive: true });
  }
});

Deno.test("cli doctor exits 1 naming an unreachable endpoint, 2 on a provider typo", async () => {
  const url = `http://127.0.0.1:${closedPort()}/v1`;
  const dir = await repoWith(config(url));
  try {
    const r = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "doctor"]), {
      cwd: dir,
      timeoutMs: 120_000,
      env: { NO_COLOR: "1" },
    });
    assert.equal(r.code, 1, r.output);
    assert.ok(r.output.includes(`FAIL codex endpoint: Cannot reach "${url}/models"`), r.output);
    assert.match(r.output, /refused|connect/i);
    // The fix is on its own line under the problem, as for every other check.
    assert.match(
      r.output,
      /FAIL codex endpoint: .*\n {7}fix: start the server, or correct agents\.codex\.base_url/,
    );

    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      'agents:\n  codex: { provider: opneai }\nquality_gates:\n  ok: { command: "true" }\n',
    );
    const typo = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "doctor"]), {
      cwd: dir,
      timeoutMs: 120_000,
      env: { NO_COLOR: "1" },
    });
    assert.equal(typo.code, 2, typo.output);
    assert.match(typo.output, /FAIL config: .*fleet-orch\.yaml:2:\d+: .*opneai/);
    assert.match(typo.output, /"opneai" \(did you mean "openai"\?\)/);
    // The presets are valid providers too, and listed.
    assert.match(typo.output, /valid names: .*ollama/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli doctor --repo that is not a directory is a usage error (exit 2)", async () => {
  const r = await exec.run(
    shellJoin([Deno.execPath(), "run", "-A", MAIN, "doctor", "--repo", "/nonexistent-fleet-orch"]),
    { timeoutMs: 120_000, env: { NO_COLOR: "1" } },
  );
  assert.equal(r.code, 2, r.output);
  assert.match(r.output, /no such directory/);
});

Deno.test("cli run with a provider typo exits 2 before any gate runs", async () => {
  const dir = await repoWith(
    'agents:\n  codex: { provider: opneai }\nquality_gates:\n  mark: { command: "touch gate-ran" }\n',
  );
  try {
    const r = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "run"]), {
      cwd: dir,
      timeoutMs: 120_000,
      env: { NO_COLOR: "1" },
    });
    assert.equal(r.code, 2, r.output);
    assert.match(r.output, /opneai/);
    assert.equal(await Deno.stat(join(dir, "gate-ran")).then(() => true, () => false), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
