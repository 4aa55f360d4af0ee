/**
 * Secret detection: the known credential formats of policies/secret_formats.ts
 * and the contextual detectors (keyword-anchored assignments, call
 * arguments, credentials in URLs and connection strings, bearer and basic
 * headers), with allowlists for vendor documentation examples, placeholders,
 * environment references, templates, hashes, UUIDs and commit ids.
 *
 * The same engine serves the patch scan (`findSecrets`) and redaction
 * (`findSecretSpans`). Speed comes from a prefilter: three cheap passes over
 * the whole text (a token-shaped run after a separator such as `ghp_`, a
 * short list of literal prefixes such as `AKIA`, and a case-insensitive
 * keyword list such as `token`) pick the few lines that may hold a secret;
 * only those lines run the detectors, and each detector only when one of
 * its anchors or keywords is on the line.
 *
 * @module
 */

import {
  entropy,
  hasSequence,
  looksRandom,
  PLACEHOLDER,
  SECRET_FORMATS,
  type SecretFormat,
} from "./secret_formats.ts";

export { entropy } from "./secret_formats.ts";
export type { SecretFormat } from "./secret_formats.ts";

/** A detector hit. */
export interface SecretHit {
  /** Detector name (the policy's `match: { secret: <name> }`). */
  detector: string;
  /** Offset of the secret part in the text. */
  start: number;
  /** End offset of the secret part. */
  end: number;
  /** Id of the format or contextual detector that matched (finer than `detector`). */
  format: string;
  /** Severity the format declares. */
  severity: "error" | "warning";
}

/** A span to mask, as redaction wants it. */
export interface SecretSpan {
  /** Offset of the secret in the text. */
  start: number;
  /** End offset of the secret. */
  end: number;
  /** Detector name (as in `SecretHit.detector`). */
  rule: string;
  /** Format id. */
  format: string;
}

// Examples published in vendor documentation: real-looking, never real.
const DOC_EXAMPLES = new Set([
  "AKIAIOSFODNN7EXAMPLE",
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
  "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
  "xoxb-not-a-real-token-this-will-not-work",
  "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", // Telegram's Bot API documentation
]);

