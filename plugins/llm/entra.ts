/**
 * Microsoft Entra ID access tokens for Azure OpenAI (`auth: entra`), for
 * teams whose resource has API keys turned off. The credential comes from the
 * environment, as Azure's own tools read it:
 *
 * 1. workload identity federation: `AZURE_FEDERATED_TOKEN_FILE` (the token
 *    AKS or a CI system wrote), `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`;
 * 2. a service principal's secret: `AZURE_CLIENT_SECRET`, `AZURE_TENANT_ID`,
 *    `AZURE_CLIENT_ID`;
 * 3. otherwise managed identity: `IDENTITY_ENDPOINT` + `IDENTITY_HEADER`
 *    (App Service, Container Apps, Functions) or the instance metadata
 *    service of an Azure VM or scale-set agent (`AZURE_CLIENT_ID` picks a
 *    user-assigned identity).
 *
 * 1 and 2 are the OAuth 2.0 client-credentials grant on
 * `{authority}/{tenant}/oauth2/v2.0/token`; the authority defaults to
 * `https://login.microsoftonline.com` (`AZURE_AUTHORITY_HOST` or
 * `entra.authority_host` for sovereign clouds). The token is kept in memory
 * until five minutes before it expires; it is sent only as the
 * `Authorization` header of model requests, never logged and never part of
 * a message. `@azure/identity` is not used: its authority must be HTTPS
 * (so it cannot be tested against a loopback server) and it would add a large
 * dependency for three HTTP requests.
 *
 * @module
 */

import { PluginError } from "../../core/errors.ts";

/** The scope of Azure OpenAI (Cognitive Services) tokens. */
export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
/** Entra ID's public-cloud authority. */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";
/** The Azure instance metadata service's token endpoint (managed identity on VMs). */
export const IMDS_TOKEN_ENDPOINT = "http://169.254.169.254/metadata/identity/oauth2/token";
/** A token is renewed this long before it expires. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** The `entra:` options of the openai plugin. */
export interface EntraSettings {
  /** Authority host. @default $AZURE_AUTHORITY_HOST or https://login.microsoftonline.com */
  authority_host?: string | undefined;
  /** Token scope. @default https://cognitiveservices.azure.com/.default */
  scope?: string | undefined;
  /** Managed identity token endpoint. @default $IDENTITY_ENDPOINT or the instance metadata service */
  managed_identity_endpoint?: string | undefined;
}

/** How the token is obtained. */
export type EntraMethod = "workload_identity" | "client_secret" | "managed_identity";

/** A source of Entra ID access tokens, cached. */
export interface EntraTokenSource {
  /** The credential in use. */
  readonly method: EntraMethod;
  /** The variable holding the credential (secret or federated token file), or null. */
  readonly credentialEnv: string | null;
  /** The URL tokens are asked from (no secret in it). */
  readonly endpoint: string;
  /** Why no token can be asked for (a missing variable), or null. */
  readonly problem: string | null;
  /**
   * A valid access token: the cached one, or a new one.
   *
   * @throws {EntraTokenError} When the endpoint cannot be reached or refuses.
   */
  token(signal?: AbortSignal): Promise<string>;
}

/** A token request that failed; `rejected` when the endpoint answered with a refusal. */
export class EntraTokenError extends PluginError {
  /** True for an HTTP refusal (bad credential), false for no answer. */
  readonly rejected: boolean;
  /**
   * @param message What went wrong.
   * @param rejected Whether the endpoint refused the credential.
   * @param options Error options (cause).
   */
  constructor(message: string, rejected: boolean, options?: ErrorOptions) {
    super("openai", message, options);
    this.name = "EntraTokenError";
    this.rejected = rejected;
  }
}

/**
 * Whether an http: URL is acceptable for a credential exchange: only on a
 * loopback or link-local host (the metadata service, a test double).
 */
function _plainHttpAllowed(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\./.test(h) || /^169\.254\./.test(h);
}

function _checkedUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TypeError(`The ${what} "${raw}" is not a valid URL`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && _plainHttpAllowed(url)) return url;
  throw new TypeError(
    `The ${what} "${raw}" must be an https URL (credentials are not sent in clear text)`,
  );
}

/**
 * Make a token source from settings and the environment. Nothing is fetched
 * here.
 *
 * @param settings The `entra:` options.
 * @param env Environment lookup.
 * @param fetchFn fetch used for token requests.
 * @param now Clock in milliseconds (tests move it). @default Date.now
 * @returns The token source.
 * @throws {TypeError} When a configured URL is not https (or loopback).
 * @example
 * ```ts
 * import { createEntraTokenSource } from "./entra.ts";
 * const env: Record<string, string> = { AZURE_TENANT_ID: "t", AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" };
 * const source = createEntraTokenSource({}, (n) => env[n], fetch);
 * console.assert(source.method === "client_secret" && source.problem === null);
 * ```
 */
