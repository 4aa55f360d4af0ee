/**
 * The operator heals deployments: the seed's AKS path (`deployment.provider:
 * aks`) with fake `az`, `kubectl` and `docker` on PATH that log their argv,
 * a kubectl that refuses a manifest with a bad field until the fixer (the
 * fake model on 127.0.0.1) repairs it, and the deploy run again.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import type { FakeChatRequest } from "../fakes/openai_server.ts";
import {
  config,
  git,
  isReviewer,
  makeRepo,
  readReport,
  removeRepo,
  reportPath,
  roles,
  runCli,
} from "./_helpers.ts";

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: fleet-api
spec:
  replicas: 1
  selector:
    matchLabels: { app: fleet-api }
  template:
    metadata:
      labels: { app: fleet-api }
    spec:
      containers:
        - name: api
          imagee: fleetacr.azurecr.io/fleet-api:latest
          ports:
            - containerPort: 8080
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: fleet-api
spec:
  selector: { app: fleet-api }
  ports:
    - port: 80
      targetPort: 8080
`;

const FIX = `--- a/k8s/deployment.yaml
+++ b/k8s/deployment.yaml
@@ -13,5 +13,5 @@ spec:
     spec:
       containers:
         - name: api
-          imagee: fleetacr.azurecr.io/fleet-api:latest
+          image: fleetacr.azurecr.io/fleet-api:latest
           ports:
`;

/**
 * Fake cloud tools: each appends its name and argv (one line) to `log`.
 * kubectl apply fails like the API server's validation while a manifest
 * under the -f paths has the field "imagee".
 */
async function fakeTools(log: string): Promise<string> {
  const bin = await Deno.makeTempDir({ prefix: "fleet-orch-fake-bin-" });
  const head = `#!/usr/bin/env bash
echo "$(basename "$0") $*" >> ${JSON.stringify(log)}
`;
  await Deno.writeTextFile(
    join(bin, "az"),
    head + `case "$1 $2" in
  "aks get-credentials")
    while [ $# -gt 0 ]; do [ "$1" = "--file" ] && { shift; printf 'apiVersion: v1\\nkind: Config\\n' > "$1"; }; shift; done
    echo "Merged credentials";;
  "acr build") echo "Run ID: ca1 was successful after 12s";;
  "acr login") echo "Login Succeeded";;
esac
exit 0
`,
  );
  await Deno.writeTextFile(
    join(bin, "kubectl"),
    head + `files=()
args=("$@")
for ((i=0; i<\${#args[@]}; i++)); do
  [ "\${args[$i]}" = "-f" ] && files+=("\${args[$((i+1))]}")
done
case " $* " in
  *" apply "*)
    for f in "\${files[@]}"; do
      for m in $(find "$f" -name '*.yaml' | sort); do
        if grep -q 'imagee:' "$m"; then
          echo "error: error validating \\"$m\\": error validating data: ValidationError(Deployment.spec.template.spec.containers[0]): unknown field \\"imagee\\" in io.k8s.api.core.v1.Container; if you choose to ignore these errors, turn validation off with --validate=false" >&2
          exit 1
        fi
        echo "deployment.apps/fleet-api configured"
      done
    done;;
  *" rollout status "*) echo "deployment \\"fleet-api\\" successfully rolled out";;
esac
exit 0
`,
  );
  await Deno.writeTextFile(join(bin, "docker"), head + "echo ok\nexit 0\n");
  for (const t of ["az", "kubectl", "docker"]) await Deno.chmod(join(bin, t), 0o755);
  return bin;
}

function aksConfig(build = "acr"): string {
  return config(
    { ok: "true" },
    `deployment:
  provider: aks
  acr: fleetacr
  image: fleet-api
  build: ${build}
  cluster: fleet-aks
  resource_group: fleet-rg
  namespace: fleet-staging
  subscription: \${AZURE_SUBSCRIPTION_ID:-}
  environments:
    staging: {}
`,
  );
}

