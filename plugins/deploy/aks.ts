/**
 * The built-in deploy steps of the seed's path (`deployment.provider: aks`):
 * build the image and push it to Azure Container Registry (`az acr build`,
 * or `docker build` + `az acr login` + `docker push`), fetch the cluster's
 * credentials into a kubeconfig of the run's own (`az aks get-credentials
 * --file`, so the user's `~/.kube/config` is never touched), `kubectl apply`
 * the manifests, and wait for every workload with `kubectl rollout status`.
 *
 * This module only writes the command lines: the operator runs them through
 * the executor, so each passes the policy engine like any other command.
 *
 * @module
 */

import { basename, join } from "node:path";
import { parseAllDocuments } from "yaml";
import { shellJoin } from "../../core/exec.ts";

/** The settings of a deploy target (the `deployment:` keys, merged with the environment's). */
export interface AksTarget {
  /** `aks` for these steps. */
  provider?: "aks" | undefined;
  /** Azure subscription. */
  subscription?: string | undefined;
  /** Resource group of the cluster. */
  resource_group?: string | undefined;
  /** Cluster name. */
  cluster?: string | undefined;
  /** Kubernetes namespace. */
  namespace?: string | undefined;
  /** ACR name. */
  acr?: string | undefined;
  /** Image repository. */
  image?: string | undefined;
  /** acr or docker. */
  build?: "acr" | "docker" | undefined;
  /** Dockerfile. */
  dockerfile?: string | undefined;
  /** Build context. */
  context?: string | undefined;
  /** Manifest files or folders. */
  manifests?: string | string[] | undefined;
  /** Workloads to wait for. */
  rollout?: string[] | undefined;
  /** Seconds to wait for each rollout. */
  rollout_timeout?: number | undefined;
}

/** One named deploy command. */
export interface DeployCommand {
  /** Short name (`build`, `credentials`, `apply`, `rollout deployment/api`). */
  name: string;
  /** The command line. */
  command: string;
}

const KEYS = [
  "provider",
  "subscription",
  "resource_group",
  "cluster",
  "namespace",
  "acr",
  "image",
  "build",
  "dockerfile",
  "context",
  "manifests",
  "rollout",
  "rollout_timeout",
] as const;

/**
 * The target of one environment: its own keys over the `deployment:` ones;
 * empty strings count as unset, and the subscription falls back to
 * `AZURE_SUBSCRIPTION_ID`.
 *
 * @param top The `deployment:` section.
 * @param env The environment's section (may be absent).
 * @param lookup Environment variables.
 * @returns The merged target.
 */
export function mergeTarget(
  top: Record<string, unknown>,
  env: Record<string, unknown> | undefined,
  lookup: (name: string) => string | undefined,
): AksTarget {
  const out: Record<string, unknown> = {};
  for (const k of KEYS) {
    const v = env?.[k] !== undefined && env[k] !== "" ? env[k] : top[k];
    if (v !== undefined && v !== "") out[k] = v;
  }
  const sub = lookup("AZURE_SUBSCRIPTION_ID");
  if (out.subscription === undefined && sub) out.subscription = sub;
  return out as AksTarget;
}

/**
 * What is missing for the built-in steps to run, or null.
 *
 * @param t The target.
 * @returns A message naming the missing keys, or null.
 */
export function missingSettings(t: AksTarget): string | null {
  if (t.provider !== "aks") return null;
  const missing = (["resource_group", "cluster"] as const).filter((k) => !t[k]);
  return missing.length
    ? `deployment.provider "aks" needs ${missing.map((k) => `deployment.${k}`).join(" and ")}`
    : null;
}

/** The manifest paths of a target (default `k8s`). */
export function manifestPaths(t: AksTarget): string[] {
  const m = t.manifests ?? "k8s";
  return Array.isArray(m) ? m : [m];
}

/**
 * The workloads a rollout waits for: the configured list, else every
 * Deployment, StatefulSet and DaemonSet the manifests define.
 *
 * @param t The target.
 * @param dir The worktree the manifests are read from.
 * @returns `kind/name` entries.
 */
