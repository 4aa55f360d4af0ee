import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deployToolChecks, type DoctorCheck } from "../../cli/doctor.ts";
import { parseConfig } from "../../core/config.ts";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { firstProgram, programsOf } from "../../orchestrator/deploy_tools.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

async function tempDir(prefix: string): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix }));
}

async function program(dir: string, name: string, mode = 0o755): Promise<void> {
  await Deno.mkdir(join(dir, name, ".."), { recursive: true });
  await Deno.writeTextFile(join(dir, name), "#!/bin/sh\nexit 0\n");
  await Deno.chmod(join(dir, name), mode);
}

const byName = (checks: DoctorCheck[], name: string) => {
  const c = checks.find((x) => x.name === name);
  assert.ok(c, `no "${name}" check in ${JSON.stringify(checks)}`);
  return c;
};

const CONFIG = `deployment:
  provider: aks
  resource_group: rg
  cluster: aks1
  acr: myreg
  build: docker
  environments:
    staging: {}
agents:
  devops:
    deploy:
      prod:
        - ./scripts/deploy.sh --env prod
        - FOO=1 helm upgrade app ./chart
        - echo done
        - $TOOL run
        - cd infra && terraform apply
`;

Deno.test("deployToolChecks finds the aks tools and each deploy command's program, with a fix for each missing one", async () => {
  const bin = await tempDir("doctor-bin-");
  const repo = await tempDir("doctor-repo-");
  try {
    await program(bin, "kubectl");
    await program(bin, "az", 0o644); // there, but not executable: missing
    await program(repo, "scripts/deploy.sh");
    const config = parseConfig(CONFIG, "fleet-orch.yaml").config;
    const checks = deployToolChecks(config, { PATH: bin }, repo);
    assert.deepEqual(checks.map((c) => [c.name, c.status]), [
      ["deploy tool docker", "error"],
      ["deploy tool az", "error"],
      ["deploy tool kubectl", "ok"],
      ["deploy tool ./scripts/deploy.sh", "ok"],
      ["deploy tool helm", "error"],
      // After "cd infra &&": a warning, as an earlier part may install it.
      ["deploy tool terraform", "warn"],
    ]);
    assert.match(
      byName(checks, "deploy tool terraform").message,
      /agents\.devops\.deploy\.prod\[4\]; an earlier part of that command may install it/,
    );
    const kubectl = byName(checks, "deploy tool kubectl");
    assert.equal(
      kubectl.message,
      `${join(bin, "kubectl")} (needed by deployment.provider: aks (staging), ` +
        "deployment.provider: aks (prod))",
    );
    const az = byName(checks, "deploy tool az");
    assert.match(az.message, /"az" is not on PATH/);
    assert.match(az.fix!, /install the Azure CLI/);
    assert.match(byName(checks, "deploy tool docker").fix!, /deployment\.build: acr/);
    const helm = byName(checks, "deploy tool helm");
    assert.match(helm.message, /needed by agents\.devops\.deploy\.prod\[1\]/);
    assert.match(helm.fix!, /install Helm/);

    await Deno.remove(join(repo, "scripts"), { recursive: true });
    const gone = byName(
      deployToolChecks(config, { PATH: bin }, repo),
      "deploy tool ./scripts/deploy.sh",
    );
    assert.equal(gone.status, "error");
    assert.match(gone.message, /is not in the repository/);
    assert.match(gone.fix!, /correct agents\.devops\.deploy\.prod\[0\]/);
  } finally {
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("deployToolChecks: no deployment, no checks; docker only when the image is built with docker", () => {
  const none = parseConfig('quality_gates:\n  ok: { command: "true" }\n', "f.yaml").config;
  assert.deepEqual(deployToolChecks(none, { PATH: "" }, "."), []);
  const acr = parseConfig(
    "deployment:\n  provider: aks\n  resource_group: rg\n  cluster: c\n  acr: r\n",
    "f.yaml",
  ).config;
  assert.deepEqual(deployToolChecks(acr, { PATH: "" }, ".").map((c) => c.name), [
    "deploy tool az",
    "deploy tool kubectl",
  ]);
});

Deno.test("programsOf lists every program a line runs, once, without builtins or $NAMES", () => {
  assert.deepEqual(programsOf("kubectl apply -f k8s"), ["kubectl"]);
  assert.deepEqual(programsOf("npm ci && npx cdk deploy || echo failed"), ["npm", "npx"]);
  assert.deepEqual(programsOf("cd infra && terraform init && terraform apply"), ["terraform"]);
  assert.deepEqual(programsOf("curl -s https://x | sh -s -- -y"), ["curl", "sh"]);
  assert.deepEqual(programsOf("(cd a && make) ; ./deploy.sh $(git rev-parse HEAD)"), [
    "make",
    "./deploy.sh",
    "git",
  ]);
  assert.deepEqual(programsOf("if test -f x; then helm upgrade a b; fi"), ["helm"]);
  assert.deepEqual(programsOf("$TOOL run && FOO=1 ./x"), ["./x"]);
  assert.deepEqual(programsOf("echo 'unterminated"), []);
});

Deno.test("deployToolChecks: a program run first anywhere is an error when missing, one only run later a warning", () => {
  const config = parseConfig(
    `agents:
  devops:
    deploy:
      staging: ["fleet-orch-test-a && fleet-orch-test-b deploy"]
      prod: ["fleet-orch-test-b deploy"]
      dev: ["fleet-orch-test-a && fleet-orch-test-c deploy"]
`,
    "f.yaml",
  ).config;
  const checks = deployToolChecks(config, { PATH: "" }, ".");
  assert.deepEqual(checks.map((c) => [c.name, c.status]), [
    ["deploy tool fleet-orch-test-a", "error"],
    ["deploy tool fleet-orch-test-b", "error"], // first in prod
    ["deploy tool fleet-orch-test-c", "warn"],
  ]);
});

Deno.test("firstProgram names the program a deploy command starts, or null when a shell decides", () => {
  assert.equal(firstProgram("kubectl apply -f k8s"), "kubectl");
  assert.equal(firstProgram("FOO=1 BAR='a b' ./deploy.sh x"), "./deploy.sh");
  assert.equal(firstProgram("'my tool' --x"), "my tool");
  assert.equal(firstProgram("helm upgrade a b && kubectl get pods | head"), "helm");
  assert.equal(firstProgram("echo hi"), null);
  assert.equal(firstProgram("cd infra && terraform apply"), null);
  assert.equal(firstProgram("$TOOL run"), null);
  assert.equal(firstProgram("if true; then x; fi"), null);
});

Deno.test("cli doctor exits 1 for a deploy command whose program is missing, with the fix in --json", async () => {
  const dir = await tempDir("doctor-deploy-");
  try {
    await Deno.writeTextFile(
      join(dir, "fleet-orch.yaml"),
      `agents:
  codex: { enabled: false }
  jules: { enabled: false }
  devops:
    deploy:
      staging: ["fleet-orch-test-no-such-tool deploy --now"]
quality_gates:
  ok: { command: "true" }
`,
    );
    const init = await exec.run(
      "git init -q && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m i",
      { cwd: dir },
    );
    assert.equal(init.code, 0, init.output);
    const r = await exec.run(
      shellJoin([Deno.execPath(), "run", "-A", MAIN, "doctor", "--offline", "--json"]),
      { cwd: dir, timeoutMs: 120_000, env: { NO_COLOR: "1" } },
    );
    assert.equal(r.code, 1, r.output);
    // stdout and stderr come merged: the JSON document starts at its first brace.
    const { checks } = JSON.parse(r.output.slice(r.output.indexOf("{"))) as {
      checks: DoctorCheck[];
    };
    const tool = byName(checks, "deploy tool fleet-orch-test-no-such-tool");
    assert.equal(tool.status, "error");
    assert.match(tool.message, /needed by agents\.devops\.deploy\.staging\[0\]/);
    assert.match(tool.fix!, /install "fleet-orch-test-no-such-tool" or put it on PATH/);
    for (const c of checks.filter((c) => c.status !== "ok")) assert.ok(c.fix, c.name);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
