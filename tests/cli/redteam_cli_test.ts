/**
 * The everyday CLI as users get it wrong: base URLs without their scheme (in
 * the config and in OPENAI_BASE_URL), a provider whose endpoint the
 * environment does not give, doctor outside a repository, in a repository
 * without a commit, with a reviewer that has no key, and against endpoints
 * that hang, fail or rate-limit. Real subprocesses and real servers on
 * 127.0.0.1; a gate that writes a marker file shows whether any gate ran.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DoctorCheck, doctorExitCode, runDoctor } from "../../cli/doctor.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const MARK = 'quality_gates:\n  mark: { command: "touch gate-ran" }\n';

async function tempDir(prefix: string): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix }));
}

async function repoWith(config: string, { commit = true } = {}): Promise<string> {
  const dir = await tempDir("redteam-cli-");
  await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), config);
  const r = await exec.run(
    commit
      ? "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m i"
      : "git init -q",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

/**
 * fleet-orch as a subprocess in `cwd`, with `set` added to the environment
 * and `unset` removed from it (the host's own variables must not leak in).
 */
function cli(
  cwd: string,
  args: string[],
  set: Record<string, string> = {},
  unset: string[] = [],
): Promise<{ code: number; output: string }> {
  const argv = [
    "env",
    ...unset.filter((n) => !(n in set)).flatMap((n) => ["-u", n]),
    Deno.execPath(),
    "run",
    "-A",
    MAIN,
    ...args,
  ];
  return exec.run(shellJoin(argv), {
    cwd,
    timeoutMs: 300_000,
    env: { NO_COLOR: "1", ...set },
  });
}

const MODEL_VARS = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "AZURE_OPENAI_ENDPOINT",
  "AZURE_OPENAI_API_KEY",
  "AZURE_OPENAI_API_VERSION",
  "ANTHROPIC_API_KEY",
];

const gateRan = (dir: string) => Deno.stat(join(dir, "gate-ran")).then(() => true, () => false);

const byName = (checks: DoctorCheck[], name: string) => {
  const c = checks.find((x) => x.name === name);
  assert.ok(c, `no "${name}" check in ${JSON.stringify(checks)}`);
  return c;
};

