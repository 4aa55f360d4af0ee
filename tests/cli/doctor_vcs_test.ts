import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type DoctorCheck, doctorExitCode, runDoctor } from "../../cli/doctor.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { probeAzureDevopsAccess, probeGithubAccess } from "../../plugins/vcs/access.ts";
import { startGithubFake } from "../fakes/github_server.ts";
import { startAzureDevopsFake } from "../fakes/azure_devops_server.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const PATH = Deno.env.get("PATH") ?? "";

async function repoWith(config: string): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "doctor-vcs-" }));
  await Deno.writeTextFile(join(dir, "fleet-orch.yaml"), config);
  const r = await exec.run(
    "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m i",
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.output);
  return dir;
}

// Agents off: no model endpoint is contacted, only the VCS host.
const NO_MODELS = `agents:
  codex: { enabled: false }
  jules: { enabled: false }
quality_gates:
  ok: { command: "true" }
`;

const byName = (checks: DoctorCheck[], name: string) => {
  const c = checks.find((x) => x.name === name);
  assert.ok(c, `no "${name}" check in ${JSON.stringify(checks)}`);
  return c;
};

const env = (o: Record<string, string> = {}) => ({ FLEET_ORCH_TEST: "1", ...o });
const noFetch: typeof fetch = () => Promise.reject(new Error("contacted the host"));

Deno.test("github probe: token missing, rejected, read-only, not found, and a token that may push", async () => {
  const push = startGithubFake({
    token: "ghp_ok",
    permissions: { admin: false, push: true, pull: true },
    scopes: "repo, workflow",
    forbiddenTokens: ["ghp_blocked"],
  });
  const readOnly = startGithubFake({
    token: "ghp_ro",
    permissions: { admin: false, push: false, pull: true },
  });
  const narrow = startGithubFake({
    token: "ghp_narrow",
    permissions: { push: true, pull: true },
    scopes: "read:org, gist",
    private: true,
  });
  try {
    const probe = (url: string, token: string | undefined, extra: Record<string, unknown> = {}) =>
      probeGithubAccess({ api_url: url, owner: "acme", repo: "app", ...extra }, {
        env: (n) => (n === "GITHUB_TOKEN" ? token : undefined),
      });
    const missing = await probe(push.url, undefined);
    assert.deepEqual(missing.map((r) => [r.check, r.outcome]), [["token", "missing"]]);
    assert.match(missing[0]!.fix!, /export GITHUB_TOKEN/);

    const ok = await probe(push.url, "ghp_ok");
    assert.deepEqual(ok.map((r) => r.outcome), ["ok", "ok"]);
    assert.match(ok[1]!.message, /push and pull allowed \(classic token, scopes: repo, workflow\)/);
    assert.deepEqual(
      push.requests.map((r) => `${r.method} ${r.path} ${r.authorization}`),
      ["GET /repos/acme/app Bearer ghp_ok"],
    );

    const bad = await probe(push.url, "ghp_wrong");
    assert.equal(bad[1]!.outcome, "rejected");
    assert.match(bad[1]!.message, /rejected the token in GITHUB_TOKEN.*HTTP 401/);
    assert.ok(!bad.some((r) => `${r.message}${r.fix}`.includes("ghp_wrong")), "token never shown");

    const blocked = await probe(push.url, "ghp_blocked");
    assert.equal(blocked[1]!.outcome, "insufficient");

    const gone = await probe(push.url, "ghp_ok", { repo: "nope" });
    assert.equal(gone[1]!.outcome, "not_found");

    const ro = await probe(readOnly.url, "ghp_ro");
    assert.equal(ro[1]!.outcome, "insufficient");
    assert.match(ro[1]!.message, /can read acme\/app but not push/);
    assert.match(ro[1]!.fix!, /Contents and Pull requests read & write/);

    // A classic token without the repo scope cannot push to a private repository.
    const scopes = await probe(narrow.url, "ghp_narrow");
    assert.equal(scopes[1]!.outcome, "insufficient");
    assert.match(scopes[1]!.fix!, /repo scope/);

    // --offline: presence only, nothing contacted.
    const before = push.requests.length;
    const offline = await probeGithubAccess({ api_url: push.url, owner: "acme", repo: "app" }, {
      env: (n) => (n === "GITHUB_TOKEN" ? "ghp_ok" : undefined),
      offline: true,
      fetch: noFetch,
    });
    assert.deepEqual(offline.map((r) => r.outcome), ["ok", "ok"]);
    assert.match(offline[1]!.message, /not contacted \(--offline\)/);
    assert.equal(push.requests.length, before);
  } finally {
    await push.close();
    await readOnly.close();
    await narrow.close();
  }
});

