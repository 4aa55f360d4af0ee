/**
 * Redaction: the one function applied before anything goes to a model, a
 * log or a report. Replaces detector matches and the values of environment
 * variables whose names look secret with `[REDACTED:<rule>]`.
 *
 * @module
 */

import { DETECTOR_NAMES, findSecrets } from "./secrets.ts";
import type { Policy } from "./types.ts";

const SECRET_NAME =
  /(?:^|_)(?:TOKEN|KEY|SECRET|SECRETS|PASSWORD|PASSWD|PASS|PWD|PAT|CREDENTIALS?|APIKEY|AUTH|COOKIE|SAS|SIGNATURE|PRIVATE)(?:_|$)|CONNECTION_?STRING|CONN_?STR|DATABASE_URL|DB_URL|_DSN$|^DSN$|(?:REDIS|MONGO(?:DB)?|POSTGRES|MYSQL|AMQP)_(?:URL|URI)/i;
// camelCase names (`AccountKey`, `clientSecret`): a lower-case letter or digit right before.
const SECRET_NAME_CAMEL =
  /[a-z0-9](?:Key|Token|Secret|Password|Passwd|Pwd|Pat|Credentials?)(?:[A-Z_]|$)/;
const SECRET_NAME_EXTRA =
  /WEBHOOK|KUBECONFIG|(?:^|_)(?:PFX|P12|CLIENT_CERT(?:IFICATE)?)(?:_|$)|(?:SECRET|PASSWORD|PASSWD|TOKEN|APIKEY|ACCESSKEY|SECRETKEY|AUTHKEY|PRIVATEKEY)$/i;
const NOT_SECRET = new Set(["PWD", "OLDPWD", "KEYTIMEOUT", "GPG_TTY", "SSH_AUTH_SOCK", "HISTFILE"]);

/**
 * Whether an environment variable name looks like it holds a secret.
 *
 * @param name The variable name.
 * @returns True for TOKEN, KEY, SECRET, PASSWORD, PAT, connection strings, database URLs.
 */
export function isSecretEnvName(name: string): boolean {
  return !NOT_SECRET.has(name) &&
    (SECRET_NAME.test(name) || SECRET_NAME_CAMEL.test(name) || SECRET_NAME_EXTRA.test(name));
}

/**
 * Build a redactor.
 *
 * @param env Environment whose secret-looking values are removed. @default {}
 * @param policy A policy whose secret rules name the replacements; without one the detector names are used.
 * @returns A function that redacts text.
 */
export function createRedactor(
  env: Record<string, string> = {},
  policy?: Policy,
): (text: string) => string {
  const ruleOf = new Map<string, string>();
  if (policy) {
    for (const r of policy.rules) {
      if (r.match.secret && !ruleOf.has(r.match.secret)) ruleOf.set(r.match.secret, r.id);
    }
  }
  const detectors = policy ? [...ruleOf.keys()] : [...DETECTOR_NAMES];
  // Each value also in the encodings it shows up in: base64 (Kubernetes
  // secret data, Basic headers) and URL-encoding (passwords in URLs).
  const values = Object.entries(env)
    .filter(([k, v]) => isSecretEnvName(k) && v.length >= 6)
    .flatMap(([k, v]) => _encodings(v).map((e): [string, string] => [k, e]))
    .sort((a, b) => b[1].length - a[1].length);
  const envRe = values.length
    ? new RegExp(values.map(([, v]) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
    : null;
  const envName = new Map(values.map(([k, v]) => [v, k]));
  return (text: string): string => {
    let out = text;
    if (envRe) out = out.replace(envRe, (v) => `[REDACTED:env.${envName.get(v)}]`);
    const hits = findSecrets(out, detectors).sort((a, b) => b.start - a.start);
    for (const h of hits) {
      let { start, end } = h;
      if (h.detector === "private-key") {
        // Remove the whole block, not just its header.
        start = out.lastIndexOf("-----BEGIN", start);
        const close = out.indexOf("-----END", end);
        const stop = close < 0 ? -1 : out.indexOf("-----", close + 8);
        end = stop < 0 ? out.length : stop + 5;
      }
      const label = ruleOf.get(h.detector) ?? `secret.${h.detector}`;
      out = out.slice(0, start) + `[REDACTED:${label}]` + out.slice(end);
    }
    return out;
  };
}

function _encodings(v: string): string[] {
  const out = new Set([v]);
  const url = encodeURIComponent(v);
  if (url !== v) out.add(url);
  if (v.length >= 8) {
    try {
      out.add(btoa(v).replace(/=+$/, ""));
    } catch {
      // Not Latin-1: no base64 form to look for.
    }
  }
  return [...out];
}