Deno.test("a failing kubectl apply goes to the fixer with the manifests, is fixed, and redeployed", async () => {
  const log = join(await Deno.makeTempDir({ prefix: "fleet-orch-argv-" }), "argv.log");
  const bin = await fakeTools(log);
  const home = await Deno.makeTempDir({ prefix: "fleet-orch-home-" });
  const fixerPrompts: string[] = [];
  const fake = await startFakeOpenAi(roles((req: FakeChatRequest) => {
    fixerPrompts.push((req.messages ?? []).map((m) => m.content).join("\n"));
    return "The container field is misspelt.\n\n```diff\n" + FIX + "```\n";
  }));
  const repo = await makeRepo({
    "fleet-orch.yaml": aksConfig(),
    "Dockerfile": "FROM scratch\n",
    "k8s/deployment.yaml": MANIFEST,
    "k8s/service.yaml": SERVICE,
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"], {
      baseUrl: fake.url,
      env: {
        PATH: `${bin}:${Deno.env.get("PATH")}`,
        HOME: home,
        AZURE_SUBSCRIPTION_ID: "sub-0000-1111",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r) as Awaited<ReturnType<typeof readReport>> & {
      deployment: {
        ok: boolean;
        attempts: number;
        steps: {
          name: string;
          command: string;
          exitCode: number;
          output: string;
          attempt: number;
        }[];
      };
    };
    assert.equal(report.stopReason, "success");
    // Deploy: failed once, fixed, deployed.
    assert.equal(report.deployment.ok, true);
    assert.equal(report.deployment.attempts, 2);
    const failed = report.deployment.steps.find((s) => s.exitCode !== 0)!;
    assert.equal(failed.name, "apply");
    assert.match(failed.output, /unknown field "imagee"/);
    // The fixer saw the error and the manifest, and its fix was reviewed and committed.
    assert.equal(fixerPrompts.length, 1);
    assert.match(fixerPrompts[0]!, /unknown field/);
    assert.match(fixerPrompts[0]!, /imagee: fleetacr\.azurecr\.io/);
    assert.ok(fake.requests.some((q) => isReviewer(q as FakeChatRequest)), "the reviewer ran");
    assert.equal(report.iterations.length, 1);
    assert.equal(report.iterations[0]!.applied, true);
    assert.equal(report.iterations[0]!.review?.verdict, "approve");
    const fixed = await git(repo, `show ${report.workBranch}:k8s/deployment.yaml`);
    assert.match(fixed, /^\s+image: fleetacr/m);
    // The commands, in order, with subscription, group, cluster and namespace from config.
    const argv = (await Deno.readTextFile(log)).trim().split("\n");
    const sha = (await git(repo, `rev-parse --short=12 ${report.workBranch}`)).trim();
    const shaBefore = (await git(repo, "rev-parse --short=12 main")).trim();
    const kube = argv.find((l) => l.startsWith("kubectl"))!.split(" ")[2]!;
    assert.ok(kube.endsWith("/kubeconfig"), kube);
    const expected = (tag: string, applied: boolean) => [
      `az acr build --registry fleetacr --image fleet-api:${tag} --image fleet-api:latest --file Dockerfile --subscription sub-0000-1111 .`,
      `az aks get-credentials --resource-group fleet-rg --name fleet-aks --subscription sub-0000-1111 --file ${kube} --overwrite-existing`,
      `kubectl --kubeconfig ${kube} apply -f k8s --namespace fleet-staging`,
      ...(applied
        ? [
          `kubectl --kubeconfig ${kube} rollout status deployment/fleet-api --namespace fleet-staging --timeout=300s`,
        ]
        : []),
    ];
    assert.deepEqual(argv, [...expected(shaBefore, false), ...expected(sha, true)]);
    // The run's own kubeconfig is gone; the user's ~/.kube was never written.
    assert.equal(existsSync(kube), false);
    assert.equal(existsSync(join(home, ".kube")), false);
    // Output captured in the console, the log file and the step's log.
    assert.match(r.stderr, /Deploy step "apply" failed \(exit 1/);
    assert.match(r.stderr, /unknown field "imagee"/);
    assert.match(r.stderr, /Nothing to verify for "staging"/);
    const runDir = dirname(reportPath(r));
    assert.match(await Deno.readTextFile(join(runDir, "orchestrator.log")), /unknown field/);
    const stepLogs = [...Deno.readDirSync(join(runDir, "logs"))].map((e) => e.name);
    assert.ok(stepLogs.includes("deploy-3-apply.log"), stepLogs.join(","));
    assert.match(
      await Deno.readTextFile(join(runDir, "logs", "deploy-3-apply.log")),
      /unknown field "imagee"/,
    );
    assert.match(
      await Deno.readTextFile(join(runDir, "summary.md")),
      /Deploy: staging ✅ deployed/,
    );
    const html = await Deno.readTextFile(join(runDir, "report.html"));
    assert.match(html, /<h2>Deploy: staging: [\s\S]*?\(2 attempts\)<\/h2>/);
    assert.match(
      html,
      /<code>kubectl --kubeconfig \S+ apply -f k8s --namespace fleet-staging<\/code>/,
    );
  } finally {
    await fake.close();
    await removeRepo(repo);
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(home, { recursive: true });
    await Deno.remove(dirname(log), { recursive: true });
  }
});

Deno.test("a deploy that stays broken stops at the iteration cap with exit 1, its error recorded", async () => {
  const log = join(await Deno.makeTempDir({ prefix: "fleet-orch-argv-" }), "argv.log");
  const bin = await fakeTools(log);
  // The fixer only touches the service: the deployment stays broken.
  const useless = `--- a/k8s/service.yaml
+++ b/k8s/service.yaml
@@ -7,3 +7,3 @@ spec:
   ports:
-    - port: 80
+    - port: 8080
       targetPort: 8080
`;
  const fake = await startFakeOpenAi(roles(() => "```diff\n" + useless + "```\n"));
  const repo = await makeRepo({
    "fleet-orch.yaml": aksConfig("docker").replace("max_iterations: 4", "max_iterations: 1"),
    "Dockerfile": "FROM scratch\n",
    "k8s/deployment.yaml": MANIFEST,
    "k8s/service.yaml": SERVICE,
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"], {
      baseUrl: fake.url,
      env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
    });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "verification_failed");
    assert.match(report.message, /Deploy step "apply" failed.*iteration budget \(1\)/);
    const argv = await Deno.readTextFile(log);
    // docker build path: build, registry login, push; no subscription when none is set.
    assert.match(argv, /^docker build -t fleetacr\.azurecr\.io\/fleet-api:\w+ -t /m);
    assert.match(argv, /^az acr login --name fleetacr$/m);
    assert.match(argv, /^docker push fleetacr\.azurecr\.io\/fleet-api:latest$/m);
    assert.doesNotMatch(argv, /--subscription/);
    assert.doesNotMatch(argv, /rollout status/);
  } finally {
    await fake.close();
    await removeRepo(repo);
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(dirname(log), { recursive: true });
  }
});

