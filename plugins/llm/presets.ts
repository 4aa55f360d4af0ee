/**
 * Provider presets: which base URL and which key variable each
 * OpenAI-compatible endpoint uses, and how explicit settings and the
 * environment override them.
 *
 * @module
 */

/** The providers the `openai` plugin knows by name. */
export const PROVIDERS = [
  "openai",
  "azure",
  "anthropic",
  "gemini",
  "ollama",
  "vllm",
  "litellm",
] as const;

/** One of {@link PROVIDERS}. */
export type ProviderName = typeof PROVIDERS[number];

/** Defaults of one provider. */
export interface ProviderPreset {
  /** Default base URL, or null when the user must give one. */
  baseUrl: string | null;
  /** Environment variable that may hold the base URL. */
  baseUrlEnv?: string;
  /** Environment variable holding the API key, or null when none is used. */
  keyEnv: string | null;
  /**
   * Whether a call without a key is refused up front: only when the base URL
   * is the provider's cloud API ({@link isCloudHost}); a custom base URL on
   * another host makes the key optional.
   */
  keyRequired: boolean;
  /** Whether calls are free (a local server): no unknown-price warning. */
  local: boolean;
}

/** The presets, by provider name. */
export const PRESETS: Readonly<Record<ProviderName, ProviderPreset>> = Object.freeze({
  openai: {
    baseUrl: "https://api.openai.com/v1",
    baseUrlEnv: "OPENAI_BASE_URL",
    keyEnv: "OPENAI_API_KEY",
    keyRequired: true,
    local: false,
  },
  azure: {
    // The v1 API takes the plain OpenAI client with the deployment as model;
    // a deployment URL (/openai/deployments/<name>) takes api-version.
    baseUrl: null,
    baseUrlEnv: "AZURE_OPENAI_ENDPOINT",
    keyEnv: "AZURE_OPENAI_API_KEY",
    keyRequired: true,
    local: false,
  },
  anthropic: {
    baseUrl: "https://api.anthropic.com/v1/",
    keyEnv: "ANTHROPIC_API_KEY",
    keyRequired: true,
    local: false,
  },
  gemini: {
    baseUrl: "https://generativelanguage.googleapis.com/v1beta/openai/",
    keyEnv: "GEMINI_API_KEY",
    keyRequired: true,
    local: false,
  },
  ollama: { baseUrl: "http://localhost:11434/v1/", keyEnv: null, keyRequired: false, local: true },
  vllm: {
    baseUrl: "http://localhost:8000/v1/",
    keyEnv: "VLLM_API_KEY",
    keyRequired: false,
    local: true,
  },
  litellm: {
    baseUrl: "http://localhost:4000/v1/",
    keyEnv: "LITELLM_API_KEY",
    keyRequired: false,
    local: false,
  },
});

/** Hosts of the cloud APIs the presets name: they always need a key. */
const CLOUD_HOSTS = [
  /^api\.openai\.com$/,
  /\.openai\.azure\.com$/,
  /\.cognitiveservices\.azure\.com$/,
  /\.services\.ai\.azure\.com$/,
  /^api\.anthropic\.com$/,
  /^generativelanguage\.googleapis\.com$/,
];

/**
 * Whether `hostname` is one of the cloud APIs that refuse calls without a key
 * (OpenAI, Azure OpenAI, Anthropic, Gemini). A key is optional for any other
 * host: local and self-hosted servers often run without auth.
 *
 * @param hostname A URL's hostname.
 * @returns True for a known cloud API host.
 */
export function isCloudHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return CLOUD_HOSTS.some((re) => re.test(h));
}

/** Settings that choose an endpoint. */
export interface EndpointSettings {
  /** Provider preset. @default "openai" */
  provider?: ProviderName | undefined;
  /** Explicit base URL (wins over the preset and the environment). */
  base_url?: string | undefined;
  /** Explicit key variable (wins over the preset; then a key is required, whatever the host). */
  api_key_env?: string | undefined;
  /**
   * How requests authenticate: `bearer` (Authorization: Bearer <key>),
   * `api-key` (Azure's `api-key: <key>` header) or `entra` (a Microsoft Entra
   * ID token, no key). @default "api-key" for Azure deployment URLs, else "bearer"
   */
  auth?: AuthMode | undefined;
  /** `api-version` query parameter (required by Azure deployment URLs). */
  api_version?: string | undefined;
}