export async function rolloutTargets(t: AksTarget, dir: string): Promise<string[]> {
  if (t.rollout) return t.rollout;
  const out: string[] = [];
  for (const p of manifestPaths(t)) {
    for (const file of await _yamlFiles(join(dir, p))) {
      let text: string;
      try {
        text = await Deno.readTextFile(file);
      } catch {
        continue;
      }
      for (const doc of parseAllDocuments(text)) {
        if (!("toJS" in doc)) continue;
        let v: unknown;
        try {
          v = doc.toJS({ maxAliasCount: 100 });
        } catch {
          continue; // a manifest kubectl will refuse: apply reports it
        }
        for (const item of _items(v)) {
          const kind = item.kind;
          const name = (item.metadata as { name?: unknown } | undefined)?.name;
          if (
            typeof kind === "string" && typeof name === "string" &&
            ["Deployment", "StatefulSet", "DaemonSet"].includes(kind)
          ) {
            const ref = `${kind.toLowerCase()}/${name}`;
            if (!out.includes(ref)) out.push(ref);
          }
        }
      }
    }
  }
  return out;
}

function _items(v: unknown): Record<string, unknown>[] {
  if (!v || typeof v !== "object" || Array.isArray(v)) return [];
  const o = v as Record<string, unknown>;
  if (o.kind === "List" && Array.isArray(o.items)) return o.items.flatMap(_items);
  return [o];
}

async function _yamlFiles(path: string): Promise<string[]> {
  const st = await Deno.stat(path).catch(() => null);
  if (!st) return [];
  if (st.isFile) return [path];
  const out: string[] = [];
  for await (const e of Deno.readDir(path)) {
    if (e.isFile && /\.ya?ml$/i.test(e.name)) out.push(join(path, e.name));
  }
  return out.sort();
}

/**
 * The command lines of the built-in steps, in order.
 *
 * @param t The target (provider aks).
 * @param input The image tag, the run's kubeconfig path, the repository's
 *   folder name (default image), and the workloads to wait for.
 * @returns The named commands.
 */
export function aksSteps(
  t: AksTarget,
  input: { tag: string; kubeconfig: string; repoName: string; rollout: readonly string[] },
): DeployCommand[] {
  const steps: DeployCommand[] = [];
  const sub = t.subscription ? ["--subscription", t.subscription] : [];
  const ns = t.namespace ? ["--namespace", t.namespace] : [];
  const kube = ["kubectl", "--kubeconfig", input.kubeconfig];
  if (t.acr) {
    const image = t.image ?? _imageName(input.repoName);
    const server = t.acr.includes(".") ? t.acr : `${t.acr}.azurecr.io`;
    const registry = t.acr.split(".")[0]!;
    const dockerfile = t.dockerfile ?? "Dockerfile";
    const context = t.context ?? ".";
    if ((t.build ?? "acr") === "acr") {
      steps.push({
        name: "build",
        command: shellJoin([
          "az",
          "acr",
          "build",
          "--registry",
          registry,
          "--image",
          `${image}:${input.tag}`,
          "--image",
          `${image}:latest`,
          "--file",
          dockerfile,
          ...sub,
          context,
        ]),
      });
    } else {
      const ref = `${server}/${image}`;
      steps.push(
        {
          name: "build",
          command: shellJoin([
            "docker",
            "build",
            "-t",
            `${ref}:${input.tag}`,
            "-t",
            `${ref}:latest`,
            "-f",
            dockerfile,
            context,
          ]),
        },
        {
          name: "registry login",
          command: shellJoin(["az", "acr", "login", "--name", registry, ...sub]),
        },
        { name: "push", command: shellJoin(["docker", "push", `${ref}:${input.tag}`]) },
        { name: "push latest", command: shellJoin(["docker", "push", `${ref}:latest`]) },
      );
    }
  }
  steps.push({
    name: "credentials",
    command: shellJoin([
      "az",
      "aks",
      "get-credentials",
      "--resource-group",
      t.resource_group ?? "",
      "--name",
      t.cluster ?? "",
      ...sub,
      "--file",
      input.kubeconfig,
      "--overwrite-existing",
    ]),
  });
  steps.push({
    name: "apply",
    command: shellJoin([
      ...kube,
      "apply",
      ...manifestPaths(t).flatMap((m) => ["-f", m]),
      ...ns,
    ]),
  });
  for (const w of input.rollout) {
    steps.push({
      name: `rollout ${w}`,
      command: shellJoin([
        ...kube,
        "rollout",
        "status",
        w,
        ...ns,
        `--timeout=${t.rollout_timeout ?? 300}s`,
      ]),
    });
  }
  return steps;
}

/** A registry repository name from a folder name (lower case, [a-z0-9._-]). */
function _imageName(folder: string): string {
  const n = basename(folder).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[-._]+/, "");
  return n || "app";
}
