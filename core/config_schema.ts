/**
 * The zod schema of fleet-orch's configuration. The seed's `config.yaml`
 * structure (agents.orchestrator / codex / jules, quality_gates,
 * deployment.environments, safety.forbidden_commands) is the reference and
 * loads unchanged; everything else is an extension. Unknown keys are errors:
 * a typo must not pass silently.
 *
 * @module
 */

import { z } from "zod";
import { remotePluginReason } from "./plugin.ts";

/** A `uses:` value: refused at validation when it names a URL (nothing is fetched). */
const UsesSchema = z.string().min(1).superRefine((v, ctx) => {
  const why = remotePluginReason(v);
  if (why) ctx.addIssue({ code: "custom", message: why });
});

/** Names a gate passes through beyond the gate environment's allowlist. */
const EnvPassthroughSchema = z.array(
  z.string().regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "Environment variable names use letters, digits and _",
  ),
);

/**
 * What deploy commands get beyond the allowlist when the config declares
 * nothing: the credentials of the cloud and cluster tools the seed deploys with.
 */
export const DEPLOY_ENV_DEFAULT: readonly string[] = [
  "AZURE_*",
  "ARM_*",
  "AWS_*",
  "GOOGLE_*",
  "CLOUDSDK_*",
  "KUBECONFIG",
  "DOCKER_CONFIG",
  "HELM_*",
];

/** `uses:` + `with:` reference to a plugin. */
export const PluginRefSchema = z.strictObject({
  /** Built-in name, `./module.ts`, or `exec:COMMAND ARGS` (never a URL). */
  uses: UsesSchema,
  /** Local name, when the same plugin is used twice. */
  name: z.string().min(1).optional(),
  /** The plugin's options, validated by its own schema. */
  with: z.record(z.string(), z.unknown()).default({}),
  /** Exec plugins: seconds to wait for each answer. @default 30 */
  timeout_seconds: z.number().positive().optional(),
});

/** Settings of one model-backed agent (the seed's codex and jules). */
export const AgentModelSchema = z.strictObject({
  /** Provider preset, or the name of an llm plugin (a `plugins:` entry's `name`). @default "openai" */
  provider: UsesSchema.default("openai"),
  /** Model (deployment name for Azure). */
  model: z.string().default("gpt-4o"),
  /** Sampling temperature. */
  temperature: z.number().min(0).max(2).optional(),
  /** Completion token cap. */
  max_tokens: z.number().int().positive().optional(),
  /** OpenAI-compatible base URL. */
  base_url: z.string().optional(),
  /** Name of the environment variable holding the API key. */
  api_key_env: z.string().optional(),
  /** How calls authenticate: bearer, api-key (Azure's header) or entra (Entra ID token, no key). */
  auth: z.enum(["bearer", "api-key", "entra"]).optional(),
  /** `api-version` query parameter (Azure OpenAI deployment URLs need one). */
  api_version: z.string().optional(),
  /** Per-call timeout. */
  timeout_seconds: z.number().positive().optional(),
  /** Retries on 429, 5xx and connection errors. */
  max_retries: z.number().int().min(0).optional(),
  /** Token budget of the prompt's context. */
  context_tokens: z.number().int().positive().optional(),
  /** Largest model reply accepted, in bytes (larger ones are refused unread). @default 2 MiB */
  max_reply_bytes: z.number().int().min(1024).optional(),
  /** Turn the agent off (the reviewer then relies on the policy alone). */
  enabled: z.boolean().default(true),
});

/** The fix loop's settings (the seed's agents.orchestrator). */
export const OrchestratorSchema = z.strictObject({
  max_iterations: z.number().int().min(1).default(10),
  max_no_progress_iterations: z.number().int().min(1).default(3),
  dry_run: z.boolean().default(false),
  candidates: z.number().int().min(1).max(8).default(1),
  stop_on_rejection: z.boolean().default(true),
  max_cost_usd: z.number().positive().optional(),
  jobs: z.number().int().min(1).optional(),
  /** Retries of a gate that failed for an infrastructure reason (network, registry, disk, runner). */
  infra_retries: z.number().int().min(0).default(2),
  /** First backoff before an infrastructure retry, in seconds; it doubles per retry. */
  infra_backoff_seconds: z.number().min(0).default(10),
});