/** The ways a request can authenticate. */
export const AUTH_MODES = ["bearer", "api-key", "entra"] as const;
/** One of {@link AUTH_MODES}. */
export type AuthMode = typeof AUTH_MODES[number];

/** A resolved endpoint. */
export interface ResolvedEndpoint {
  /** The provider. */
  provider: ProviderName;
  /** Base URL without a trailing slash. */
  baseUrl: string;
  /** The variable the key is read from, or null. */
  keyEnv: string | null;
  /** The key, when set. */
  apiKey: string | null;
  /** Why no call can be made (missing key), or null. */
  credentialProblem: string | null;
  /** Whether calls are free. */
  local: boolean;
  /** How requests authenticate. */
  auth: AuthMode;
  /** The `api-version` query parameter sent with every request, or null. */
  apiVersion: string | null;
  /** The Azure deployment the base URL names (`/openai/deployments/<name>`), or null. */
  deployment: string | null;
  /** The model list a probe asks for (an Azure deployment URL has none of its own). */
  modelsUrl: string;
}

/** The setting an {@link EndpointError} is about. */
export type EndpointSetting = "provider" | "base_url" | "api_version";

/**
 * An endpoint that cannot be resolved from the settings and the environment:
 * which setting is at fault, and the environment variable the bad value came
 * from (when it did), so a config loader can point at the key to correct.
 */