Deno.test("the built-in deploy steps pass the policy: a repository rule refusing one stops the run before anything ran", async () => {
  const log = join(await Deno.makeTempDir({ prefix: "fleet-orch-argv-" }), "argv.log");
  const bin = await fakeTools(log);
  const repo = await makeRepo({
    "fleet-orch.yaml": aksConfig(),
    "fleet-orch.policy.yaml": `rules:
  - id: team.no-cluster-apply
    category: deploy
    action: deny
    message: Applying to the cluster happens in the release pipeline only
    match: { command: { program: kubectl, words: [apply] } }
`,
    "Dockerfile": "FROM scratch\n",
    "k8s/deployment.yaml": MANIFEST.replace("imagee:", "image:"),
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"], {
      env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
    });
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "forbidden");
    assert.match(report.message, /refused by policy \(nothing was run\).*kubectl.*apply/);
    assert.equal(existsSync(log), false, "no cloud tool ran");
  } finally {
    await removeRepo(repo);
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(dirname(log), { recursive: true });
  }
});

Deno.test("without a model a failing deploy stops with exit 1, its error in the report and the console", async () => {
  const log = join(await Deno.makeTempDir({ prefix: "fleet-orch-argv-" }), "argv.log");
  const bin = await fakeTools(log);
  const repo = await makeRepo({
    "fleet-orch.yaml": aksConfig().replace(
      / {2}codex:[\s\S]*?(?=quality_gates:)/,
      [
        "  codex: { enabled: false }",
        "  jules: { enabled: false }",
        "",
      ].join("\n"),
    ),
    "Dockerfile": "FROM scratch\n",
    "k8s/deployment.yaml": MANIFEST,
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"], {
      env: { PATH: `${bin}:${Deno.env.get("PATH")}` },
    });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r) as Awaited<ReturnType<typeof readReport>> & {
      deployment: { ok: boolean; steps: { name: string; output: string }[] };
    };
    assert.equal(report.stopReason, "verification_failed");
    assert.match(report.message, /Deploy step "apply" failed \(exit 1\).*no fix was proposed/);
    assert.equal(report.deployment.ok, false);
    assert.match(report.deployment.steps.at(-1)!.output, /unknown field "imagee"/);
    assert.match(r.stderr, /unknown field "imagee"/);
  } finally {
    await removeRepo(repo);
    await Deno.remove(bin, { recursive: true });
    await Deno.remove(dirname(log), { recursive: true });
  }
});
