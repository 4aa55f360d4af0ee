/**
 * Secret detectors: the major token formats, key blocks, signed JWTs,
 * credentials in URLs and connection strings, and high-entropy values
 * assigned to secret-looking names; with allowlists for vendor
 * documentation examples, placeholders, environment references, templates,
 * hashes, UUIDs and commit ids.
 *
 * @module
 */

/** One secret detector. */
export interface Detector {
  /** Name used in `match: { secret: <name> }`. */
  name: string;
  /** Global regular expression; group 1, when present, is the secret part. */
  re: RegExp;
  /** A cheap substring that every match contains (skips the regex when absent). */
  hint?: string[];
  /** The match must not follow a word character (a `\\b` kept out of the regex so it starts with a literal). */
  boundary?: boolean;
  /** The secret starts this many characters before the match (text matched by a lookbehind). */
  back?: number;
  /** Extra check on the secret part (false = not a secret). */
  accept?: (secret: string, line: string) => boolean;
}

/** A detector hit. */
export interface SecretHit {
  /** Detector name. */
  detector: string;
  /** Offset of the secret part in the text. */
  start: number;
  /** End offset of the secret part. */
  end: number;
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
]);

const PLACEHOLDER =
  /example|sample|placeholder|changeme|change_me|dummy|redacted|your[_-]|<[^>]*>|x{5,}|\*{3,}|\.{3}|^(?:password|passwd|secret|token|pass|pwd|test|none|null|undefined|true|false)$/i;