/** The operator (the seed's DevOpsAgent). */
export const DevopsSchema = z.strictObject({
  /** Commands that deploy, per environment name. */
  deploy: z.record(z.string(), z.array(z.string())).default({}),
  /** Timeout of each deploy command. */
  timeout: z.number().positive().default(900),
  /**
   * Variables deploy commands get beyond the allowlist: names, or prefixes
   * ending in `*` (`AZURE_*`). Deploying needs cloud credentials, nothing
   * else of the job's (docs/security.md, "Gate isolation").
   */
  env_passthrough: z.array(
    z.string().regex(
      /^[A-Za-z_][A-Za-z0-9_]*\*?$/,
      "Environment variable names use letters, digits and _ (a prefix ends in *)",
    ),
  ).default([...DEPLOY_ENV_DEFAULT]),
});

/** One seed-style quality gate. */
export const QualityGateSchema = z.strictObject({
  command: z.string().min(1),
  timeout: z.number().positive().default(600),
  required: z.boolean().default(true),
  working_directory: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  /** Variables of fleet-orch's environment this gate receives (default: none beyond the allowlist). */
  env_passthrough: EnvPassthroughSchema.optional(),
  /** Network inside the sandbox (install steps). */
  network: z.boolean().optional(),
});

/** One GitHub-Actions-style step. */
export const StepSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, "Step ids use letters, digits, _ and -")
    .optional(),
  name: z.string().optional(),
  run: z.string().optional(),
  uses: UsesSchema.optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  "working-directory": z.string().optional(),
  "timeout-minutes": z.number().positive().optional(),
  "continue-on-error": z.boolean().optional(),
  if: z.string().optional(),
  needs: z.union([z.string(), z.array(z.string())]).optional(),
  required: z.boolean().optional(),
  env_passthrough: EnvPassthroughSchema.optional(),
  network: z.boolean().optional(),
}).refine((s) => (s.run === undefined) !== (s.uses === undefined), {
  message: "A step needs exactly one of `run` or `uses`",
});

const StatusSchema = z.union([z.number().int(), z.array(z.number().int()).min(1)]);

