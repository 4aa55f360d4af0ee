/**
 * `fleet-orch verify --environment E [--config F] [--json]`: run the
 * verifiers of one deployment environment (health endpoint, verification
 * endpoints, smoke tests, critical flows) and nothing else.
 *
 * Exit codes: 0 every check passed; 1 a check failed; 2 usage or config error.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { isAbsolute, join, resolve } from "node:path";
import { ConfigError } from "../core/errors.ts";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../core/config.ts";
import { createLogger } from "../core/log.ts";
import { configDirOf, PluginRegistry } from "../core/registry.ts";
import { ShellExecutor } from "../core/exec.ts";
import type { PluginContext, VerifierPlugin } from "../core/plugin.ts";
import type { VerificationResult } from "../core/types.ts";
import {
  builtinVerifiers,
  verifyEnvironment,
  writeVerificationReport,
} from "../plugins/verifiers/mod.ts";

/** One-paragraph help for `fleet-orch verify --help`. */
export const help =
  `Usage: fleet-orch verify --environment E [--config F] [--repo DIR] [--report-dir DIR] [--json]

Check a deployed environment: health endpoint (retried while the service starts),
verification endpoints, smoke tests and critical flows, as set under
deployment.environments.<E> in the config file.

Options:
  -e, --environment E   Environment to check (required)
  -c, --config F        Config file (default: fleet-orch.yaml at the repository root)
      --repo DIR        Repository root (default: the git repository around the current directory)
      --report-dir DIR  Write verification_<E>_<time>.json here (default: .git/fleet-orch/verification)
      --json            Print one JSON document on stdout: {environment, ok, results, report}
  -h, --help            Show this help

Exit codes: 0 every check passed; 1 a check failed; 2 usage or config error.`;

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
}

const _enc = new TextEncoder();
const _defaultIo = (): VerifyIo => ({
  stdout: (t) => Deno.stdout.writeSync(_enc.encode(t)),
  stderr: (t) => Deno.stderr.writeSync(_enc.encode(t)),
  fetch: globalThis.fetch,
  cwd: Deno.cwd(),
});

/**
 * Run `verify`.
 *
 * @param args The arguments after `verify`.
 * @param io Streams, fetch and working directory. @default the process's
 * @returns The exit code: 0 all passed, 1 some failed, 2 usage or config error.
 */
export async function run(args: string[], io: VerifyIo = _defaultIo()): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      allowPositionals: false,
      options: {
        environment: { type: "string", short: "e" },
        config: { type: "string", short: "c" },
        repo: { type: "string" },
        "report-dir": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n\n${help}\n`);
    return 2;
  }
  if (flags.help) {
    io.stdout(help + "\n");
    return 0;
  }
  const json = flags.json === true;
  const human = json ? io.stderr : io.stdout;
  const log = createLogger({ write: (line) => io.stderr(line + "\n") });
  if (!flags.environment) {
    io.stderr(`error: --environment is required\n\n${help}\n`);
    return 2;
  }
  const envName = flags.environment;
  const root = flags.repo ? resolve(io.cwd, flags.repo) : _repoRoot(io.cwd) ?? io.cwd;
  const configPath = flags.config ? resolve(io.cwd, flags.config) : join(root, DEFAULT_CONFIG_FILE);
  let loaded;
  try {
    loaded = await loadConfig(configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      io.stderr(`error: invalid configuration\n${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const environments = loaded.config.deployment.environments;
  const settings = Object.hasOwn(environments, envName) ? environments[envName] : undefined;
  if (!settings) {
    const valid = Object.keys(environments);
    io.stderr(
      `error: Unknown environment "${envName}" in ${loaded.file}; valid environments: ${
        valid.length ? valid.join(", ") : "(none: add deployment.environments.<name>)"
      }\n`,
    );
    return 2;
  }
  const startedAt = new Date().toISOString();
  let outcome: { ok: boolean; results: VerificationResult[] };
  try {
    const verifiers = await _verifiers(loaded, envName, root, io, log);
    outcome = await verifyEnvironment(envName, settings as Record<string, unknown>, {
      fetch: io.fetch,
      log,
      ...(verifiers ? { verifiers } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError || e instanceof TypeError) {
      io.stderr(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const finishedAt = new Date().toISOString();
  const reportDir = flags["report-dir"]
    ? resolve(io.cwd, flags["report-dir"])
    : loaded.config.report.dir
    ? (isAbsolute(loaded.config.report.dir)
      ? loaded.config.report.dir
      : join(root, loaded.config.report.dir))
    : _gitDirExists(root)
    ? join(root, ".git", "fleet-orch", "verification")
    : undefined;
  let report: string | null = null;
  if (reportDir) {
    report = await writeVerificationReport(reportDir, {
      environment: envName,
      ok: outcome.ok,
      startedAt,
      finishedAt,
      results: outcome.results,
    });
  }
  for (const r of outcome.results) {
    human(`${r.ok ? "PASS" : "FAIL"}  ${r.target}  ${r.message} (${r.durationMs} ms)\n`);
  }
  const failed = outcome.results.filter((r) => !r.ok).length;
  human(
    `${outcome.ok ? "Verified" : "Verification failed for"} environment "${envName}": ` +
      `${outcome.results.length - failed} passed, ${failed} failed\n`,
  );
  if (report) io.stderr(`Report: ${report}\n`);
  if (json) {
    io.stdout(
      JSON.stringify({ environment: envName, ok: outcome.ok, results: outcome.results, report }) +
        "\n",
    );
  }
  return outcome.ok ? 0 : 1;
}

async function _verifiers(
  loaded: Awaited<ReturnType<typeof loadConfig>>,
  envName: string,
  root: string,
  io: VerifyIo,
  log: ReturnType<typeof createLogger>,
): Promise<VerifierPlugin[] | undefined> {
  const refs = loaded.config.deployment.environments[envName]?.verifiers;
  if (!refs || refs.length === 0) return undefined;
  const registry = new PluginRegistry({ builtins: builtinVerifiers });
  const context: PluginContext = {
    repoRoot: root,
    // `verify` only checks endpoints; a verifier that wants a command is refused
    // rather than run without the policy engine's judgement.
    exec: new ShellExecutor({
      judge: (command) => ({
        allowed: false,
        rule: null,
        message: `Verifiers may not run commands under "fleet-orch verify": "${command}"`,
      }),
    }),
    log,
    env: (name) => Deno.env.get(name),
    fetch: io.fetch,
    dryRun: false,
  };
  const out: VerifierPlugin[] = [];
  for (const [i, ref] of refs.entries()) {
    out.push(
      await registry.instantiate("verifier", ref, {
        configDir: configDirOf(loaded.file),
        context,
        where: { yaml: loaded.yaml, path: ["deployment", "environments", envName, "verifiers", i] },
      }),
    );
  }
  return out;
}

function _repoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    try {
      Deno.statSync(join(dir, ".git"));
      return dir;
    } catch {
      // Not here: try the parent.
    }
    const parent = resolve(dir, "..");
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function _gitDirExists(root: string): boolean {
  try {
    return Deno.statSync(join(root, ".git")).isDirectory;
  } catch {
    return false;
  }
}