Deno.test("redteam cli run with OPENAI_BASE_URL lacking its scheme exits 2 at the agent, before any gate", async () => {
  const dir = await repoWith(`agents:\n  codex: { model: m }\n  jules: { model: m }\n${MARK}`);
  try {
    const r = await cli(dir, ["run"], { OPENAI_BASE_URL: "localhost:11434/v1" }, MODEL_VARS);
    assert.equal(r.code, 2, r.output);
    assert.ok(
      r.output.includes(`${join(dir, "fleet-orch.yaml")}:2:10: The base URL in OPENAI_BASE_URL`),
      r.output,
    );
    assert.match(r.output, /"http:\/\/localhost:11434\/v1"/);
    assert.equal(await gateRan(dir), false, "a gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli check and doctor: a base_url without its scheme is a config error at its value", async () => {
  const dir = await repoWith(
    `agents:\n  codex: { provider: ollama, model: m, base_url: "localhost:11434/v1" }\n${MARK}`,
  );
  try {
    const check = await cli(dir, ["check"], {}, MODEL_VARS);
    assert.equal(check.code, 2, check.output);
    assert.ok(
      check.output.includes(`${join(dir, "fleet-orch.yaml")}:2:50: Base URL "localhost:11434/v1"`),
      check.output,
    );
    assert.equal(await gateRan(dir), false, "a gate ran");
    const doctor = await cli(dir, ["doctor", "--offline"], {}, MODEL_VARS);
    assert.equal(doctor.code, 2, doctor.output);
    assert.match(doctor.output, /FAIL config: .*fleet-orch\.yaml:2:50: Base URL/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli run with provider azure and no endpoint exits 2 naming the variable, before any gate", async () => {
  const dir = await repoWith(
    `agents:\n  codex: { provider: azure, model: gpt-4o }\n  jules: { enabled: false }\n${MARK}`,
  );
  try {
    const r = await cli(dir, ["run"], {}, MODEL_VARS);
    assert.equal(r.code, 2, r.output);
    assert.ok(
      r.output.includes(`${join(dir, "fleet-orch.yaml")}:2:22: Provider "azure"`),
      r.output,
    );
    assert.match(r.output, /AZURE_OPENAI_ENDPOINT/);
    assert.equal(await gateRan(dir), false, "a gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli doctor --json outside a git repository prints its checks as one document, exit 2", async () => {
  const dir = await tempDir("redteam-nogit-");
  await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), MARK);
  try {
    const r = await cli(dir, ["doctor", "--json", "--offline"], { GIT_CEILING_DIRECTORIES: dir });
    assert.equal(r.code, 2, r.output);
    const doc = JSON.parse(r.output.slice(r.output.indexOf("{"), r.output.lastIndexOf("}") + 1));
    const repo = byName(doc.checks, "repository");
    assert.equal(repo.status, "error");
    assert.match(repo.message, /not inside a git repository/);
    assert.match(repo.fix ?? "", /--repo DIR/);
    // The checks that need no repository were still made.
    assert.equal(byName(doc.checks, "git").status, "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam doctor warns of a repository without a commit, which run needs", async () => {
  const dir = await repoWith(MARK, { commit: false });
  try {
    const checks = await runDoctor({
      repo: dir,
      offline: true,
      env: { PATH: Deno.env.get("PATH") ?? "" },
    });
    const first = byName(checks, "first commit");
    assert.equal(first.status, "warn");
    assert.match(first.message, /no commit yet: "fleet-orch run" starts its work branch from HEAD/);
    assert.match(first.fix ?? "", /git commit/);
    // check works without a commit: a warning, not a problem.
    assert.equal(doctorExitCode(checks), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam doctor calls a reviewer without its key a problem when the fixer can write patches", async () => {
  const fake = await startFakeOpenAi([]);
  const dir = await repoWith(
    `agents:\n  codex: { provider: openai, model: m, base_url: "${fake.url}" }\n` +
      `  jules: { provider: anthropic, model: claude }\n${MARK}`,
  );
  try {
    const checks = await runDoctor({ repo: dir, env: { PATH: Deno.env.get("PATH") ?? "" } });
    assert.equal(byName(checks, "codex endpoint").status, "ok");
    const jules = byName(checks, "jules key");
    assert.equal(jules.status, "error", jules.message);
    assert.match(jules.message, /ANTHROPIC_API_KEY.*exit 3 \(reviewer_unavailable\)/);
    assert.match(jules.fix ?? "", /agents\.jules\.enabled: false/);
    assert.equal(doctorExitCode(checks), 1);
    // Without a usable fixer the same missing key only leaves the reviewer out.
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      `agents:\n  codex: { enabled: false }\n  jules: { provider: anthropic, model: claude }\n${MARK}`,
    );
    const alone = await runDoctor({ repo: dir, env: { PATH: Deno.env.get("PATH") ?? "" } });
    assert.equal(byName(alone, "jules key").status, "warn");
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam doctor tells a failing server and a rate limit from a wrong base URL", async () => {
  let status = 502;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      status === 429
        ? new Response('{"error":{"message":"Rate limit reached"}}', {
          status,
          headers: { "content-type": "application/json" },
        })
        : new Response("<html>Bad Gateway</html>", {
          status,
          headers: { "content-type": "text/html" },
        }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/v1`;
  const dir = await repoWith(
    `agents:\n  codex: { provider: vllm, model: m, base_url: "${url}" }\n  jules: { enabled: false }\n${MARK}`,
  );
  try {
    const env = { PATH: Deno.env.get("PATH") ?? "" };
    const failing = byName(await runDoctor({ repo: dir, env }), "codex endpoint");
    assert.equal(failing.status, "error");
    assert.match(failing.message, /HTTP 502.*content type text\/html.*Bad Gateway/);
    assert.doesNotMatch(failing.fix ?? "", /must be the API root/);
    assert.match(failing.fix ?? "", /logs/);
    status = 429;
    const checks = await runDoctor({ repo: dir, env });
    const limited = byName(checks, "codex endpoint");
    assert.equal(limited.status, "warn", limited.message);
    assert.match(limited.message, /HTTP 429 \(rate limited\)/);
    assert.equal(doctorExitCode(checks), 0);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli doctor bounds an endpoint that accepts and never answers, and exits 1", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const c of listener) held.push(c);
  })().catch(() => {});
  const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`;
  const dir = await repoWith(
    `agents:\n  codex: { provider: vllm, model: m, base_url: "${url}" }\n  jules: { enabled: false }\n${MARK}`,
  );
  try {
    const r = await cli(dir, ["doctor"], {}, MODEL_VARS);
    assert.equal(r.code, 1, r.output);
    assert.ok(r.output.includes(`FAIL codex endpoint: Cannot reach "${url}/models"`), r.output);
    assert.match(r.output, /no answer within 5 s/);
    assert.equal(await gateRan(dir), false, "doctor ran a gate");
  } finally {
    listener.close();
    for (const c of held) c.close();
    await accepting;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli check: a disabled agent's provider typo is still a config error, before any gate", async () => {
  const dir = await repoWith(`agents:\n  jules: { provider: antropic, enabled: false }\n${MARK}`);
  try {
    const r = await cli(dir, ["check"], {}, MODEL_VARS);
    assert.equal(r.code, 2, r.output);
    assert.ok(
      r.output.includes(`${join(dir, "fleet-orch.yaml")}:2:22: Unknown llm plugin "antropic"`),
    );
    assert.match(r.output, /did you mean "anthropic"\?/);
    assert.equal(await gateRan(dir), false, "a gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli check: positions on the first line of a file with a byte order mark are an editor's", async () => {
  const dir = await repoWith("");
  const file = join(dir, "fleet-orch.yaml");
  try {
    // A schema problem, and (in a file without one) a plugin problem.
    await Deno.writeTextFile(file, `\ufeffagentz: 1\n${MARK}`);
    const schema = await cli(dir, ["check"], {}, MODEL_VARS);
    assert.equal(schema.code, 2, schema.output);
    assert.ok(schema.output.includes(`${file}:1:1: Unknown key "agentz"`), schema.output);
    await Deno.writeTextFile(file, `\ufeffagents: { codex: { provider: opneai } }\n${MARK}`);
    const plugin = await cli(dir, ["check"], {}, MODEL_VARS);
    assert.equal(plugin.code, 2, plugin.output);
    assert.ok(plugin.output.includes(`${file}:1:30: Unknown llm plugin "opneai"`), plugin.output);
    assert.equal(await gateRan(dir), false, "a gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam doctor names where a VCS host's redirect points", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(null, { status: 302, headers: { location: "https://sso.example.invalid/" } }),
  );
  const dir = await repoWith(
    `agents:\n  codex: { enabled: false }\n  jules: { enabled: false }\n${MARK}vcs:\n  uses: github\n` +
      `  with: { api_url: "http://127.0.0.1:${server.addr.port}", owner: acme, repo: app }\n`,
  );
  try {
    const checks = await runDoctor({
      repo: dir,
      env: { PATH: Deno.env.get("PATH") ?? "", GITHUB_TOKEN: "ghp_x" },
    });
    const access = byName(checks, "vcs access");
    assert.equal(access.status, "error");
    assert.match(access.message, /HTTP 302 redirecting to "https:\/\/sso\.example\.invalid\/"/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam doctor warns when the endpoint does not list the agent's model", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ object: "list", data: [{ id: "llama3.1:latest" }, { id: "qwen2.5" }] }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/v1`;
  const config = (model: string) =>
    `agents:\n  codex: { provider: ollama, model: "${model}", base_url: "${url}" }\n` +
    `  jules: { enabled: false }\n${MARK}`;
  const dir = await repoWith(config("llama3.2"));
  try {
    const env = { PATH: Deno.env.get("PATH") ?? "" };
    const checks = await runDoctor({ repo: dir, env });
    const model = byName(checks, "codex model");
    assert.equal(model.status, "warn");
    assert.match(model.message, /"llama3\.2" \(agents\.codex\.model\) is not among the 2 models/);
    assert.match(model.fix ?? "", /ollama pull llama3\.2/);
    assert.equal(doctorExitCode(checks), 0);
    // Ollama's implied :latest tag counts as listed.
    await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), config("llama3.1"));
    const listed = await runDoctor({ repo: dir, env });
    assert.equal(listed.find((c) => c.name === "codex model"), undefined);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli an empty flag value is a usage error, not the default taken silently", async () => {
  const dir = await repoWith(`${MARK}deployment:\n  environments:\n    staging: {}\n`);
  try {
    for (
      const args of [
        ["run", "--environment="],
        ["check", "--config="],
        ["check", "--config", ""],
        ["doctor", "--repo", " "],
      ]
    ) {
      const r = await cli(dir, args, {}, MODEL_VARS);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.output}`);
      assert.match(r.output, /needs a value, got an empty one/, args.join(" "));
    }
    assert.equal(await gateRan(dir), false, "a gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli an unknown short flag names the long flag meant, or where dashed arguments go", async () => {
  const dir = await repoWith(MARK);
  try {
    const short = await cli(dir, ["check", "-c", "fleet-orch.yaml"], {}, MODEL_VARS);
    assert.equal(short.code, 2, short.output);
    assert.match(short.output, /Unknown flag -c; did you mean --config\?/);
    const dashed = await cli(dir, ["policy", "check-command", "ls", "-la"], {}, MODEL_VARS);
    assert.equal(dashed.code, 2, dashed.output);
    assert.match(
      dashed.output,
      /Unknown flag -l; an argument that starts with "-" goes after "--"/,
    );
    assert.equal(await gateRan(dir), false, "a gate ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redteam cli verification URLs that cannot be requested are config errors, before any gate", async () => {
  const dir = await repoWith(
    `${MARK}deployment:\n  environments:\n    staging:\n      health_endpoint: "localhost:8080/health"\n` +
      `      smoke_tests:\n        - { name: home, url: /home }\n`,
  );
  const file = join(dir, "fleet-orch.yaml");
  try {
    const verify = await cli(dir, ["verify", "--environment", "staging"], {}, MODEL_VARS);
    assert.equal(verify.code, 2, verify.output);
    assert.ok(
      verify.output.includes(`${file}:6:24: "localhost:8080/health" has no scheme`),
      verify.output,
    );
    assert.match(verify.output, /"http:\/\/localhost:8080\/health"/);
    assert.ok(verify.output.includes(`${file}:8:30: "/home" is not an absolute`), verify.output);
    const run = await cli(dir, ["run", "--environment", "staging"], {}, MODEL_VARS);
    assert.equal(run.code, 2, run.output);
    assert.equal(await gateRan(dir), false, "a gate ran");
    // With base_url, a relative path is what it resolves against.
    await Deno.writeTextFile(
      file,
      `${MARK}deployment:\n  environments:\n    staging:\n      base_url: "http://127.0.0.1:9/"\n` +
        `      smoke_tests:\n        - { name: home, url: /home }\n`,
    );
    const ok = await cli(dir, ["doctor", "--offline"], {}, MODEL_VARS);
    assert.doesNotMatch(ok.output, /FAIL config/, ok.output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