Deno.test("github probe: a token whose permissions the host does not list is a warning, not ok", async () => {
  // An installation (Actions) token: no permissions object, no scopes header.
  const fake = startGithubFake({ token: "ghs_x", acceptedPermissions: "metadata=read" });
  try {
    const r = await probeGithubAccess({ api_url: fake.url }, {
      env: (n) => ({ GITHUB_TOKEN: "ghs_x", GITHUB_REPOSITORY: "acme/app" })[n],
    });
    assert.equal(r[1]!.outcome, "warn");
    assert.match(
      r[1]!.message,
      /does not say whether the token may push \(the endpoint accepts: metadata=read\)/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("azure devops probe: PAT and bearer taken, 401 and 403 told apart, unknown repository", async () => {
  const fake = startAzureDevopsFake({ token: "ado_ok", forbiddenTokens: ["ado_ro"] });
  try {
    const probe = (vars: Record<string, string>, extra: Record<string, unknown> = {}) =>
      probeAzureDevopsAccess({
        org_url: fake.orgUrl,
        project: "fleet",
        repository: "app",
        ...extra,
      }, {
        env: (n) => vars[n],
      });
    const none = await probe({});
    assert.deepEqual(none.map((r) => [r.check, r.outcome]), [["token", "missing"]]);
    assert.match(none[0]!.fix!, /SYSTEM_ACCESSTOKEN: \$\(System.AccessToken\)/);

    const pat = await probe({ AZURE_DEVOPS_PAT: "ado_ok" });
    assert.deepEqual(pat.map((r) => r.outcome), ["ok", "warn"]);
    assert.match(pat[1]!.message, /repository "app" is readable with AZURE_DEVOPS_PAT/);
    const bearer = await probe({ SYSTEM_ACCESSTOKEN: "ado_ok" });
    assert.equal(bearer[1]!.outcome, "warn");
    const sent = fake.requests.filter((r) => r.path.endsWith("/repositories/app"));
    assert.deepEqual(sent.map((r) => r.authorization), [
      `Basic ${btoa(":ado_ok")}`,
      "Bearer ado_ok",
    ]);

    const rejected = await probe({ AZURE_DEVOPS_PAT: "ado_wrong" });
    assert.equal(rejected[1]!.outcome, "rejected");
    assert.match(rejected[1]!.message, /rejected the token in AZURE_DEVOPS_PAT.*HTTP 401/);
    const forbidden = await probe({ AZURE_DEVOPS_PAT: "ado_ro" });
    assert.equal(forbidden[1]!.outcome, "insufficient");
    assert.match(forbidden[1]!.message, /TF401027/);
    assert.match(forbidden[1]!.fix!, /Code \(Read & write\)/);
    const gone = await probe({ AZURE_DEVOPS_PAT: "ado_ok" }, { repository: "other" });
    assert.equal(gone[1]!.outcome, "not_found");
    const unknown = await probeAzureDevopsAccess({}, {
      env: (n) => ({ AZURE_DEVOPS_PAT: "x" })[n],
    });
    assert.equal(unknown[1]!.outcome, "missing");
    assert.match(unknown[1]!.fix!, /org_url.*project.*repository/);
  } finally {
    await fake.close();
  }
});

Deno.test("doctor checks the vcs token and git identity, exits 1 on a rejected token, 0 when fixed", async () => {
  const fake = startGithubFake({
    token: "ghp_ok",
    permissions: { push: true, pull: true },
    scopes: "repo",
  });
  const dir = await repoWith(
    `${NO_MODELS}vcs:\n  uses: github\n  with: { api_url: "${fake.url}", owner: acme, repo: app }\n`,
  );
  try {
    const bad = await runDoctor({ repo: dir, env: env({ PATH, GITHUB_TOKEN: "nope" }) });
    assert.equal(byName(bad, "vcs token").status, "ok");
    assert.equal(byName(bad, "vcs access").status, "error");
    assert.ok(byName(bad, "vcs access").fix);
    assert.equal(doctorExitCode(bad), 1);
    const good = await runDoctor({ repo: dir, env: env({ PATH, GITHUB_TOKEN: "ghp_ok" }) });
    assert.equal(byName(good, "vcs access").status, "ok", byName(good, "vcs access").message);
    // Only the token made the difference.
    assert.deepEqual(
      bad.filter((c) => c.status === "error").map((c) => c.name),
      ["vcs access"],
    );
    assert.equal(doctorExitCode(good), 0, JSON.stringify(good));
    const id = byName(good, "git identity");
    assert.equal(id.status, "ok");
    assert.match(
      id.message,
      /committed as fleet-orch <fleet-orch@users\.noreply\.invalid> \(fleet-orch's default/,
    );
    const mine = await runDoctor({
      repo: dir,
      env: env({
        PATH,
        GITHUB_TOKEN: "ghp_ok",
        GIT_AUTHOR_NAME: "Ada",
        GIT_AUTHOR_EMAIL: "ada@example.invalid",
      }),
    });
    assert.match(
      byName(mine, "git identity").message,
      /Ada <ada@example\.invalid> \(from GIT_AUTHOR_NAME/,
    );
    const empty = await runDoctor({
      repo: dir,
      env: env({ PATH, GITHUB_TOKEN: "ghp_ok", GIT_AUTHOR_NAME: "" }),
    });
    assert.equal(byName(empty, "git identity").status, "error");
    assert.match(byName(empty, "git identity").fix!, /GIT_AUTHOR_NAME/);
    assert.equal(doctorExitCode(empty), 1);
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("doctor CLI --offline contacts no VCS host and prints the fix under a problem", async () => {
  const fake = startGithubFake({ token: "ghp_ok" });
  const dir = await repoWith(
    `${NO_MODELS}vcs:\n  uses: github\n  with: { api_url: "${fake.url}", owner: acme, repo: app }\n`,
  );
  try {
    const run = (args: string[], vars: Record<string, string>) =>
      exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "doctor", "--repo", dir, ...args]), {
        env: { NO_COLOR: "1", ...vars },
        timeoutMs: 120_000,
      });
    const offline = await run(["--offline", "--json"], { GITHUB_TOKEN: "ghp_ok" });
    assert.equal(fake.requests.length, 0, "nothing contacted");
    const doc = JSON.parse(offline.output.slice(offline.output.indexOf("{")));
    const access = doc.checks.find((c: DoctorCheck) => c.name === "vcs access");
    assert.match(access.message, /not contacted \(--offline\)/);
    assert.equal(offline.code, 0, offline.output);
    const missing = await run(["--offline"], {});
    assert.equal(missing.code, 1, missing.output);
    assert.deepEqual(
      missing.output.split("\n").filter((l) => l.startsWith("FAIL")).map((l) => l.split(":")[0]),
      ["FAIL vcs token"],
    );
    assert.match(
      missing.output,
      /FAIL vcs token: github: GITHUB_TOKEN is not set\n\s+fix: export GITHUB_TOKEN/,
    );
  } finally {
    await fake.close();
    await Deno.remove(dir, { recursive: true });
  }
});
