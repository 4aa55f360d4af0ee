/**
 * The operator: named deploy steps whose output (redacted by the executor)
 * reaches the console, the step's log file and the result; the files a
 * deploy command names (what the fixer gets in context when it fails).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { deploy, namedFiles } from "../../agents/operator.ts";
import { ShellExecutor } from "../../core/exec.ts";
import { createLogger } from "../../core/log.ts";

const KNOWN = [
  "Dockerfile",
  "k8s/deployment.yaml",
  "k8s/service.yaml",
  "k8s/overlays/prod/kustomization.yaml",
  "charts/api/values.yaml",
  "infra/main.bicep",
  "infra/main.parameters.json",
  "src/app.ts",
];

Deno.test("namedFiles: the repository files and folders a deploy command names", () => {
  assert.deepEqual(namedFiles("kubectl apply -f k8s/ --namespace fleet", KNOWN), [
    "k8s/deployment.yaml",
    "k8s/service.yaml",
    "k8s/overlays/prod/kustomization.yaml",
  ]);
  assert.deepEqual(
    namedFiles("kubectl --kubeconfig /tmp/x/kubeconfig apply -f ./k8s/service.yaml", KNOWN),
    ["k8s/service.yaml"],
  );
  assert.deepEqual(
    namedFiles("helm upgrade --install api charts/api --values=charts/api/values.yaml", KNOWN),
    ["charts/api/values.yaml"],
  );
  assert.deepEqual(
    namedFiles(
      "az deployment group create -g rg --template-file infra/main.bicep --parameters @infra/main.parameters.json",
      KNOWN,
    ),
    ["infra/main.bicep", "infra/main.parameters.json"],
  );
  // Nothing outside the repository, not the whole repository, no "..".
  assert.deepEqual(namedFiles("az acr build --registry r --image a:b .", KNOWN), []);
  assert.deepEqual(namedFiles("kubectl apply -f ../k8s -f /etc/passwd", KNOWN), []);
  assert.deepEqual(namedFiles('docker build -f "Dockerfile" .', KNOWN), ["Dockerfile"]);
});

Deno.test("deploy: each step's output reaches the console, its log file and the result, redacted", async () => {
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const secret = "s3cr3t-deploy-token-value";
  const exec = new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    redact: (t) => t.replaceAll(secret, "[REDACTED]"),
  });
  const log = createLogger({
    write: (l) => lines.push(l),
    color: false,
    level: "info",
    redact: (t) => t.replaceAll(secret, "[REDACTED]"),
  });
  try {
    const r = await deploy({
      environment: "staging",
      commands: [
        { name: "apply", command: `echo applying; echo token=${secret}` },
        { name: "rollout", command: `echo 'error: timed out waiting' >&2; exit 7` },
        { name: "never", command: "echo never" },
      ],
      exec,
      cwd: dir,
      approved: false,
      requiresApproval: false,
      dryRun: false,
      timeoutMs: 30_000,
      log,
      logDir: dir,
    });
    assert.equal(r.ok, false);
    assert.deepEqual(r.steps.map((s) => [s.name, s.exitCode]), [["apply", 0], ["rollout", 7]]);
    assert.match(r.steps[0]!.output, /token=\[REDACTED\]/);
    assert.ok(!r.steps.some((s) => s.output.includes(secret)));
    const console = lines.join("\n");
    assert.match(console, /Deploy step "apply" ok/);
    assert.match(
      console,
      /Deploy step "rollout" failed \(exit 7[^\n]*\n\s+error: timed out waiting/,
    );
    assert.ok(!console.includes(secret));
    const applyLog = await Deno.readTextFile(join(dir, "deploy-1-apply.log"));
    assert.match(applyLog, /token=\[REDACTED\]/);
    assert.match(await Deno.readTextFile(join(dir, "deploy-2-rollout.log")), /timed out/);
    assert.equal(r.steps[1]!.logFile, join(dir, "deploy-2-rollout.log"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deploy: the whole plan is judged first; a refused step runs nothing", async () => {
  const dir = await Deno.makeTempDir();
  const ran: string[] = [];
  const exec = new ShellExecutor({
    judge: (c) =>
      c.includes("delete")
        ? { allowed: false, rule: "cloud.kubectl-delete-namespace", message: "Never delete" }
        : { allowed: true, rule: null, message: "" },
  });
  try {
    await assert.rejects(
      deploy({
        environment: "staging",
        commands: [`touch ${join(dir, "ran")}`, "kubectl delete namespace fleet"],
        exec,
        cwd: dir,
        approved: false,
        requiresApproval: false,
        dryRun: false,
        timeoutMs: 30_000,
        log: createLogger({ write: (l) => ran.push(l) }),
      }),
      /refused by policy \(nothing was run\)/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