const EndpointSchema = z.strictObject({
  url: z.string().min(1),
  expected_status: StatusSchema.default(200),
  timeout: z.number().positive().default(10),
  method: z.string().optional(),
  expect_body_contains: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const SmokeTestSchema = z.strictObject({
  name: z.string(),
  url: z.string().min(1),
  expected_status: StatusSchema.default(200),
  headers: z.record(z.string(), z.string()).optional(),
  expect_body_contains: z.string().optional(),
  method: z.string().optional(),
  timeout: z.number().positive().optional(),
});

const FlowStepSchema = z.strictObject({
  url: z.string().min(1),
  method: z.string().default("GET"),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  expected_status: StatusSchema.default(200),
  expect_body_contains: z.string().optional(),
  timeout: z.number().positive().optional(),
});

/**
 * Built-in deploy steps (`deployment.provider: aks`, the seed's path): build
 * and push the image to ACR, `az aks get-credentials`, `kubectl apply`,
 * `kubectl rollout status`. Set under `deployment:` for every environment,
 * and under an environment to override it there. An empty value (as
 * `${AZURE_SUBSCRIPTION_ID:-}` gives when the variable is unset) counts as unset.
 */
export const DeployTargetShape = {
  /** Built-in deploy steps: `aks` (Azure Kubernetes Service with Azure Container Registry). */
  provider: z.enum(["aks"]).optional(),
  /** Azure subscription (default: AZURE_SUBSCRIPTION_ID, else the az CLI's default). */
  subscription: z.string().optional(),
  /** Resource group of the cluster. */
  resource_group: z.string().optional(),
  /** AKS cluster name. */
  cluster: z.string().optional(),
  /** Kubernetes namespace (default: the manifests' own, or the cluster default). */
  namespace: z.string().optional(),
  /** Azure Container Registry name (`myregistry`); without it no image is built. */
  acr: z.string().optional(),
  /** Image repository in the registry (default: the repository folder's name). */
  image: z.string().optional(),
  /** How the image is built: `acr` (`az acr build`) or `docker` (build, `az acr login`, push). */
  build: z.enum(["acr", "docker"]).optional(),
  /** Dockerfile, relative to the repository root. @default "Dockerfile" */
  dockerfile: z.string().optional(),
  /** Build context, relative to the repository root. @default "." */
  context: z.string().optional(),
  /** Manifest files or folders for `kubectl apply -f`. @default "k8s" */
  manifests: z.union([z.string(), z.array(z.string()).min(1)]).optional(),
  /** Workloads to wait for (`deployment/api`); default: every Deployment, StatefulSet and DaemonSet in the manifests. */
  rollout: z.array(z.string()).optional(),
  /** Seconds `kubectl rollout status` waits. @default 300 */
  rollout_timeout: z.number().int().positive().optional(),
};

/** One deployment environment. */
export const EnvironmentSchema = z.strictObject({
  ...DeployTargetShape,
  base_url: z.string().optional(),
  health_endpoint: z.string().optional(),
  health_expected_status: StatusSchema.optional(),
  health_timeout: z.number().positive().optional(),
  verification_endpoints: z.array(EndpointSchema).optional(),
  smoke_tests: z.array(SmokeTestSchema).optional(),
  critical_flows: z.array(z.strictObject({ name: z.string(), steps: z.array(FlowStepSchema) }))
    .optional(),
  retries: z.number().int().min(0).optional(),
  retry_delay_seconds: z.number().min(0).optional(),
  requires_approval: z.boolean().optional(),
  verifiers: z.array(PluginRefSchema).optional(),
}).superRefine((env, ctx) => {
  // Checked with the config, not when the verifier runs: a URL that cannot
  // be requested was found only after the gates, the deploy and every retry.
  const problem = (raw: string, relativeOk: boolean) => checkUrlProblem(raw, relativeOk);
  if (env.base_url) {
    const p = problem(env.base_url, false) &&
      (problem(env.base_url, true) ?? `"${env.base_url}" is not an absolute http(s) URL`);
    if (p) ctx.addIssue({ code: "custom", path: ["base_url"], message: p });
  }
  const relativeOk = !!env.base_url;
  const urls: Array<[string, PropertyKey[]]> = [];
  if (env.health_endpoint) urls.push([env.health_endpoint, ["health_endpoint"]]);
  env.verification_endpoints?.forEach((e, i) =>
    urls.push([e.url, ["verification_endpoints", i, "url"]])
  );
  env.smoke_tests?.forEach((t, i) => urls.push([t.url, ["smoke_tests", i, "url"]]));
  env.critical_flows?.forEach((f, i) =>
    f.steps.forEach((st, j) => urls.push([st.url, ["critical_flows", i, "steps", j, "url"]]))
  );
  for (const [raw, path] of urls) {
    const p = problem(raw, relativeOk);
    if (p) ctx.addIssue({ code: "custom", path, message: p });
  }
});

/**
 * Why `raw` cannot be requested by a verifier, or null when it can: an
 * absolute http(s) URL, or (with the environment's `base_url`) a path
 * relative to it.
 *
 * @param raw The URL as written.
 * @param relativeOk Whether a relative URL has a base to resolve against.
 * @returns The problem, or null.
 */
export function checkUrlProblem(raw: string, relativeOk: boolean): string | null {
  const text = raw.trim();
  if (/^https?:\/\//i.test(text)) {
    try {
      if (new URL(text).hostname) return null;
    } catch {
      // reported below
    }
    return `"${raw}" is not a valid URL`;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return `"${raw}" is not an http(s) URL`;
  }
  // "localhost:8080/health" parses as the scheme "localhost:", even against a base.
  if (/^[a-z0-9.-]+:\d+(\/|$)/i.test(text) || /^localhost(\/|$)/i.test(text)) {
    return `"${raw}" has no scheme: write it as "http://${text}" (or https://)`;
  }
  if (!relativeOk) {
    return `"${raw}" is not an absolute http(s) URL and the environment sets no base_url: ` +
      "write the whole URL, or set base_url for relative ones";
  }
  return null;
}

/** How a green run's fixes leave the run (README "Delivery"). */
export const DELIVERY_MODES = ["branch", "pr", "commit"] as const;

/**
 * `delivery:` as an object. The scalar form `delivery: pr` is short for
 * `delivery: { mode: pr }`.
 */
export const DeliverySchema = z.strictObject({
  /**
   * `branch`: push the work branch `fleet-orch/fix/<base>` only; `pr`: push it
   * and open (or update) one pull request per base branch; `commit`:
   * fast-forward the checked-out branch of a clean CI checkout to the fix, so
   * later pipeline stages build the fixed code. `pr` without `vcs:` keeps the
   * fix on the local work branch. @default "pr"
   */
  mode: z.enum(DELIVERY_MODES).default("pr"),
  /**
   * Same-repository pull-request events: `pr` opens a pull request into the
   * pull request's head branch, `push` pushes the fix onto the head branch
   * (fast-forward only). Fork pull requests always get a comment. @default "pr"
   */
  pull_requests: z.enum(["pr", "push"]).default("pr"),
  /** Labels put on the pull request. @default ["fleet-orch"] */
  labels: z.array(z.string().min(1).max(50)).default(["fleet-orch"]),
  /** Open the pull request as a draft. @default false */
  draft: z.boolean().default(false),
});

/** Settings of `delivery:`. */
export type DeliveryConfig = z.infer<typeof DeliverySchema>;

/**
 * The whole configuration file.
 *
 * @ignore Internal: the zod schema behind {@linkcode Config}.
 */
export const ConfigSchema = z.strictObject({
  version: z.literal(1).optional(),
  agents: z.strictObject({
    orchestrator: OrchestratorSchema.prefault({}),
    codex: AgentModelSchema.prefault({}),
    jules: AgentModelSchema.prefault({}),
    devops: DevopsSchema.prefault({}),
  }).prefault({}),
  quality_gates: z.record(z.string(), QualityGateSchema).default({}),
  steps: z.array(StepSchema).default([]),
  deployment: z.strictObject({
    ...DeployTargetShape,
    environments: z.record(z.string(), EnvironmentSchema).default({}),
  }).prefault({}),
  safety: z.strictObject({
    forbidden_commands: z.array(z.string()).default([]),
    protected_paths: z.array(z.string()).optional(),
    policy_file: z.string().optional(),
    allow_paths: z.array(z.string()).optional(),
    /** Gates run in a bubblewrap sandbox once a fix is in the worktree. */
    sandbox: z.enum(["auto", "required", "off"]).default("auto"),
  }).prefault({}),
  plugins: z.array(PluginRefSchema).default([]),
  fixers: z.array(PluginRefSchema).optional(),
  vcs: PluginRefSchema.optional(),
  delivery: z.preprocess(
    (v) => (typeof v === "string" ? { mode: v } : v),
    DeliverySchema,
  ).prefault({}),
  notifiers: z.array(PluginRefSchema).default([]),
  report: z.strictObject({
    dir: z.string().optional(),
    formats: z.array(z.enum(["json", "markdown", "html"])).default(["json", "markdown", "html"]),
    /**
     * How long run folders are kept: after each run, and by `fleet-orch
     * clean`, folders older than `days` go, then the oldest until all fit in
     * `max_mb`. The newest run is always kept.
     */
    retention: z.strictObject({
      days: z.number().int().min(0).default(30),
      max_mb: z.number().min(0).default(500),
    }).prefault({}),
    /** Keep every gate log whole (default: past 2 MB, the first and last 1 MB). */
    full_logs: z.boolean().default(false),
    /**
     * `seed`: also keep the seed's layout, `logs/orchestrator.log` (appended
     * run after run) and `logs/verification_<env>_<time>.json`, in `logs/`
     * next to the config file (under `report.dir` when set). @default "run"
     */
    layout: z.enum(["run", "seed"]).default("run"),
  }).prefault({}),
  pricing: z.record(z.string(), z.strictObject({ input: z.number(), output: z.number() }))
    .default({}),
});

/** A validated configuration. */
export type Config = ReturnType<typeof ConfigSchema.parse>;
/** One `uses:` reference. */
export type PluginRef = z.infer<typeof PluginRefSchema>;
/** One deployment environment's settings. */
export type EnvironmentConfig = z.infer<typeof EnvironmentSchema>;
/** Settings of one model-backed agent. */
export type AgentModelConfig = z.infer<typeof AgentModelSchema>;
