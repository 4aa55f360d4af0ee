/** The built-in AKS deploy steps: settings merged per environment, the command lines, rollout targets. */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  aksSteps,
  mergeTarget,
  missingSettings,
  rolloutTargets,
} from "../../plugins/deploy/aks.ts";
import { parseConfig } from "../../core/config.ts";

Deno.test("mergeTarget: the environment's keys win, empty values are unset, AZURE_SUBSCRIPTION_ID is the default", () => {
  const { config } = parseConfig(
    `deployment:
  provider: aks
  cluster: fleet-aks
  resource_group: fleet-rg
  namespace: fleet
  subscription: \${AZURE_SUBSCRIPTION_ID:-}
  environments:
    staging: { namespace: fleet-staging }
    prod: { cluster: fleet-aks-prod, subscription: sub-prod }
`,
    "fleet-orch.yaml",
    { env: () => undefined },
  );
  const { environments, ...top } = config.deployment;
  const env = (n: string) => (n === "AZURE_SUBSCRIPTION_ID" ? "sub-env" : undefined);
  const staging = mergeTarget(top, environments.staging, env);
  assert.equal(staging.namespace, "fleet-staging");
  assert.equal(staging.cluster, "fleet-aks");
  assert.equal(staging.subscription, "sub-env"); // "" from ${...:-} counts as unset
  const prod = mergeTarget(top, environments.prod, env);
  assert.equal(prod.cluster, "fleet-aks-prod");
  assert.equal(prod.subscription, "sub-prod");
  assert.equal(mergeTarget(top, undefined, () => undefined).subscription, undefined);
  assert.equal(missingSettings(staging), null);
  assert.match(
    missingSettings({ provider: "aks", cluster: "c" }) ?? "",
    /needs deployment\.resource_group/,
  );
});

Deno.test("aksSteps: docker build and push, credentials in the run's kubeconfig, apply, rollout", () => {
  const steps = aksSteps(
    {
      provider: "aks",
      acr: "fleetacr",
      build: "docker",
      cluster: "c1",
      resource_group: "rg",
      namespace: "ns",
      subscription: "sub",
      manifests: ["k8s/base", "k8s/staging"],
      rollout_timeout: 120,
    },
    {
      tag: "abc123",
      kubeconfig: "/run/kube config",
      repoName: "Fleet App",
      rollout: ["deployment/api"],
    },
  );
  assert.deepEqual(steps.map((s) => s.command), [
    "docker build -t fleetacr.azurecr.io/fleet-app:abc123 -t fleetacr.azurecr.io/fleet-app:latest -f Dockerfile .",
    "az acr login --name fleetacr --subscription sub",
    "docker push fleetacr.azurecr.io/fleet-app:abc123",
    "docker push fleetacr.azurecr.io/fleet-app:latest",
    "az aks get-credentials --resource-group rg --name c1 --subscription sub --file '/run/kube config' --overwrite-existing",
    "kubectl --kubeconfig '/run/kube config' apply -f k8s/base -f k8s/staging --namespace ns",
    "kubectl --kubeconfig '/run/kube config' rollout status deployment/api --namespace ns --timeout=120s",
  ]);
  // Without acr nothing is built.
  const noBuild = aksSteps({ provider: "aks", cluster: "c", resource_group: "g" }, {
    tag: "t",
    kubeconfig: "k",
    repoName: "r",
    rollout: [],
  });
  assert.deepEqual(noBuild.map((s) => s.name), ["credentials", "apply"]);
});

Deno.test("rolloutTargets: every Deployment, StatefulSet and DaemonSet of the manifests", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "k8s"));
    await Deno.writeTextFile(
      join(dir, "k8s", "app.yaml"),
      `apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
---
apiVersion: v1
kind: Service
metadata: { name: api }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
`,
    );
    await Deno.writeTextFile(
      join(dir, "k8s", "list.yml"),
      "kind: List\nitems:\n  - { kind: DaemonSet, metadata: { name: agent } }\n",
    );
    await Deno.writeTextFile(join(dir, "k8s", "README.md"), "kind: Deployment\n");
    assert.deepEqual(await rolloutTargets({ provider: "aks" }, dir), [
      "deployment/api",
      "statefulset/db",
      "daemonset/agent",
    ]);
    assert.deepEqual(await rolloutTargets({ rollout: ["deployment/x"] }, dir), ["deployment/x"]);
    assert.deepEqual(await rolloutTargets({ manifests: "missing" }, dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