const ENV_REF =
  /^\$\{?[A-Za-z_]|^\$\(|^%[A-Za-z_]+%$|\$\{\{|\{\{|process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv\(|Deno\.env|env\(|ENV\[|ENV\.fetch|secretKeyRef|^#\{|<%=?|^%\(/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGRITY = /^(?:sha(?:1|256|384|512)-[A-Za-z0-9+/=]+|h1:[A-Za-z0-9+/=]+)$/;

/**
 * Whether a candidate is a known non-secret: a documentation example,
 * placeholder, environment reference or template.
 *
 * @param value The candidate.
 * @returns True when it must not be reported.
 */
export function isAllowlisted(value: string): boolean {
  return DOC_EXAMPLES.has(value) || PLACEHOLDER.test(value) || ENV_REF.test(value);
}

// Code, not a value: a call (`form.querySelector(`), optional chaining, a
// member chain of plain words (`config.apiKey`), a dashed or underscored
// phrase of letters (`X-CSRF-Token`, `prod_db_password`).
const CODE_SHAPED =
  /\(|\?\.|^[A-Za-z_$][A-Za-z_$]*(?:\.[A-Za-z_$][A-Za-z_$]*)+$|^[A-Za-z]+(?:[-_][A-Za-z]+)+$|^new\s/;

/**
 * Whether a candidate value is code or a phrase rather than a secret.
 *
 * @param value The candidate.
 * @returns True for calls, member chains and dashed phrases.
 */
export function isCodeShaped(value: string): boolean {
  return CODE_SHAPED.test(value);
}

const _classes = (v: string) =>
  (/[a-z]/.test(v) ? 1 : 0) + (/[A-Z]/.test(v) ? 1 : 0) + (/[0-9]/.test(v) ? 1 : 0) +
  (/[^A-Za-z0-9]/.test(v) ? 1 : 0);

// Letters only, but with upper case scattered as randomly generated text has
// it (a quarter to three quarters of the letters), not at word starts as in
// camelCase.
function _randomCase(v: string): boolean {
  if (v.length < 16) return false;
  const upper = v.replace(/[^A-Z]/g, "").length / v.length;
  return upper >= 0.25 && upper <= 0.75 && entropy(v) >= 3.8;
}

// Values that are never secrets whatever name they are assigned to.
function _notAValue(value: string): boolean {
  return isAllowlisted(value) || CODE_SHAPED.test(value) || INTEGRITY.test(value) ||
    /^[0-9.,:_ -]+$/.test(value) || // numbers, versions, times
    /^[a-z]+(?:[-_ .][a-z]+)*$/i.test(value) && !_randomCase(value) || // words and phrases
    /^(?:[a-z][a-z0-9+.-]*:)?\/\//i.test(value) || // URLs (their passwords: url-password)
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|\\\\)/.test(value) || // paths
    /^[\w.-]+\/[\w./-]+$/.test(value) && !/[+=]/.test(value) && /\/[a-z]/i.test(value) &&
      !/^[A-Za-z0-9/]{30,}$/.test(value) || // relative paths (not base64)
    /\.(?:pem|key|json|p12|pfx|crt|cer|txt|ya?ml|env|ini|toml|conf|cfg|gpg|asc|jks|keystore)$/i
      .test(value) || // key file names
    /^data:/.test(value) || // inline images and documents
    /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value) || // another constant's NAME
    /(?:^|[^a-z])(?:test(?:ing)?|example)(?:[^a-z]|$)/i.test(value) || // test fixture markers
    /passw(?:or)?d|secret|changeme/i.test(value) || // a phrase about the secret, not one
    /^p[kb][._](?:eyJ|live_|test_)/.test(value); // publishable keys (Mapbox, Stripe) are public
}

/**
 * Whether a value assigned to a secret-looking name is strong enough to be
 * a real credential.
 *
 * @param value The value.
 * @param kind `password` for password names (shorter values count).
 * @returns True for a likely secret.
 */
function _strong(value: string, kind: "password" | "token"): boolean {
  if (_notAValue(value) || hasSequence(value) && entropy(value) < 3.5) return false;
  const classes = _classes(value);
  const h = entropy(value);
  if (kind === "password") {
    if (value.length >= 6 && classes >= 3 && h >= 2.3) return true;
    return value.length >= 8 && classes >= 2 && h >= 2.7;
  }
  if (value.length >= 20) return h >= 3.3 && classes >= 2;
  if (value.length >= 16) return h >= 3.2 && classes >= 2;
  if (value.length >= 12 && h >= 3.1 && classes >= 2) return true;
  return value.length >= 10 && h >= 3 && classes >= 3;
}

// --- Secret-looking names ---------------------------------------------------------

const PASSWORD_WORDS = new Set(["password", "passwd", "pwd", "pass", "passphrase", "passcode"]);
const SECRET_WORDS = new Set([
  "secret",
  "secrets",
  "token",
  "tokens",
  "apikey",
  "credential",
  "credentials",
  "creds",
  "auth",
  "pat",
  "sas",
  "signature",
]);
// The word before `key` that makes `*_KEY` a secret name is any word but these.
const NOT_SECRET_KEY = new Set([
  "public",
  "pub",
  "cache",
  "primary",
  "foreign",
  "sort",
  "partition",
  "hash",
  "lookup",
  "idempotency",
  "row",
  "map",
  "unique",
  "composite",
  "index",
  "group",
  "route",
  "translation",
  "i18n",
  "storage_account",
  "object",
  "s3",
  "dedup",
  "dedupe",
  "react",
  "list",
  "item",
  "node",
  "query",
  "sign_in",
  "ssh",
  "gpg",
  "pgp",
  "host",
  "known",
  "distribution",
  "routing",
  "sharding",
  "shard",
  "dynamo",
  "hotkey",
  "short",
  "keyboard",
  "esc",
  "escape",
  "enter",
  "modifier",
  "meta",
  "shift",
  "alt",
  "ctrl",
]);
// Trailing words that make a secret-sounding name hold something else.
const NOT_SECRET_LAST = new Set([
  "id",
  "ids",
  "name",
  "names",
  "type",
  "url",
  "uri",
  "path",
  "file",
  "dir",
  "length",
  "len",
  "size",
  "count",
  "version",
  "hash",
  "hashed",
  "sha",
  "digest",
  "checksum",
  "fingerprint",
  "header",
  "prefix",
  "suffix",
  "field",
  "param",
  "env",
  "var",
  "variable",
  "policy",
  "format",
  "mode",
  "expiry",
  "expires",
  "expiration",
  "ttl",
  "timeout",
  "endpoint",
  "host",
  "user",
  "username",
  "label",
  "description",
  "kind",
  "scope",
  "scopes",
  "provider",
  "method",
  "algorithm",
  "alg",
  "enabled",
  "required",
  "regex",
  "pattern",
  "validation",
  "min",
  "max",
  "hint",
  "placeholder",
  "example",
  "template",
  "location",
  "ref",
  "arn",
  "region",
  "store",
  "manager",
  "service",
  "policy",
  "rotation",
  "status",
  "state",
  "error",
  "message",
  "text",
  "title",
  "help",
  "link",
  "input",
  "button",
  "key_id",
  "keyid",
  "reset",
  "strength",
  "confirm",
  "confirmation",
  "salt",
  "rounds",
  "iterations",
  "cost",
  "encoding",
  "mask",
  "visible",
  "lifetime",
  "age",
  "uses",
  "storage",
  "endpoint",
  "audience",
  "issuer",
  "class",
  "width",
  "height",
  "color",
  "style",
  "icon",
]);

// Words that make any name hold a digest or a version, not a credential.
const HASH_WORDS = new Set([
  "commit",
  "sha",
  "sha1",
  "sha256",
  "sha512",
  "md5",
  "hash",
  "hashes",
  "digest",
  "checksum",
  "integrity",
  "etag",
  "fingerprint",
  "revision",
  "rev",
  "nonce",
  "csrf",
  "xsrf",
  "public",
]);

/** Lower-case words of an identifier (`clientSecret`, `DB_PASSWORD`, `x-api-key`, `db.password`). */
function _words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter(
    Boolean,
  );
}

/**
 * Which kind of secret an identifier names, if any.
 *
 * @param name The identifier (`API_KEY`, `clientSecret`, `db.password`, `_authToken`).
 * @returns `password`, `token` (keys, tokens, secrets), or null.
 */
export function secretNameKind(name: string): "password" | "token" | null {
  const w = _words(name);
  if (!w.length) return null;
  const last = w[w.length - 1]!;
  if (NOT_SECRET_LAST.has(last) || w.some((x) => HASH_WORDS.has(x))) return null;
  if (
    w.length >= 2 && last === "id" || (w.length >= 2 && w[w.length - 2] === "key" && last === "id")
  ) {
    return null;
  }
  for (let i = 0; i < w.length; i++) {
    const x = w[i]!;
    if (PASSWORD_WORDS.has(x) || /^(?:password|passwd)/.test(x)) return "password";
    if (
      SECRET_WORDS.has(x) ||
      /^(?:secret|token|apikey|accesskey|secretkey|privatekey|authkey|authtoken|accesstoken|refreshtoken)/
        .test(x)
    ) {
      return "token";
    }
    if (x === "key" || x === "keys") {
      // `key` alone (`- key: foo`) is a map key; `*_key` is a secret name unless its qualifier says otherwise.
      if (i === 0) continue;
      const before = w[i - 1]!;
      if (NOT_SECRET_KEY.has(before) || NOT_SECRET_KEY.has(w.slice(i - 2, i).join("_"))) continue;
      return "token";
    }
  }
  return null;
}

// --- Contextual detectors ------------------------------------------------------------

// `name = value` in env files, YAML, JSON, TOML, INI, .properties, .npmrc and
// code (assignments, object literals, keyword arguments, type-annotated
// declarations). Group 1: the name; 2-5: the value (double, single, back
// quoted, bare).
const ASSIGNMENT =
  /(?<![\w$-])["']?([A-Za-z_$@][\w$.-]{0,80})["']?\]?\s*(?::\s*[A-Za-z_][\w<>[\]|.]*\s*(?==))?(?:=>|:=|\?\?=|\|\|=|(?<![!<>=])=(?!=)|:(?!:))\s*(?:"((?:[^"\\\n]|\\.){1,300})"|'((?:[^'\\\n]|\\.){1,300})'|`([^`\n]{1,300})`|([^\s"'`,;)}\]]{1,300}))/g;

// A call whose name says it logs in: `login("user", "S3cr3t")`,
// `HTTPBasicAuth('u', 'p')`, `auth=("u", "p")`. Group 2: the arguments.
const LOGIN_CALL =
  /(?<![\w$])((?:\w*(?:[Ll]ogin|LOGIN|[Aa]uth|AUTH|[Cc]onnect|[Ss]ign[Ii]n|[Cc]redentials?)\w*))\s*=?\s*\(([^()\n]{3,300})\)/g;
const STRING_LITERAL = /"((?:[^"\\\n]|\\.){1,200})"|'((?:[^'\\\n]|\\.){1,200})'/g;

