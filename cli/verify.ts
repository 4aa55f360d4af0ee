/**
 * `fleet-orch verify --environment E [--config F] [--json]`: run the
 * verifiers of one deployment environment (health endpoint, verification
 * endpoints, smoke tests, critical flows, and any `verifiers:` plugins listed
 * for it) and nothing else.
 *
 * Exit codes: 0 every check passed; 1 a check failed; 2 usage or config error.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { configDirOf } from "../core/registry.ts";
import type { VerifierPlugin } from "../core/plugin.ts";
import type { VerificationResult } from "../core/types.ts";
import { openRuntime, type Runtime } from "../orchestrator/runtime.ts";
import { createSeedLogDir } from "../orchestrator/run_dir.ts";
import { environmentRedactor, guard, parseFlags, reportError } from "./_common.ts";
import { verifyEnvironment, writeVerificationReport } from "../plugins/verifiers/mod.ts";
import { messageOf } from "../core/errors.ts";
import { closestName } from "../core/suggest.ts";

/** Help text for `fleet-orch verify --help`. */
export const help =
  `Usage: fleet-orch verify --environment E [--config F] [--repo DIR] [--report-dir DIR] [--json]

Check a deployed environment: health endpoint (retried while the service starts),
verification endpoints, smoke tests and critical flows, as set under
deployment.environments.<E> in the config file, plus the verifier plugins
listed in its "verifiers:".

Options:
  -e, --environment E   Environment to check (required)
  -c, --config F        Config file (default: fleet-orch.yaml at the repository root)
      --repo DIR        Repository (default: the git repository around the current directory)
      --report-dir DIR  Write verification_<E>_<time>.json here
                        (default: report.dir of the config, else .git/fleet-orch/verification;
                        with report.layout: seed, logs/ as run writes it)
      --json            Print one JSON document on stdout: {environment, ok, results, report};
                        human text goes to stderr
      --allow-policy-loosening
                        Let the repository's policy file and safety.allow_paths lower
                        the built-in floor (also FLEET_ORCH_ALLOW_POLICY_LOOSENING=1)
  -h, --help            Show this help

Exit codes: 0 every check passed; 1 a check failed; 2 usage or config error;
130 interrupted (SIGINT or SIGTERM).`;

/** What `run` needs from outside; tests inject their own. */
export interface VerifyIo {
  /** Write to stdout. */
  stdout: (text: string) => void;
  /** Write to stderr. */
  stderr: (text: string) => void;
  /** fetch for the checks. */
  fetch: typeof fetch;
  /** The working directory. */
  cwd: string;
  /** Environment variables. @default Deno.env */
  env?: Record<string, string>;
}

const _enc = new TextEncoder();
const _defaultIo = (): VerifyIo => ({
  stdout: (t) => void Deno.stdout.writeSync(_enc.encode(t)),
  stderr: (t) => void Deno.stderr.writeSync(_enc.encode(t)),
  fetch: globalThis.fetch,
  cwd: Deno.cwd(),
});

/**
 * Run `verify`.
 *
 * @param args The arguments after `verify`.
 * @param io Streams, fetch, working directory and environment. @default the process's
 * @returns The exit code: 0 all passed, 1 some failed, 2 usage or config error.
 */
export function run(args: string[], io: VerifyIo = _defaultIo()): Promise<number> {
  // Interrupted, verify exits 130 at once: it changes nothing in the
  // repository, and the smoke-test processes it started die with it.
  return guard(() => _guarded(args, io));
}

async function _guarded(args: string[], io: VerifyIo): Promise<number> {
  // Every line verify prints passes redaction, the messages of errors
  // included: before the runtime opens with the environment's secrets, after
  // it with the config's declared credentials too.
  let redact = await environmentRedactor(io.env ?? Deno.env.toObject());
  const safeIo: VerifyIo = {
    ...io,
    stdout: (t) => io.stdout(redact(t)),
    stderr: (t) => io.stderr(redact(t)),
  };
  try {
    return await _run(args, safeIo, (r) => (redact = r));
  } catch (e) {
    // Unexpected failures (report folder not writable...) get the shared handler.
    return reportError(e, redact, (line) => io.stderr(redact(line) + "\n"));
  }
}

