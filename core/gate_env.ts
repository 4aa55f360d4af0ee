/**
 * The environment of untrusted commands (gates, recipes: anything that runs
 * code a model or the repository under repair may have written).
 *
 * It is an allowlist, not a denylist: a CI job's environment holds tokens
 * under names nobody can enumerate (`DATABASE_URL`, `MY_VENDOR_PAT`), so only
 * variables known to be harmless pass, and a gate that needs more names them
 * (`env_passthrough:` in the config). This file is the one place the list lives.
 *
 * @module
 */

/** Names passed unchanged (when set). */
export const ALLOWED_NAMES: readonly string[] = [
  // The process basics.
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "TERM",
  "COLORTERM",
  "TZ",
  "TMPDIR",
  "LANG",
  "LANGUAGE",
  "NO_COLOR",
  "FORCE_COLOR",
  // Generic CI markers.
  "CI",
  "CONTINUOUS_INTEGRATION",
  "GITLAB_CI",
  "TF_BUILD",
  // Tool settings that are never credentials.
  "NODE_ENV",
  "NODE_OPTIONS",
  "NODE_EXTRA_CA_CERTS",
  "NPM_CONFIG_LOGLEVEL",
  "DENO_DIR",
  "DENO_NO_UPDATE_CHECK",
  "PYTHONPATH",
  "PYTHONUNBUFFERED",
  "PYTHONDONTWRITEBYTECODE",
  "PIP_DISABLE_PIP_VERSION_CHECK",
  "VIRTUAL_ENV",
  "GOPATH",
  "GOROOT",
  "GOCACHE",
  "GOMODCACHE",
  "GOFLAGS",
  "CARGO_HOME",
  "RUSTUP_HOME",
  "RUSTFLAGS",
  "JAVA_HOME",
  "DOTNET_ROOT",
  "DOTNET_CLI_TELEMETRY_OPTOUT",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
];

/**
 * Name prefixes passed when the name does not look like a credential
 * ({@link SECRET_NAME}): locale, and the CI systems' descriptive variables
 * (GitHub Actions, Azure Pipelines, GitLab CI).
 */
export const ALLOWED_PREFIXES: readonly string[] = [
  "LC_",
  "GITHUB_",
  "RUNNER_",
  "BUILD_",
  "SYSTEM_",
  "AGENT_",
  "CI_",
];

/**
 * Names withheld even though a prefix allows them: credentials under
 * innocent-looking names, and the GitHub files whose writer changes later
 * workflow steps (`GITHUB_ENV` can set `NODE_OPTIONS` for the next step).
 */
export const WITHHELD_NAMES: readonly string[] = [
  "GITHUB_TOKEN",
  "GITHUB_ENV",
  "GITHUB_PATH",
  "GITHUB_OUTPUT",
  "GITHUB_STATE",
  "GITHUB_STEP_SUMMARY",
  "SYSTEM_ACCESSTOKEN",
  // GitLab's clone URL carries the job token as its password.
  "CI_REPOSITORY_URL",
];

/** A name that looks like it holds a credential, whatever its prefix. */
export const SECRET_NAME =
  /TOKEN|SECRET|PASSW|PASSPHRASE|CREDENTIAL|PRIVATE|APIKEY|API_KEY|_KEY$|^KEY|AUTH|JWT|COOKIE|SESSION|CERT_PASS|CONNECTION_?STRING|_PAT$/i;

// A value with credentials in a URL (`https://user:pass@host`): a proxy
// variable or a CI variable may carry one even under an allowed name.
const _URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

/** `CI` as the allowlisted environment always sets it. */
export const CI_VALUE = "true";

/**
 * Whether a variable of the parent environment reaches an untrusted command
 * without being named by the gate.
 *
 * @param name Variable name.
 * @param value Its value.
 * @returns True when it is on the allowlist and its value holds no URL password.
 */
export function isAllowed(name: string, value: string): boolean {
  if (_URL_WITH_PASSWORD.test(value)) return false;
  if (ALLOWED_NAMES.includes(name)) return true;
  if (WITHHELD_NAMES.includes(name)) return false;
  // GitHub's Actions runtime variables (ACTIONS_RUNTIME_TOKEN, the OIDC
  // request token and URL, the cache service) are never passed; only the
  // two debug switches are descriptive.
  if (name === "ACTIONS_STEP_DEBUG" || name === "ACTIONS_RUNNER_DEBUG") return true;
  if (!ALLOWED_PREFIXES.some((p) => name.startsWith(p))) return false;
  return !SECRET_NAME.test(name);
}

/**
 * The environment an untrusted command gets: the allowlisted part of
 * `parent`, `CI=true`, and the variables the gate names in `passthrough`
 * (passed as they are, whatever they hold: naming one is the user's decision).
 *
 * @param parent The environment fleet-orch runs in.
 * @param passthrough Names the gate declares with `env_passthrough`.
 * @returns The environment (a new object).
 * @example
 * ```ts
 * import { gateEnvironment } from "./gate_env.ts";
 * const env = gateEnvironment({ PATH: "/bin", GITHUB_TOKEN: "x", DATABASE_URL: "y" }, ["DATABASE_URL"]);
 * console.assert(env.PATH === "/bin" && env.GITHUB_TOKEN === undefined && env.DATABASE_URL === "y");
 * ```
 */
export function gateEnvironment(
  parent: Readonly<Record<string, string>>,
  passthrough: readonly string[] = [],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (isAllowed(name, value)) env[name] = value;
  }
  env.CI = CI_VALUE;
  for (const name of passthrough) {
    if (name.endsWith("*")) {
      // A declared prefix (deploy steps: `AZURE_*`) passes every name it starts.
      const prefix = name.slice(0, -1);
      for (const [n, value] of Object.entries(parent)) if (n.startsWith(prefix)) env[n] = value;
      continue;
    }
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