const ENV_REF =
  /^\$\{?[A-Za-z_]|^\$\(|^%[A-Za-z_]+%$|\$\{\{|\{\{|process\.env|os\.environ|os\.getenv|getenv\(|Deno\.env|env\(|ENV\[|secretKeyRef|^\$\{\{/;
const HEX_HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}|[0-9a-f]{128})$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const INTEGRITY = /^sha(?:1|256|384|512)-[A-Za-z0-9+/=]+$/;

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

/**
 * Shannon entropy in bits per character.
 *
 * @param s The string.
 * @returns The entropy.
 */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

// Code, not a value: a call (`form.querySelector(`), optional chaining, a
// member chain of plain words (`config.apiKey`), a dashed or underscored
// phrase of letters (`X-CSRF-Token`, `prod_db_password`).
const CODE_SHAPED =
  /\(|\?\.|^[A-Za-z_$][A-Za-z_$]*(?:\.[A-Za-z_$][A-Za-z_$]*)+$|^[A-Za-z]+(?:[-_][A-Za-z]+)+$/;

/**
 * Whether a candidate value is code or a phrase rather than a secret.
 *
 * @param value The candidate.
 * @returns True for calls, member chains and dashed phrases.
 */
export function isCodeShaped(value: string): boolean {
  return CODE_SHAPED.test(value);
}

function _generic(value: string): boolean {
  if (HEX_HASH.test(value) || UUID.test(value) || INTEGRITY.test(value)) return false;
  if (CODE_SHAPED.test(value)) return false;
  if (/^[0-9.]+$/.test(value) || /^[a-z]+(?:[-_][a-z]+)*$/.test(value)) return false; // numbers, words
  if (/^(?:https?:)?\/\//.test(value) || /^[./~]/.test(value)) return false; // URLs, paths
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
  if (value.length >= 16) return entropy(value) >= 3.3 && classes >= 2;
  return value.length >= 10 && entropy(value) >= 3 && classes >= 3;
}

/** Every built-in detector, most specific first. */
export const DETECTORS: readonly Detector[] = [
  {
    name: "private-key",
    re: /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/g,
    hint: ["-----BEGIN"],
  },
  {
    name: "aws-access-key",
    re: /(A(?:KIA|SIA|BIA|CCA)[0-9A-Z]{16})\b/g,
    boundary: true,
    hint: ["AKIA", "ASIA", "ABIA", "ACCA"],
  },
  {
    name: "aws-secret-key",
    re: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    hint: ["ecret", "ECRET"],
  },
  { name: "azure-storage-key", re: /AccountKey=([A-Za-z0-9+/]{86}==)/g, hint: ["AccountKey="] },
  {
    name: "azure-sas",
    re: /sig=([A-Za-z0-9%+/]{30,}(?:%3D|=)*)/g,
    hint: ["sig="],
    accept: (_s, line) => /[?&]s[vpe]=/.test(line) && /[?&]sig=/.test(line),
  },
  {
    name: "azure-client-secret",
    re:
      /(?<=(?:^|[^A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\d)Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g,
    back: 4,
    hint: ["Q~"],
  },
  {
    name: "gcp-api-key",
    re: /(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
    boundary: true,
    hint: ["AIza"],
  },
  {
    name: "gcp-service-account",
    re: /"private_key_id"\s*:\s*"([0-9a-f]{40})"/g,
    hint: ["private_key_id"],
  },
  {
    name: "github-token",
    re: /(g(?:h[pousr]_[A-Za-z0-9]{36,255}|ithub_pat_[A-Za-z0-9_]{60,255}))\b/g,
    boundary: true,
    hint: ["gh", "github_pat_"],
  },
  {
    name: "gitlab-token",
    re: /(gl(?:pat|ptt|dt|rt|cbt|soat|ffct)-[A-Za-z0-9_-]{20,})(?![A-Za-z0-9_-])/g,
    boundary: true,
    hint: ["gl"],
  },
  {
    name: "slack-webhook",
    re:
      /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]{16,})/g,
    hint: ["hooks.slack.com"],
  },
  {
    name: "slack-token",
    re: /(x(?:ox[abposr]-[0-9]{6,}-[0-9A-Za-z-]{10,}|app-\d-[A-Z0-9]+-\d+-[a-z0-9]+))\b/g,
    boundary: true,
    hint: ["xox", "xapp-"],
  },
  {
    name: "stripe-key",
    re: /([sr]k_(?:live|test)_[0-9a-zA-Z]{20,})\b/g,
    boundary: true,
    hint: ["k_live_", "k_test_"],
  },
  {
    name: "anthropic-key",
    re: /(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,})(?![A-Za-z0-9_-])/g,
    boundary: true,
    hint: ["sk-ant-"],
  },
  {
    name: "openai-key",
    re:
      /(sk-(?:(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}|(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|[A-Za-z0-9]{48}))(?![A-Za-z0-9_-])/g,
    boundary: true,
    hint: ["sk-"],
  },
  {
    name: "npm-token",
    re: /\b(npm_[A-Za-z0-9]{36})\b|_authToken\s*=\s*([^\s$][^\s]{10,})/g,
    hint: ["npm_", "_authToken"],
  },
  {
    name: "jwt",
    re: /(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/g,
    boundary: true,
    hint: ["eyJ"],
  },
  {
    name: "url-password",
    re: /:\/\/[^\s:/@'"]{1,100}:([^\s:@/'"]{3,200})@[^\s'"]+/g,
    hint: ["://"],
  },
  {
    name: "connection-string-password",
    re: /(?:^|[;"'\s])(?:Password|Pwd)\s*=\s*([^;'"\s]{4,})/gi,
    hint: ["assword", "ASSWORD", "wd=", "WD=", "wd =", "Pwd"],
    accept: (v) => !/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\(/.test(v),
  },
  {
    name: "bearer-token",
    re: /\b(?:Bearer|Token|token)\s+([A-Za-z0-9._~+/-]{20,}=*)(?![A-Za-z0-9._~+/=-])/g,
    hint: ["earer", "oken"],
    accept: (s, line) => /authori[sz]ation|bearer|header/i.test(line) && _generic(s),
  },
  {
    name: "basic-auth",
    re:
      /(?:(?:^|\s)(?:-u|--user)[\s=]+["']?[^\s:'"$]+:([^\s'"@$]{6,})|\bBasic\s+([A-Za-z0-9+/]{16,}={0,2})(?![A-Za-z0-9+/=]))/g,
    hint: ["-u", "--user", "Basic"],
    accept: (s, line) => {
      // `curl -u user:password`; `docker exec -u www-data:www-data` names a group.
      if (!line.includes(`Basic ${s}`)) return !/^[a-z_][a-z0-9_-]*$|^\d+$/.test(s);
      try {
        return atob(s).includes(":"); // `Basic base64(user:password)`
      } catch {
        return false;
      }
    },
  },
  {
    name: "vendor-token",
    re:
      /(?<![\w.-])(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|SK[0-9a-f]{32}|dop_v1_[a-f0-9]{64}|pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|ya29\.[A-Za-z0-9_-]{30,}|hf_[A-Za-z]{34}|key-[0-9a-f]{32}|https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{60,})(?![A-Za-z0-9_-])/g,
    hint: ["SG.", "SK", "dop_v1_", "pypi-", "shp", "ya29.", "hf_", "key-", "discord"],
  },
  {
    name: "config-key-value",
    re:
      /\bkey\s*=\s*["'][^"']*(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|connection)[^"']*["']\s+value\s*=\s*["']([^"']{10,})["']/gi,
    hint: ["value"],
    accept: (s) => _generic(s) || /(?:^|;)\s*(?:Password|Pwd|AccountKey)=/i.test(s),
  },
  {
    name: "generic-assignment",
    re:
      /(?:secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?key|credentials?|(?<![A-Za-z])pat(?![a-z]))[A-Za-z0-9_.-]*["']?\]?\s*(?::=|=>|[:=])\s*["'`]?([^\s"'`;,)}\]]{10,})/gi,
    hint: [
      "ecret",
      "oken",
      "ass",
      "wd",
      "ey",
      "ECRET",
      "OKEN",
      "ASS",
      "WD",
      "EY",
      "redential",
      "REDENTIAL",
      "PAT",
      "pat",
    ],
    accept: (s) => _generic(s),
  },
]; // deno-fmt-ignore

const BY_NAME = new Map(DETECTORS.map((d) => [d.name, d]));

/** Names of every built-in detector. */
export const DETECTOR_NAMES: readonly string[] = DETECTORS.map((d) => d.name);

/**
 * Find secrets in a text with the given detectors.
 *
 * @param text The text (one or many lines).
 * @param names Detector names to run.
 * @returns Hits in detector order, without overlaps.
 */
export function findSecrets(text: string, names: readonly string[]): SecretHit[] {
  const hits: SecretHit[] = [];
  // Ranges already reported, sorted by start, so detectors do not overlap.
  const taken: Array<[number, number]> = [];
  const overlaps = (start: number, end: number): boolean => {
    let lo = 0;
    let hi = taken.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (taken[mid]![0] < end) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo - 1; k >= 0 && k >= lo - 4; k--) if (taken[k]![1] > start) return true;
    return false;
  };
  for (const name of names) {
    const d = BY_NAME.get(name);
    if (!d) continue;
    // Hints only pay off on small texts; on large ones the regex's own
    // literal-prefix search is faster than many full includes() passes.
    if (d.hint && text.length < 65536 && !d.hint.some((h) => text.includes(h))) continue;
    d.re.lastIndex = 0;
    for (const m of text.matchAll(d.re)) {
      if (d.boundary && m.index! > 0 && /[A-Za-z0-9_]/.test(text[m.index! - 1]!)) continue;
      const secret0 = m[1] ?? m[2] ?? m[0];
      const rel = m[0].indexOf(secret0);
      let start = m.index! + (rel < 0 ? 0 : rel);
      const end = start + secret0.length;
      if (d.back) start -= d.back;
      const secret = text.slice(start, end);
      if (isAllowlisted(secret)) continue;
      if (d.accept) {
        const ls = text.lastIndexOf("\n", start) + 1;
        const le = text.indexOf("\n", end);
        if (!d.accept(secret, text.slice(ls, le < 0 ? text.length : le))) continue;
      }
      if (overlaps(start, end)) continue;
      let at = taken.length;
      while (at > 0 && taken[at - 1]![0] > start) at--;
      taken.splice(at, 0, [start, end]);
      hits.push({ detector: name, start, end });
    }
  }
  return hits;
}