async function _run(
  args: string[],
  io: VerifyIo,
  useRedactor: (redact: (t: string) => string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(args, {
      environment: { type: "string", short: "e" },
      config: { type: "string", short: "c" },
      repo: { type: "string" },
      "report-dir": { type: "string" },
      json: { type: "boolean", default: false },
      "allow-policy-loosening": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    }, "verify");
  } catch (e) {
    io.stderr(`error: ${messageOf(e)}\n`);
    return 2;
  }
  if (parsed.positionals.length) {
    io.stderr(
      `error: verify takes no arguments; got "${
        parsed.positionals[0]
      }" (the environment goes after --environment)\n`,
    );
    return 2;
  }
  const flags = parsed.values;
  if (flags.help) {
    io.stdout(help + "\n");
    return 0;
  }
  if (!flags.environment) {
    io.stderr(`error: --environment is required; see "fleet-orch verify --help"\n`);
    return 2;
  }
  const envName = flags.environment;
  const human = flags.json ? io.stderr : io.stdout;
  let rt: Runtime;
  try {
    rt = await openRuntime({
      repo: resolve(io.cwd, flags.repo ?? "."),
      config: flags.config ? resolve(io.cwd, flags.config) : undefined,
      write: (line) => io.stderr(line + "\n"),
      fetch: io.fetch,
      ...(io.env ? { env: io.env } : {}),
      ...(flags["allow-policy-loosening"] ? { allowPolicyLoosening: true } : {}),
    });
  } catch (e) {
    // Every failure to open the runtime is a setup problem: bad config, no
    // repository. The shared handler prints config problems in full.
    reportError(e, (t) => t, (line) => io.stderr(line + "\n"));
    return 2;
  }
  useRedactor(rt.redact);
  const environments = rt.loaded.config.deployment.environments;
  const settings = Object.hasOwn(environments, envName) ? environments[envName] : undefined;
  if (!settings) {
    const valid = Object.keys(environments);
    const near = closestName(envName, valid);
    io.stderr(
      `error: Unknown environment "${envName}" in ${rt.loaded.file}; valid environments: ${
        valid.length ? valid.join(", ") : "(none: add deployment.environments.<name>)"
      }${near ? `; did you mean "${near}"?` : ""}\n`,
    );
    return 2;
  }
  const startedAt = new Date().toISOString();
  let outcome: { ok: boolean; results: VerificationResult[] };
  try {
    outcome = await verifyEnvironment(envName, settings as Record<string, unknown>, {
      fetch: rt.pluginContext.fetch,
      log: rt.log,
      env: rt.pluginContext.env,
      verifiers: await _verifiers(rt, envName),
    });
  } catch (e) {
    // Invalid settings (TypeError), unknown plugins (ConfigError), plugin setup (PluginError).
    io.stderr(`error: ${messageOf(e)}\n`);
    return 2;
  }
  const finishedAt = new Date().toISOString();
  const configured = rt.loaded.config.report.dir;
  // report.layout: seed keeps the seed's logs/verification_*.json, as run does.
  const reportDir = flags["report-dir"]
    ? resolve(io.cwd, flags["report-dir"])
    : rt.loaded.config.report.layout === "seed"
    ? await createSeedLogDir(rt.loaded.file, configured, rt.repoRoot)
    : configured
    ? (isAbsolute(configured) ? configured : join(rt.repoRoot, configured))
    : join(rt.stateDir, "verification");
  const report = await writeVerificationReport(reportDir, {
    environment: envName,
    ok: outcome.ok,
    startedAt,
    finishedAt,
    results: outcome.results,
  });
  for (const r of outcome.results) {
    human(
      rt.redact(`${r.ok ? "PASS" : "FAIL"}  ${r.target}  ${r.message} (${r.durationMs} ms)`) + "\n",
    );
  }
  const failed = outcome.results.filter((r) => !r.ok).length;
  human(
    `${outcome.ok ? "Verified" : "Verification failed for"} environment "${envName}": ` +
      `${outcome.results.length - failed} passed, ${failed} failed\n`,
  );
  io.stderr(`Report: ${report}\n`);
  if (flags.json) {
    io.stdout(
      rt.redact(
        JSON.stringify({ environment: envName, ok: outcome.ok, results: outcome.results, report }),
      ) +
        "\n",
    );
  }
  return outcome.ok ? 0 : 1;
}

/** The built-in `http` verifier plus the plugins the environment lists (http only once). */
async function _verifiers(rt: Runtime, envName: string): Promise<VerifierPlugin[]> {
  const refs = rt.loaded.config.deployment.environments[envName]?.verifiers ?? [];
  const where = (i: number) => ({
    yaml: rt.loaded.yaml,
    path: ["deployment", "environments", envName, "verifiers", i] as PropertyKey[],
  });
  const options = { configDir: configDirOf(rt.loaded.file), context: rt.pluginContext };
  const out: VerifierPlugin[] = [];
  if (!refs.some((r) => r.uses === "http")) {
    out.push(await rt.registry.instantiate("verifier", { uses: "http", with: {} }, options));
  }
  for (const [i, ref] of refs.entries()) {
    out.push(await rt.registry.instantiate("verifier", ref, { ...options, where: where(i) }));
  }
  return out;
}