export function createEntraTokenSource(
  settings: EntraSettings,
  env: (name: string) => string | undefined,
  fetchFn: typeof fetch,
  now: () => number = Date.now,
): EntraTokenSource {
  const get = (name: string) => env(name)?.trim() || undefined;
  const scope = settings.scope ?? COGNITIVE_SERVICES_SCOPE;
  const tenant = get("AZURE_TENANT_ID");
  const clientId = get("AZURE_CLIENT_ID");
  const federatedFile = get("AZURE_FEDERATED_TOKEN_FILE");
  const secret = get("AZURE_CLIENT_SECRET");
  const authority = _checkedUrl(
    (settings.authority_host ?? get("AZURE_AUTHORITY_HOST") ?? DEFAULT_AUTHORITY_HOST)
      .replace(/\/+$/, ""),
    "Entra ID authority host",
  );

  let method: EntraMethod;
  let credentialEnv: string | null = null;
  let endpoint: string;
  let problem: string | null = null;
  let request: (signal?: AbortSignal) => Promise<Response>;

  if (federatedFile || secret) {
    method = federatedFile ? "workload_identity" : "client_secret";
    credentialEnv = federatedFile ? "AZURE_FEDERATED_TOKEN_FILE" : "AZURE_CLIENT_SECRET";
    const missing = [!tenant && "AZURE_TENANT_ID", !clientId && "AZURE_CLIENT_ID"].filter(
      Boolean,
    );
    if (missing.length) {
      problem = `Entra ID (${credentialEnv} is set) also needs ${missing.join(" and ")}`;
    }
    if (tenant && !/^[A-Za-z0-9.-]+$/.test(tenant)) {
      problem = "AZURE_TENANT_ID is not a tenant id or domain";
    }
    endpoint = `${authority.href.replace(/\/+$/, "")}/${tenant ?? "<tenant>"}/oauth2/v2.0/token`;
    request = async (signal) => {
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId ?? "",
        scope,
      });
      if (federatedFile) {
        // Re-read every time: the platform rotates the file (about hourly).
        let assertion: string;
        try {
          assertion = (await Deno.readTextFile(federatedFile)).trim();
        } catch (e) {
          throw new EntraTokenError(
            `Cannot read the federated token file named by AZURE_FEDERATED_TOKEN_FILE: ${
              e instanceof Error ? e.message : e
            }`,
            false,
          );
        }
        form.set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.set("client_assertion", assertion);
      } else {
        form.set("client_secret", secret ?? "");
      }
      return await fetchFn(endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        redirect: "manual",
        ...(signal ? { signal } : {}),
      });
    };
  } else {
    method = "managed_identity";
    const resource = scope.replace(/\/\.default$/, "");
    const identityEndpoint = settings.managed_identity_endpoint ?? get("IDENTITY_ENDPOINT");
    const identityHeader = get("IDENTITY_HEADER");
    if (identityEndpoint && identityHeader) {
      // App Service / Container Apps / Functions: its own local endpoint and header.
      const url = _checkedUrl(identityEndpoint, "managed identity endpoint");
      url.searchParams.set("api-version", "2019-08-01");
      url.searchParams.set("resource", resource);
      if (clientId) url.searchParams.set("client_id", clientId);
      endpoint = url.href;
      request = (signal) =>
        fetchFn(endpoint, {
          headers: { "x-identity-header": identityHeader, accept: "application/json" },
          redirect: "manual",
          ...(signal ? { signal } : {}),
        });
    } else {
      const url = _checkedUrl(identityEndpoint ?? IMDS_TOKEN_ENDPOINT, "managed identity endpoint");
      url.searchParams.set("api-version", "2018-02-01");
      url.searchParams.set("resource", resource);
      if (clientId) url.searchParams.set("client_id", clientId);
      endpoint = url.href;
      request = (signal) =>
        fetchFn(endpoint, {
          headers: { metadata: "true", accept: "application/json" },
          redirect: "manual",
          ...(signal ? { signal } : {}),
        });
    }
  }

  let cached: { token: string; refreshAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  const fetchToken = async (signal?: AbortSignal): Promise<string> => {
    let res: Response;
    try {
      res = await request(signal);
    } catch (e) {
      if (e instanceof EntraTokenError) throw e;
      const why = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : e;
      throw new EntraTokenError(
        `Cannot reach the Entra ID token endpoint "${_safeUrl(endpoint)}" (${method}): ${why}`,
        false,
        { cause: e },
      );
    }
    const text = await res.text().catch(() => "");
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch { /* described below */ }
    const token = typeof body.access_token === "string" ? body.access_token : "";
    if (!res.ok || !token) {
      // error and error_description are Entra's own words; they carry no secret.
      const detail = [body.error, body.error_description]
        .filter((x) => typeof x === "string" && x)
        .map((x) => String(x).split(/\r?\n/)[0]!.slice(0, 300))
        .join(": ") || (res.ok ? "no access_token in the reply" : "no error description");
      throw new EntraTokenError(
        `The Entra ID token endpoint "${
          _safeUrl(endpoint)
        }" (${method}) answered HTTP ${res.status}: ${detail}`,
        res.status >= 400 && res.status < 500,
      );
    }
    const t = now();
    // expires_in (seconds from now) or expires_on (epoch seconds), as number or string.
    const inSec = Number(body.expires_in);
    const onSec = Number(body.expires_on);
    const expiresAt = Number.isFinite(inSec) && inSec > 0
      ? t + inSec * 1000
      : Number.isFinite(onSec) && onSec > 0
      ? onSec * 1000
      : t + 10 * 60 * 1000;
    const lifetime = expiresAt - t;
    // Renewed five minutes early, or at half its life when it lives shorter than ten minutes.
    const refreshAt = expiresAt - Math.min(REFRESH_MARGIN_MS, lifetime / 2);
    cached = { token, refreshAt };
    return token;
  };

  return {
    method,
    credentialEnv,
    endpoint: _safeUrl(endpoint),
    problem,
    token(signal) {
      if (problem) return Promise.reject(new EntraTokenError(problem, false));
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
      // Concurrent callers (parallel candidates) share one request.
      inFlight ??= fetchToken(signal).finally(() => (inFlight = null));
      return inFlight;
    },
  };
}

// A token endpoint URL as shown to people: without its query string.
function _safeUrl(url: string): string {
  return url.replace(/\?.*$/, "");
}