export class EndpointError extends TypeError {
  override name = "EndpointError";
  /**
   * @param message What is wrong and how to correct it.
   * @param setting The setting at fault.
   * @param variable The environment variable the value came from, if any.
   */
  constructor(
    message: string,
    readonly setting: EndpointSetting,
    readonly variable: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Why `raw` cannot be a base URL, or null when it is an absolute http(s) URL.
 * A URL written without its scheme (`localhost:11434/v1`) parses as the
 * scheme `localhost:`; the reason says to add `http://`.
 *
 * @param raw The text given as a base URL.
 * @returns The reason, or null.
 */
export function baseUrlProblem(given: string): string | null {
  let url: URL | null = null;
  try {
    url = new URL(given);
  } catch {
    url = null;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:") && url.hostname) return null;
  // The message quotes the value: never the credentials written into it
  // (without a scheme, the redactor does not know them for a URL's).
  const raw = given.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?)[^/@\s]+@/i, "$1***@");
  if (/^https?:\/\//i.test(raw)) {
    return `"${raw}" is not a valid URL${
      /^https?:\/\/[^/[]*:[^/]*:/i.test(raw)
        ? ': an IPv6 address goes in brackets, e.g. "http://[::1]:8000/v1"'
        : ""
    }`;
  }
  if (/^\/(?!\/)/.test(raw)) {
    return `"${raw}" is a path, not a URL: write the server's address too, e.g. "http://localhost:8000${raw}"`;
  }
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(raw);
  if (scheme) {
    return `"${raw}" is not an http(s) URL: an OpenAI-compatible API is reached over http:// or https://`;
  }
  return `"${raw}" is not an http(s) URL: write it with its scheme, e.g. "http://${
    raw.replace(/^\/+/, "")
  }"`;
}

/**
 * Resolve provider, base URL and key from settings, preset and environment.
 * A missing key is not thrown here (recipes work without a model): it is
 * returned as `credentialProblem`, naming the variable.
 *
 * @param settings The agent's provider settings.
 * @param env Environment lookup.
 * @returns The endpoint.
 * @throws {EndpointError} When the provider is unknown, the base URL is missing
 *   (Azure) or is not an http(s) URL, or an Azure deployment URL has no API
 *   version; it names the setting and the variable the bad value came from.
 */
export function resolveEndpoint(
  settings: EndpointSettings,
  env: (name: string) => string | undefined,
): ResolvedEndpoint {
  const provider = settings.provider ?? "openai";
  const preset = (PRESETS as Record<string, ProviderPreset | undefined>)[provider];
  if (!preset) {
    throw new EndpointError(
      `Provider "${provider}" is not known: use one of ${PROVIDERS.join(", ")}`,
      "provider",
    );
  }
  const fromEnv = preset.baseUrlEnv ? env(preset.baseUrlEnv)?.trim() : undefined;
  // Where the base URL comes from, for an error about it.
  const variable = settings.base_url === undefined && fromEnv ? preset.baseUrlEnv! : null;
  let raw = settings.base_url ?? (fromEnv || undefined) ?? preset.baseUrl;
  if (!raw) {
    throw new EndpointError(
      `Provider "${provider}" needs a base URL: set base_url (e.g. ` +
        `"https://<resource>.openai.azure.com/openai/v1/") or ${preset.baseUrlEnv}`,
      "base_url",
      preset.baseUrlEnv ?? null,
    );
  }
  const bad = baseUrlProblem(raw);
  if (bad) {
    throw new EndpointError(
      variable ? `The base URL in ${variable} ${bad}` : `Base URL ${bad}`,
      "base_url",
      variable,
    );
  }
  const url = new URL(raw);
  // An Azure deployment URL, as the portal shows it (possibly with
  // /chat/completions and ?api-version= on the end): the base is the
  // deployment, api-version becomes a query parameter of every request.
  const dep = /^(.*?)\/openai\/deployments\/([^/]+)(?:\/chat\/completions)?\/*$/.exec(url.pathname);
  const queryVersion = url.searchParams.get("api-version");
  const apiVersion = settings.api_version?.trim() || queryVersion ||
    (provider === "azure" ? env("AZURE_OPENAI_API_VERSION")?.trim() || null : null);
  let deployment: string | null = null;
  let modelsUrl: string;
  if (dep) {
    deployment = decodeURIComponent(dep[2]!);
    if (!apiVersion) {
      throw new EndpointError(
        `The Azure deployment URL "${raw}" needs an API version: set api_version ` +
          `(e.g. "2024-10-21") or AZURE_OPENAI_API_VERSION`,
        "api_version",
      );
    }
    raw = `${url.origin}${dep[1]}/openai/deployments/${dep[2]}`;
    modelsUrl = `${url.origin}${dep[1]}/openai/models`;
  } else {
    // The full endpoint pasted as the base URL (".../v1/chat/completions",
    // as API docs show it): the base is what comes before.
    const root = url.pathname.replace(/\/chat\/completions\/*$/, "");
    if (root !== url.pathname) {
      raw = url.origin + root;
      url.pathname = root;
    }
    if (provider === "azure" && !/\/openai(\/|$)/.test(url.pathname)) {
      // An Azure resource endpoint alone: the v1 API lives under /openai/v1/.
      raw = url.origin + url.pathname.replace(/\/+$/, "") + "/openai/v1";
    }
    modelsUrl = `${raw.replace(/\/+$/, "")}/models`;
  }
  if (apiVersion) {
    const m = new URL(modelsUrl);
    m.searchParams.set("api-version", apiVersion);
    modelsUrl = m.href;
  }
  const baseUrl = raw.replace(/\/+$/, "");
  const auth: AuthMode = settings.auth ?? (deployment ? "api-key" : "bearer");
  if (auth === "entra") {
    // No key: the token comes from Entra ID (plugins/llm/entra.ts), whose
    // own problems (a missing AZURE_TENANT_ID) the client reports.
    return {
      provider,
      baseUrl,
      keyEnv: null,
      apiKey: null,
      credentialProblem: null,
      local: preset.local,
      auth,
      apiVersion,
      deployment,
      modelsUrl,
    };
  }
  const keyEnv = settings.api_key_env ?? preset.keyEnv;
  const apiKey = keyEnv ? (env(keyEnv)?.trim() || null) : null;
  // A cloud API refuses every call without a key, so a missing one is reported
  // before any call. Any other host (Ollama, vLLM, LiteLLM, a proxy, reached
  // through base_url or OPENAI_BASE_URL) may run without auth: the key is sent
  // when its variable is set, and a server that wants one answers 401, which
  // the error names. Naming api_key_env explicitly always makes the key required.
  const keyRequired = settings.api_key_env !== undefined ||
    (preset.keyRequired && isCloudHost(url.hostname));
  const credentialProblem = keyRequired && !apiKey
    ? `The API key for provider "${provider}" is missing: set the environment variable "${keyEnv}"`
    : null;
  return {
    provider,
    baseUrl,
    keyEnv,
    apiKey,
    credentialProblem,
    local: preset.local,
    auth,
    apiVersion,
    deployment,
    modelsUrl,
  };
}