const URL_CREDENTIAL =
  /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/([^\s:/@'"<>`]{0,100}):([^\s:@/'"<>`]{1,200})@([^\s/'"<>`:?#@]+)/g;
const URL_TOKEN_USER =
  /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/([A-Za-z0-9_-]{20,200})@[A-Za-z0-9.-]+/g;
const CLI_FLAG =
  /(?<![\w-])--?([A-Za-z][\w-]{1,40})(?:=|\s+)(?:"([^"\s]{6,200})"|'([^'\s]{6,200})'|([^\s"'`;|&)]{6,200}))/g;
const URL_PLACEHOLDER =
  /^(?:pass|password|passwd|pwd|secret|pw|p|x+|\*+|changeme|example|test|dummy|admin|root|guest|user|username|mypassword|yourpassword|token|apikey|api_key|redacted|none|null)$/i;

/** A contextual detector: finds its own matches on one line. */
interface Contextual {
  id: string;
  detector: string;
  /** Lower-case words the line must contain (checked case-insensitively); none = every line. */
  keywords?: readonly string[];
  /** Case-sensitive anchors the line must contain. */
  anchors?: readonly string[];
  find(line: string, out: Array<[number, number]>): void;
}

const CONTEXTUAL: readonly Contextual[] = [
  {
    id: "url-credential",
    detector: "url-password",
    anchors: ["://"],
    find(line, out) {
      for (const m of line.matchAll(URL_CREDENTIAL)) {
        const user = m[1]!;
        const pw = m[2]!;
        if (
          pw === user || URL_PLACEHOLDER.test(pw) || isAllowlisted(pw) ||
          /^\$|^%[A-Za-z_]+%$|^<|^\{/.test(pw) || /^\d+$/.test(pw) && pw.length <= 5
        ) continue;
        const start = m.index! + m[0].indexOf(`:${pw}@`) + 1;
        out.push([start, start + pw.length]);
      }
      // A token as the whole user part: `https://<token>@github.com/org/repo`.
      for (const m of line.matchAll(URL_TOKEN_USER)) {
        const user = m[1]!;
        if (!looksRandom(user, 3.5) || isAllowlisted(user)) continue;
        const start = m.index! + m[0].indexOf(user);
        out.push([start, start + user.length]);
      }
    },
  },
  {
    id: "cli-flag",
    detector: "generic-assignment",
    anchors: ["-"],
    find(line, out) {
      // `--password S3cr3t`, `--api-key=…`, `--token "…"`.
      for (const m of line.matchAll(CLI_FLAG)) {
        const kind = secretNameKind(m[1]!);
        const v = m[2] ?? m[3] ?? m[4]!;
        if (!kind || !_strong(v, kind)) continue;
        const start = m.index! + m[0].lastIndexOf(v);
        out.push([start, start + v.length]);
      }
    },
  },
  {
    id: "connection-string-password",
    detector: "connection-string-password",
    keywords: ["password", "pwd"],
    find(line, out) {
      for (const m of line.matchAll(/(?:^|[;"'\s])(?:Password|Pwd)\s*=\s*([^;'"\s]{4,})/gi)) {
        const v = m[1]!;
        if (isAllowlisted(v) || /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\(/.test(v)) continue;
        // Only inside a connection string (`Server=…;User Id=…;Password=…`);
        // `password = …` in code is the assignment detector's business.
        if (!/(?:Server|Data Source|Host|User ?Id|Uid|Database|Initial Catalog)\s*=/i.test(line)) {
          continue;
        }
        const start = m.index! + m[0].lastIndexOf(v);
        out.push([start, start + v.length]);
      }
    },
  },
  {
    id: "bearer-token",
    detector: "bearer-token",
    keywords: ["bearer", "token"],
    find(line, out) {
      if (!/authori[sz]ation|bearer|header/i.test(line)) return;
      for (
        const m of line.matchAll(
          /\b(?:Bearer|Token|token)\s+([A-Za-z0-9._~+/-]{20,}=*)(?![A-Za-z0-9._~+/=-])/g,
        )
      ) {
        const v = m[1]!;
        if (!_strong(v, "token") || isAllowlisted(v)) continue;
        const start = m.index! + m[0].length - v.length;
        out.push([start, start + v.length]);
      }
    },
  },
  {
    id: "basic-auth",
    detector: "basic-auth",
    anchors: ["-u", "--user", "Basic"],
    find(line, out) {
      const re =
        /(?:(?:^|\s)(?:-u|--user)[\s=]+["']?[^\s:'"$]+:([^\s'"@$]{6,})|\bBasic\s+([A-Za-z0-9+/]{16,}={0,2})(?![A-Za-z0-9+/=]))/g;
      for (const m of line.matchAll(re)) {
        const v = m[1] ?? m[2]!;
        if (isAllowlisted(v)) continue;
        if (m[1] !== undefined) {
          // `curl -u user:password`; `docker exec -u www-data:www-data` names a group.
          if (/^[a-z_][a-z0-9_-]*$|^\d+$/.test(v)) continue;
        } else {
          try {
            if (!atob(v).includes(":")) continue; // `Basic base64(user:password)`
          } catch {
            continue;
          }
        }
        const start = m.index! + m[0].length - v.length;
        out.push([start, start + v.length]);
      }
    },
  },
  {
    id: "config-key-value",
    detector: "config-key-value",
    keywords: ["value"],
    find(line, out) {
      const re =
        /\bkey\s*=\s*["'][^"']*(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|connection)[^"']*["']\s+value\s*=\s*["']([^"']{10,})["']/gi;
      for (const m of line.matchAll(re)) {
        const v = m[1]!;
        if (isAllowlisted(v)) continue;
        if (!_strong(v, "token") && !/(?:^|;)\s*(?:Password|Pwd|AccountKey)=/i.test(v)) continue;
        const start = m.index! + m[0].length - v.length - 1;
        out.push([start, start + v.length]);
      }
    },
  },
  {
    id: "keyword-assignment",
    detector: "generic-assignment",
    find(line, out) {
      ASSIGNMENT.lastIndex = 0;
      for (const m of line.matchAll(ASSIGNMENT)) {
        const kind = secretNameKind(m[1]!);
        if (!kind) continue;
        let v = m[2] ?? m[3] ?? m[4] ?? m[5]!;
        let rel = m[0].length - v.length - (m[5] === undefined ? 1 : 0);
        // `.npmrc` `//host/:_authToken=…`, JSON with escapes: the value as written.
        if (m[4] !== undefined && v.includes("${")) continue;
        // A trailing comment or a bare value's closing punctuation is not part of it.
        if (m[5] !== undefined) {
          const cut = v.search(/\s#|\/\/|,$/);
          if (cut > 0) v = v.slice(0, cut);
          rel = m[0].lastIndexOf(v);
        }
        if (!_strong(v, kind)) continue;
        // A UUID is an id unless the name says plainly it is the key or token itself.
        if (UUID.test(v) && !/(?:key|token|secret|password)$/i.test(m[1]!)) continue;
        const start = m.index! + rel;
        out.push([start, start + v.length]);
      }
    },
  },
  {
    id: "xml-element",
    detector: "generic-assignment",
    anchors: ["</"],
    find(line, out) {
      for (const m of line.matchAll(/<([A-Za-z_][\w.-]{0,60})>([^<\s]{6,200})<\/\1>/g)) {
        const kind = secretNameKind(m[1]!);
        if (!kind || !_strong(m[2]!, kind)) continue;
        const start = m.index! + m[1]!.length + 2;
        out.push([start, start + m[2]!.length]);
      }
    },
  },
  {
    id: "login-call-argument",
    detector: "generic-assignment",
    keywords: ["login", "auth", "connect", "signin", "credential"],
    find(line, out) {
      for (const m of line.matchAll(LOGIN_CALL)) {
        const args = m[2]!;
        const base = m.index! + m[0].indexOf("(") + 1;
        let k = 0;
        for (const s of args.matchAll(STRING_LITERAL)) {
          // The first string is the user (or a host); later ones the password.
          if (k++ === 0) continue;
          const v = s[1] ?? s[2]!;
          if (!_strong(v, "password")) continue;
          const start = base + s.index! + 1;
          out.push([start, start + v.length]);
        }
      }
    },
  },
];

// --- The engine -------------------------------------------------------------------------

// One shape for every detector, so the scan loop's property reads stay monomorphic.
interface Compiled {
  id: string;
  detector: string;
  severity: "error" | "warning";
  anchors: readonly string[] | null;
  keywords: readonly string[] | null;
  find(line: string, out: Array<[number, number]>): void;
}

function _compile(f: SecretFormat): Compiled {
  const re = new RegExp(f.re.source, f.re.flags.replace("g", "") + "g");
  return {
    id: f.id,
    detector: f.detector,
    severity: f.severity,
    anchors: f.anchors ?? null,
    keywords: f.keywords ?? null,
    find(line, out) {
      re.lastIndex = 0;
      for (const m of line.matchAll(re)) {
        let k = 1;
        while (k < m.length && m[k] === undefined) k++;
        const secret = k < m.length ? m[k]! : m[0];
        if (DOC_EXAMPLES.has(secret) || ENV_REF.test(secret)) continue;
        if (f.validate && !f.validate(secret, line)) continue;
        const start = m.index! + m[0].indexOf(secret);
        out.push([start, start + secret.length]);
      }
    },
  };
}

const ALL: readonly Compiled[] = [
  ...SECRET_FORMATS.map(_compile),
  ...CONTEXTUAL.map((c): Compiled => ({
    id: c.id,
    detector: c.detector,
    severity: "error",
    anchors: c.anchors ?? null,
    keywords: c.keywords ?? null,
    find: c.find,
  })),
];

/** Names of every built-in detector (the policy's `match: { secret: <name> }`). */
export const DETECTOR_NAMES: readonly string[] = [...new Set(ALL.map((d) => d.detector))];

/** Ids of every known format and contextual detector. */
export const FORMAT_IDS: readonly string[] = ALL.map((d) => d.id);

// Pass 1: a separator followed by a token-shaped run (`ghp_…`, `glpat-…`,
// `SG.…`, `hvs.…`): every prefixed format whose prefix ends in a separator.
const SEP_PASS = /[_\-.$~][\w-]{16}/g;
// Pass 2: literal prefixes not ending in a separator (`AKIA`, `eyJ`, `://`)
// and the formats' own prefilter fragments.
const LIT_PASS = new RegExp(
  [":\\/\\/", "ogin\\(", ...SECRET_FORMATS.flatMap((f) => f.prefilter ?? [])].join("|"),
  "g",
);
// Pass 3: secret-sounding words, for assignments and the keyword formats.
const KW_PASS = /secret|token|pass|pwd|key|auth|credential|pat(?![a-z])|account|access/gi;

/**
 * Offsets where the lines that may hold a secret start, in order.
 *
 * @param text The text.
 * @returns Sorted line starts.
 */
function _candidateLines(text: string): number[] {
  const starts = new Set<number>();
  for (const re of [SEP_PASS, LIT_PASS, KW_PASS]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const ls = text.lastIndexOf("\n", m.index) + 1;
      starts.add(ls);
      const le = text.indexOf("\n", m.index);
      if (le < 0) break;
      re.lastIndex = le + 1; // one hit is enough for a line
    }
  }
  return [...starts].sort((a, b) => a - b);
}

const _all = new Set(DETECTOR_NAMES);

/**
 * Which detectors a line needs, found with two regular expressions over the
 * line (every anchor, every keyword) instead of a substring search per
 * detector.
 */
interface Plan {
  detectors: readonly Compiled[];
  anchorRe: RegExp | null;
  keywordRe: RegExp | null;
  /** Matched anchor -> detectors with an anchor inside it (`sk-ant-` also means `sk-`). */
  byAnchor: Map<string, number[]>;
  /** Matched keyword (lower case) -> detectors with a keyword inside it. */
  byKeyword: Map<string, number[]>;
}

const _reEsc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function _plan(detectors: readonly Compiled[]): Plan {
  const index = (pick: (d: Compiled) => readonly string[] | null, lower: boolean) => {
    const words = [...new Set(detectors.flatMap((d) => pick(d) ?? []))];
    const by = new Map<string, number[]>();
    for (const w of words) {
      const key = lower ? w.toLowerCase() : w;
      const list: number[] = [];
      detectors.forEach((d, i) => {
        if ((pick(d) ?? []).some((x) => key.includes(lower ? x.toLowerCase() : x))) list.push(i);
      });
      by.set(key, list);
    }
    // A lookahead finds overlapping occurrences; longest first so a longer
    // anchor also selects the detectors of the shorter ones inside it.
    const alt = words.sort((a, b) => b.length - a.length).map(_reEsc).join("|");
    const re = words.length ? new RegExp(`(?=(${alt}))`, lower ? "gi" : "g") : null;
    return { by, re };
  };
  const a = index((d) => d.anchors, false);
  const k = index((d) => d.keywords, true);
  return { detectors, anchorRe: a.re, keywordRe: k.re, byAnchor: a.by, byKeyword: k.by };
}

const _plans = new Map<string, Plan>();

/** Plans of frozen name lists, by identity: a caller scanning often passes the same one. */
const _plansOfList = new WeakMap<readonly string[], Plan>();

function _planOf(names: ReadonlySet<string> | readonly string[]): Plan {
  const frozen = Array.isArray(names) && Object.isFrozen(names);
  if (frozen) {
    const known = _plansOfList.get(names as readonly string[]);
    if (known) return known;
  }
  const set = names instanceof Set ? names : new Set(names);
  const key = [...set].sort().join(",");
  let plan = _plans.get(key);
  if (!plan) {
    plan = _plan(ALL.filter((d) => set.has(d.detector)));
    if (_plans.size < 32) _plans.set(key, plan);
  }
  if (frozen) _plansOfList.set(names as readonly string[], plan);
  return plan;
}

function _scan(
  text: string,
  names: ReadonlySet<string> | readonly string[],
  sink: (h: SecretHit) => void,
): void {
  const plan = _planOf(names);
  const { detectors, anchorRe, keywordRe, byAnchor, byKeyword } = plan;
  const n = detectors.length;
  if (!n) return;
  const anchorHit = new Uint8Array(n);
  const keywordHit = new Uint8Array(n);
  const spans: Array<[number, number]> = [];
  for (const ls of _candidateLines(text)) {
    let le = text.indexOf("\n", ls);
    if (le < 0) le = text.length;
    const line = text.slice(ls, le);
    anchorHit.fill(0);
    keywordHit.fill(0);
    if (anchorRe) {
      anchorRe.lastIndex = 0;
      for (const m of line.matchAll(anchorRe)) {
        for (const i of byAnchor.get(m[1]!)!) anchorHit[i] = 1;
      }
    }
    if (keywordRe) {
      keywordRe.lastIndex = 0;
      for (const m of line.matchAll(keywordRe)) {
        for (const i of byKeyword.get(m[1]!.toLowerCase())!) keywordHit[i] = 1;
      }
    }
    const taken: Array<[number, number]> = [];
    for (let i = 0; i < n; i++) {
      const d = detectors[i]!;
      if (d.anchors !== null && anchorHit[i] === 0) continue;
      if (d.keywords !== null && keywordHit[i] === 0) continue;
      spans.length = 0;
      d.find(line, spans);
      for (const [s, e] of spans) {
        if (taken.some(([ts, te]) => s < te && ts < e)) continue;
        taken.push([s, e]);
        sink({
          detector: d.detector,
          start: ls + s,
          end: ls + e,
          format: d.id,
          severity: d.severity,
        });
      }
    }
  }
}

/**
 * Find secrets in a text with the given detectors.
 *
 * @param text The text (one or many lines).
 * @param names Detector names to run (see `DETECTOR_NAMES`).
 * @returns Hits in text order, without overlaps.
 */
export function findSecrets(text: string, names: readonly string[]): SecretHit[] {
  const hits: SecretHit[] = [];
  _scan(text, names, (h) => hits.push(h));
  return hits;
}

/**
 * Every span of a text that holds a secret, by every detector: what
 * redaction masks. A secret never seen in the environment is still found
 * when it has a known format or is a strong value assigned to a
 * secret-looking name.
 *
 * @param text The text.
 * @returns Spans in text order, without overlaps.
 */
export function findSecretSpans(text: string): SecretSpan[] {
  const out: SecretSpan[] = [];
  _scan(
    text,
    _all,
    (h) => out.push({ start: h.start, end: h.end, rule: h.detector, format: h.format }),
  );
  return out;
}
