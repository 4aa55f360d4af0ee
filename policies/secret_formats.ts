/**
 * The table of known credential formats: one entry per format, data only.
 *
 * Each entry names the policy detector it reports as (the names a policy's
 * `match: { secret: <name> }` uses), the regular expression of the format
 * (run on one line at a time), the literal anchors and keywords the engine's
 * prefilter uses to skip lines, and an optional validator (checksum,
 * entropy, a decoded header). Adding a format is adding one entry here and
 * a positive and a negative example in tests/policies/secrets_formats_test.ts.
 *
 * Formats were written from the providers' own documentation and public
 * format descriptions (prefix, alphabet, length, checksum).
 *
 * @module
 */

/** One known credential format. */
export interface SecretFormat {
  /** Stable id of the format (shown in docs and tests). */
  id: string;
  /** Policy detector the format reports as (`match: { secret: <detector> }`). */
  detector: string;
  /** What the credential is. */
  description: string;
  /** Pattern run on one line; group 1, when present, is the secret. Never global. */
  re: RegExp;
  /**
   * Case-sensitive literals, one of which every match contains. A line
   * without any of them never runs `re`. Omitted: the format runs on every
   * line the prefilter keeps (keyword formats).
   */
  anchors?: readonly string[];
  /** Lower-case words one of which the line must contain (case-insensitively). */
  keywords?: readonly string[];
  /**
   * Regular-expression fragments added to the engine's literal pass, for a
   * format whose tokens may stand alone on a line with neither a
   * separator-led run (`ghp_…`, `.eyJ…`) nor a secret-sounding word (`key`,
   * `token`, …) that the other two passes look for. Each fragment costs a
   * little on every byte scanned: add one only when it is needed.
   */
  prefilter?: readonly string[];
  /** Extra check on the secret (checksum, entropy, decoded header); false = not a secret. */
  validate?: (secret: string, line: string) => boolean;
  /** How bad a leak is: `error` for credentials, `warning` for identifiers that help an attacker. */
  severity: "error" | "warning";
}

// ---------------------------------------------------------------------------
// Validators

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 (IEEE 802.3, the zlib one) of an ASCII string.
 *
 * @param s The string (code units above 0xff are truncated).
 * @returns The unsigned checksum.
 */
export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) c = CRC_TABLE[(c ^ s.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Base62 (digits, upper, lower) of a number, left-padded with zeros.
 *
 * @param n The number.
 * @param width Minimum width.
 * @returns The encoding.
 */
export function base62(n: number, width: number): string {
  let out = "";
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, "0");
}

/**
 * Whether a `<prefix>_<30 chars><6 chars>` token carries the CRC-32 checksum
 * GitHub (and npm, with the same scheme) put in the last six characters:
 * base62 of the CRC-32 of the random part.
 *
 * @param token The whole token, prefix included.
 * @param prefixLength Length of the prefix with its underscore.
 * @returns True when the checksum matches.
 */
export function hasCrcChecksum(token: string, prefixLength: number): boolean {
  if (token.length < prefixLength + 7) return false;
  const body = token.slice(prefixLength, -6);
  const sum = token.slice(-6);
  return base62(crc32(body), 6) === sum || base62(crc32(token.slice(0, -6)), 6) === sum;
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

/** Words and shapes of values that stand in for a secret. */
export const PLACEHOLDER =
  /example|sample|placeholder|changeme|change_me|change-me|dummy|redacted|your[_-]|[_-]here\b|<[^>]*>|x{4,}|X{4,}|\*{3,}|\.{3}|•|\bfake|\bmock|\bfixture|insert[_-]|replace[_-]?me|^(?:password|passwd|secret|token|pass|pwd|test|testing|none|null|nil|undefined|true|false|admin|root|guest|user|username|string|value|key|apikey|api_key|default|empty|todo|tbd|foo|bar|foobar|baz|qwerty|letmein|welcome)$|^(.)\1+$/i;

// Runs like "abcdefgh", "12345678" or "aaaaaaaa" mark a made-up value.
const SEQUENCES = [
  "0123456789",
  "abcdefghijklmnopqrstuvwxyz",
  "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
];

/**
 * Whether a string contains a run of 6 or more consecutive characters of the
 * alphabet or of digits (`abcdef`, `123456`), or one character repeated 6 times.
 *
 * @param s The string.
 * @param run How long a run counts. @default 6
 * @returns True for made-up looking values.
 */
export function hasSequence(s: string, run = 6): boolean {
  if (new RegExp(`(.)\\1{${run - 1}}`).test(s)) return true;
  for (let i = 0; i + run <= s.length; i++) {
    const w = s.slice(i, i + run);
    if (SEQUENCES.some((q) => q.includes(w))) return true;
  }
  return false;
}

/**
 * Whether a token body looks randomly generated: no placeholder words, no
 * made-up runs, enough entropy for its length.
 *
 * @param s The body (prefix removed).
 * @param bits Minimum entropy in bits per character for a 20+ character body.
 * @returns True when it could be a real credential.
 */
export function looksRandom(s: string, bits = 3.5): boolean {
  if (PLACEHOLDER.test(s) || hasSequence(s)) return false;
  // Short strings cannot reach high per-character entropy.
  const need = s.length >= 20 ? bits : Math.min(bits, Math.log2(s.length) - 0.7);
  return entropy(s) >= need;
}

const _random = (bits = 3.5) => (s: string) => looksRandom(s, bits);

// A token kept by its checksum even when it looks made up; without one, its
// prefix is distinctive enough that only placeholders (`xxxx…`, `0000…`,
// `abcdef…`) are left out: redaction must mask a hand-made token too.
const _crcOrNotPlaceholder = (prefixLength: number) => (s: string) => {
  if (hasCrcChecksum(s, prefixLength)) return true;
  const body = s.slice(prefixLength);
  return !PLACEHOLDER.test(body) && !hasSequence(body);
};

/**
 * Whether a JWT's header decodes to a JSON object with an `alg`.
 *
 * @param token The token (`header.payload.signature`).
 * @returns True for a real JWT.
 */
export function isJwt(token: string): boolean {
  const head = token.slice(0, token.indexOf("."));
  try {
    const json = atob(
      head.replace(/-/g, "+").replace(/_/g, "/").padEnd(
        Math.ceil(head.length / 4) * 4,
        "=",
      ),
    );
    const h = JSON.parse(json);
    return typeof h === "object" && h !== null && typeof h.alg === "string";
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Pattern builders

/** Left edge of a token: not inside a longer word. */
const L = "(?<![A-Za-z0-9_-])";
/** Right edge of a token. */
const R = "(?![A-Za-z0-9_-])";

/** A prefixed token: `prefix` (regex source) then `body`, on word edges. */
function tok(prefix: string, body: string, right = R): RegExp {
  return new RegExp(`${L}(${prefix}${body})${right}`);
}

/**
 * A value assigned to a name containing one of `names` (regex source, matched
 * case-insensitively): `NAME=v`, `name: "v"`, `"name": "v"`, `name => 'v'`,
 * `--name v`, `name v` (CLI words).
 */
function assigned(names: string, value: string, ids = false): RegExp {
  return new RegExp(
    `(?i:${names})[\\w.-]{0,40}?${
      ids ? "" : NOT_A_SECRET_NAME
    }["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?(${value})(?![\\w-])`,
  );
}

// The name ends in a word that says it holds no secret (`HEROKU_APP_ID`,
// `sauce_job`): a lookbehind kept in front of the assignment operator.
const NOT_A_SECRET_NAME =
  "(?<!(?i:[_.-](?:id|ids|name|url|uri|user|username|org|region|app|job|portal|env|sha|hash|version|build|branch|host|dir|path|file|model|space|site|team|zone|service|image|page|form|project|endpoint|account|session|run|workspace))|Id|Name|Url)";

const HEX = "[0-9a-f]";
const UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const notSame = (s: string) => !/^(.)\1+$/.test(s) && !hasSequence(s, 10);

// ---------------------------------------------------------------------------
// The table. Order matters only for overlaps: a more specific format is
// listed before a general one that would match the same text.

/** Every known credential format. */
export const SECRET_FORMATS: readonly SecretFormat[] = [
  // --- Identity: key blocks, JWTs, age ---------------------------------------
  {
    id: "pem-private-key",
    detector: "private-key",
    description: "PEM private key block: RSA, DSA, EC, OpenSSH, PGP, encrypted and PKCS#8",
    re:
      /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED |SSH2 ENCRYPTED |DH )?PRIVATE KEY(?: BLOCK)?)-----/,
    anchors: ["-----BEGIN"],
    prefilter: ["-----BEGIN"],
    severity: "error",
  },
  {
    id: "putty-private-key",
    detector: "vendor-token",
    description: "PuTTY private key file header",
    re: /(PuTTY-User-Key-File-[23]: [\w-]+)/,
    anchors: ["PuTTY-User-Key-File-"],
    severity: "error",
  },
  {
    id: "age-secret-key",
    detector: "vendor-token",
    description: "age secret key (Bech32, 58 characters after the prefix)",
    re: /(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Z0-9])/,
    anchors: ["AGE-SECRET-KEY-1"],
    severity: "error",
  },
  {
    id: "mapbox-secret-token",
    detector: "vendor-token",
    description: "Mapbox secret token (sk.eyJ…)",
    re: tok("sk\\.eyJ", "[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,}"),
    anchors: ["sk.eyJ"],
    severity: "error",
  },
  {
    id: "jwt",
    detector: "jwt",
    description: "JSON Web Token: three base64url parts, header decodes to JSON with alg",
    re:
      /(?<![A-Za-z0-9_.-])(ey[JAIw][A-Za-z0-9_-]{6,}\.ey[JAIw][A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_-])/,
    // Header and payload are base64url JSON objects: `{"` encodes to `eyJ`, `{` and a space,
    // newline or tab to `eyA`, `eyI`, `eyw`.
    anchors: ["eyJ", "eyA", "eyI", "eyw"],
    validate: isJwt,
    severity: "error",
  },

  // --- Cloud -------------------------------------------------------------------
  {
    id: "aws-access-key-id",
    detector: "aws-access-key",
    description: "AWS access key id (AKIA long-term, ASIA temporary, and the other IAM prefixes)",
    re:
      /(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|A3T[A-Z0-9])[A-Z0-9]{16})(?![A-Za-z0-9])/,
    anchors: [
      "AKIA",
      "ASIA",
      "ABIA",
      "ACCA",
      "AGPA",
      "AIDA",
      "AROA",
      "AIPA",
      "ANPA",
      "ANVA",
      "APKA",
      "A3T",
    ],
    prefilter: ["A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])"],
    validate: (s) => notSame(s.slice(4)),
    severity: "error",
  },
  {
    id: "aws-secret-access-key",
    detector: "aws-secret-key",
    description: "AWS secret access key (40 base64 characters) assigned to an AWS secret name",
    re:
      /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key|aws_?secret|AWS_SECRET)["'\]]?\s*(?:=>|:=|[:=]|\s)\s*["'`]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/i,
    keywords: ["secret"],
    validate: _random(4),
    severity: "error",
  },
  {
    id: "aws-account-id",
    detector: "vendor-token",
    description: "AWS account id (12 digits) assigned to an AWS account name",
    re:
      /(?:aws_?account_?(?:id|number)?|account_?id)["'\]]?\s*(?:=>|:=|[:=])\s*["'`]?(\d{12})(?!\d)/i,
    keywords: ["account"],
    validate: (s, line) => /aws|arn:|account_?id/i.test(line) && notSame(s),
    severity: "warning",
  },
  {
    id: "aws-mws-key",
    detector: "vendor-token",
    description: "Amazon Marketplace Web Service auth token",
    re: new RegExp(`(amzn\\.mws\\.${UUID})`),
    anchors: ["amzn.mws."],
    severity: "error",
  },
  {
    id: "gcp-api-key",
    detector: "gcp-api-key",
    description: "Google API key (AIza + 35)",
    re: tok("AIza", "[0-9A-Za-z_-]{35}"),
    anchors: ["AIza"],
    prefilter: ["AIza"],
    severity: "error",
  },
  {
    id: "gcp-service-account",
    detector: "gcp-service-account",
    description: "Google service-account key file (private_key_id)",
    re: /"private_key_id"\s*:\s*"([0-9a-f]{40})"/,
    keywords: ["private_key_id"],
    severity: "error",
  },
  {
    id: "gcp-oauth-client-secret",
    detector: "vendor-token",
    description: "Google OAuth client secret (GOCSPX-)",
    re: tok("GOCSPX-", "[A-Za-z0-9_-]{28}"),
    anchors: ["GOCSPX-"],
    severity: "error",
  },
  {
    id: "gcp-oauth-access-token",
    detector: "vendor-token",
    description: "Google OAuth access token (ya29.)",
    re: tok("ya29\\.", "[A-Za-z0-9_-]{30,}"),
    anchors: ["ya29."],
    severity: "error",
  },
  {
    id: "azure-storage-key",
    detector: "azure-storage-key",
    description: "Azure storage account key (AccountKey=, 88 base64 characters)",
    re: /AccountKey=([A-Za-z0-9+/]{86}==)/,
    anchors: ["AccountKey="],
    severity: "error",
  },
  {
    id: "azure-shared-access-key",
    detector: "azure-storage-key",
    description: "Azure Service Bus / Event Hubs / IoT SharedAccessKey (44 base64 characters)",
    re: /SharedAccessKey=([A-Za-z0-9+/]{43}=)/,
    anchors: ["SharedAccessKey="],
    severity: "error",
  },
  {
    id: "azure-storage-key-assigned",
    detector: "azure-storage-key",
    description: "Azure storage key (88 base64 characters) assigned to an Azure or storage name",
    re: assigned("azure|storage|account_?key", "[A-Za-z0-9+/]{86}=="),
    keywords: ["azure", "storage", "key"],
    severity: "error",
  },
  {
    id: "azure-sas",
    detector: "azure-sas",
    description: "Azure shared access signature (sig= in a URL with sv/sp/se)",
    re: /[?&;]sig=([A-Za-z0-9%+/]{30,}(?:%3D|=)*)/,
    anchors: ["sig="],
    validate: (_s, line) => /[?&;]s[vpe]=/.test(line),
    severity: "error",
  },
  {
    id: "azure-ad-client-secret",
    detector: "azure-client-secret",
    description: "Microsoft Entra (Azure AD) client secret (3 characters, digit, Q~, 31-34)",
    re: /(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
    anchors: ["Q~"],
    prefilter: ["Q~"],
    severity: "error",
  },
  {
    id: "azure-devops-pat",
    detector: "generic-assignment",
    description: "Azure DevOps personal access token (52 base32 characters, or 84 with AZDO)",
    re: assigned(
      "azure|devops|ado_?|az_?pat|system_accesstoken",
      "[a-z2-7]{52}|[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}",
    ),
    keywords: ["azure", "devops", "ado", "pat", "accesstoken"],
    validate: _random(3.5),
    severity: "error",
  },
  {
    id: "alibaba-access-key-id",
    detector: "vendor-token",
    description: "Alibaba Cloud AccessKey id (LTAI)",
    re: tok("LTAI", "[A-Za-z0-9]{12,20}"),
    anchors: ["LTAI"],
    prefilter: ["LTAI"],
    validate: (s) => looksRandom(s.slice(4), 3),
    severity: "error",
  },
  {
    id: "alibaba-secret-key",
    detector: "vendor-token",
    description: "Alibaba Cloud AccessKey secret (30) assigned to an Alibaba name",
    re: assigned("alibaba|aliyun|alicloud", "[A-Za-z0-9]{30}"),
    keywords: ["alibaba", "aliyun", "alicloud"],
    validate: _random(3.5),
    severity: "error",
  },
  {
    id: "digitalocean-token",
    detector: "vendor-token",
    description: "DigitalOcean personal, OAuth or refresh token (dop_v1_/doo_v1_/dor_v1_)",
    re: tok("do[opr]_v1_", "[a-f0-9]{64}"),
    anchors: ["dop_v1_", "doo_v1_", "dor_v1_"],
    severity: "error",
  },
  {
    id: "heroku-api-key",
    detector: "vendor-token",
    description: "Heroku API key: HRKU- token, or a UUID assigned to a Heroku name",
    re: new RegExp(
      `${L}(HRKU-[A-Za-z0-9_-]{60})${R}|(?i:heroku)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?(${UUID})(?![\\w-])`,
    ),
    keywords: ["heroku", "hrku-"],
    severity: "error",
  },
  {
    id: "ibm-cloud-api-key",
    detector: "vendor-token",
    description: "IBM Cloud API key (44) assigned to an IBM name",
    re: assigned("ibm|bluemix|iam_?api", "[A-Za-z0-9_-]{44}"),
    keywords: ["ibm", "bluemix", "iam"],
    validate: _random(3.5),
    severity: "error",
  },
  {
    id: "softlayer-api-key",
    detector: "vendor-token",
    description: "IBM SoftLayer API key (64 hex) assigned to a SoftLayer name",
    re: assigned("softlayer|sl_?api", `${HEX}{64}`),
    keywords: ["softlayer", "sl_api", "slapi"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "linode-token",
    detector: "vendor-token",
    description: "Linode API token (64 hex) assigned to a Linode name",
    re: assigned("linode", `${HEX}{64}`),
    keywords: ["linode"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "cloudflare-api-token",
    detector: "vendor-token",
    description:
      "Cloudflare API token (40) or global API key (37 hex) assigned to a Cloudflare name",
    re: assigned("cloudflare|cf_api|cf_?token", `[A-Za-z0-9_-]{40}|${HEX}{37}`),
    keywords: ["cloudflare", "cf_"],
    validate: _random(3.3),
    severity: "error",
  },
  {
    id: "fastly-api-token",
    detector: "vendor-token",
    description: "Fastly API token (32) assigned to a Fastly name",
    re: assigned("fastly", "[A-Za-z0-9_-]{32}"),
    keywords: ["fastly"],
    validate: _random(3.3),
    severity: "error",
  },

  // --- Source hosting and CI -----------------------------------------------------
  {
    id: "github-classic-token",
    detector: "github-token",
    description: "GitHub token ghp_/gho_/ghu_/ghs_/ghr_: 36 base62, last 6 are base62(CRC-32)",
    re: tok("gh[pousr]_", "[A-Za-z0-9]{36,251}"),
    anchors: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    validate: _crcOrNotPlaceholder(4),
    severity: "error",
  },
  {
    id: "github-fine-grained-token",
    detector: "github-token",
    description: "GitHub fine-grained personal access token (github_pat_ 22_59)",
    re: tok("github_pat_", "(?:[A-Za-z0-9]{22}_[A-Za-z0-9]{59}|[A-Za-z0-9_]{70,251})"),
    anchors: ["github_pat_"],
    validate: (s) => looksRandom(s.slice(11)),
    severity: "error",
  },
  {
    id: "gitlab-token",
    detector: "gitlab-token",
    description:
      "GitLab tokens: personal/project/group (glpat-), deploy (gldt-), runner (glrt-), pipeline trigger (glptt-), CI job (glcbt-), OAuth app (gloas-), feed (glft-), incoming mail (glimt-), agent (glagent-), SCIM (glsoat-), feature flags (glffct-)",
    re: tok(
      "gl(?:pat|dt|rt|ptt|cbt|oas|ft|imt|agent|soat|ffct|wt)-",
      "[A-Za-z0-9_.-]{20,}",
    ),
    anchors: [
      "glpat-",
      "gldt-",
      "glrt-",
      "glptt-",
      "glcbt-",
      "gloas-",
      "glft-",
      "glimt-",
      "glagent-",
      "glsoat-",
      "glffct-",
      "glwt-",
    ],
    validate: (s) => looksRandom(s.slice(s.indexOf("-") + 1), 3),
    severity: "error",
  },
  {
    id: "gitlab-runner-registration-token",
    detector: "gitlab-token",
    description: "GitLab runner registration token (GR1348941)",
    re: tok("GR1348941", "[A-Za-z0-9_-]{20}"),
    anchors: ["GR1348941"],
    severity: "error",
  },
  {
    id: "bitbucket-app-password",
    detector: "vendor-token",
    description: "Bitbucket app password / Atlassian API token (ATBB, ATATT3, ATCTT3)",
    re: tok("(?:ATBB|ATATT3|ATCTT3)", "[A-Za-z0-9_=.-]{24,}"),
    anchors: ["ATBB", "ATATT3", "ATCTT3"],
    validate: (s) => looksRandom(s.slice(4), 3.5),
    severity: "error",
  },
  {
    id: "bitbucket-client-secret",
    detector: "vendor-token",
    description: "Bitbucket OAuth client secret (32 or 64) assigned to a Bitbucket name",
    re: assigned("bitbucket", "[A-Za-z0-9=_-]{64}|[A-Za-z0-9=_-]{32}"),
    keywords: ["bitbucket"],
    validate: _random(3.5),
    severity: "error",
  },
  {
    id: "atlassian-api-token",
    detector: "vendor-token",
    description: "Atlassian (Jira, Confluence) API token (24) assigned to an Atlassian name",
    re: assigned("atlassian|jira|confluence", "[A-Za-z0-9]{24}"),
    keywords: ["atlassian", "jira", "confluence"],
    validate: _random(3.5),
    severity: "error",
  },
  {
    id: "circleci-token",
    detector: "vendor-token",
    description:
      "CircleCI personal or project token (CCIPAT_/CCIPRJ_) or a 40-hex token assigned to a CircleCI name",
    re: new RegExp(
      `${L}(CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40})${R}|(?i:circle)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?(${HEX}{40})(?![\\w-])`,
    ),
    anchors: ["CCIPAT_", "CCIPRJ_", "ircle", "IRCLE"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "travis-token",
    detector: "vendor-token",
    description: "Travis CI API token (22) assigned to a Travis name",
    re: assigned("travis", "[A-Za-z0-9_-]{22}"),
    keywords: ["travis"],
    validate: _random(3.3),
    severity: "error",
  },
  {
    id: "buildkite-token",
    detector: "vendor-token",
    description: "Buildkite API access token (bkua_)",
    re: tok("bkua_", "[a-f0-9]{40}"),
    anchors: ["bkua_"],
    severity: "error",
  },
  {
    id: "codeclimate-token",
    detector: "vendor-token",
    description: "Code Climate reporter id / token (64 or 40 hex) assigned to a Code Climate name",
    re: assigned("code_?climate|cc_test_reporter|codeclimate", `${HEX}{64}|${HEX}{40}`, true),
    keywords: ["climate", "cc_test"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "snyk-token",
    detector: "vendor-token",
    description: "Snyk API token (a UUID) assigned to a Snyk name or passed to snyk auth",
    re: assigned("snyk", UUID),
    keywords: ["snyk"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "sauce-labs-access-key",
    detector: "vendor-token",
    description: "Sauce Labs access key (a UUID) assigned to a Sauce name",
    re: assigned("sauce", UUID),
    keywords: ["sauce"],
    validate: notSame,
    severity: "error",
  },

  // --- Package registries and infrastructure tools ----------------------------
  {
    id: "npm-access-token",
    detector: "npm-token",
    description: "npm access token (npm_ + 36 base62, last 6 are base62(CRC-32))",
    re: tok("npm_", "[A-Za-z0-9]{36}"),
    anchors: ["npm_"],
    validate: _crcOrNotPlaceholder(4),
    severity: "error",
  },
  {
    id: "npmrc-auth",
    detector: "npm-token",
    description: ".npmrc registry credential (_authToken=, _auth=, _password=)",
    re: /(?:^|[\s:])_(?:authToken|auth|password)\s*=\s*["']?([^\s"'$][^\s"']{9,})/,
    anchors: ["_authToken", "_auth", "_password"],
    validate: (s) => !/^\$\{|^\{\{/.test(s) && looksRandom(s, 3),
    severity: "error",
  },
  {
    id: "pypi-token",
    detector: "vendor-token",
    description:
      "PyPI / TestPyPI upload token (pypi-AgEIcHlwaS5vcmc / pypi-AgENdGVzdC5weXBpLm9yZw)",
    re: tok("pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)", "[A-Za-z0-9_-]{50,}"),
    anchors: ["pypi-AgE"],
    severity: "error",
  },
  {
    id: "rubygems-api-key",
    detector: "vendor-token",
    description: "RubyGems API key (rubygems_ + 48 hex)",
    re: tok("rubygems_", "[a-f0-9]{48}"),
    anchors: ["rubygems_"],
    severity: "error",
  },
  {
    id: "nuget-api-key",
    detector: "vendor-token",
    description: "NuGet API key (oy2 + 43 lower-case base32)",
    re: tok("oy2", "[a-z0-9]{43}"),
    anchors: ["oy2"],
    validate: (s) => looksRandom(s.slice(3), 3.5),
    severity: "error",
  },
  {
    id: "artifactory-api-key",
    detector: "vendor-token",
    description: "JFrog Artifactory API key (AKCp, 73 characters)",
    re: tok("AKCp", "[A-Za-z0-9]{69}"),
    anchors: ["AKCp"],
    severity: "error",
  },
  {
    id: "artifactory-reference-token",
    detector: "vendor-token",
    description:
      "JFrog Artifactory reference token (cmVmd…, 64) or identity token assigned to an Artifactory name",
    re: new RegExp(
      `${L}(cmVmdGtu[A-Za-z0-9]{56})${R}|(?i:artifactory|jfrog|arti_)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?(AP[0-9A-F][A-Za-z0-9]{8,}|[A-Za-z0-9]{64}|[A-Za-z0-9]{73})(?![\\w-])`,
    ),
    anchors: ["cmVmdGtu", "rtifactory", "RTIFACTORY", "frog", "FROG", "ARTI_", "arti_"],
    validate: (s) => looksRandom(s, 3.3),
    severity: "error",
  },
  {
    id: "docker-hub-token",
    detector: "vendor-token",
    description: "Docker Hub personal or organisation access token (dckr_pat_/dckr_oat_)",
    re: tok("dckr_(?:pat|oat)_", "[A-Za-z0-9_-]{27,}"),
    anchors: ["dckr_pat_", "dckr_oat_"],
    severity: "error",
  },
  {
    id: "crates-io-token",
    detector: "vendor-token",
    description: "crates.io API token (cio + 32)",
    re: tok("cio", "[A-Za-z0-9]{32}"),
    anchors: ["cio"],
    validate: (s) => looksRandom(s.slice(3), 3.8) && /[A-Z]/.test(s) && /\d/.test(s),
    severity: "error",
  },
  {
    id: "clojars-token",
    detector: "vendor-token",
    description: "Clojars deploy token (CLOJARS_ + 60)",
    re: tok("CLOJARS_", "[a-z0-9]{60}"),
    anchors: ["CLOJARS_"],
    severity: "error",
  },
  {
    id: "terraform-cloud-token",
    detector: "vendor-token",
    description: "Terraform Cloud / Enterprise API token (14 . atlasv1 . 60-70)",
    re: /(?<![A-Za-z0-9])([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?![A-Za-z0-9_=-])/,
    anchors: [".atlasv1."],
    severity: "error",
  },
  {
    id: "pulumi-token",
    detector: "vendor-token",
    description: "Pulumi access token (pul- + 40 hex)",
    re: tok("pul-", "[a-f0-9]{40}"),
    anchors: ["pul-"],
    severity: "error",
  },
  {
    id: "vault-token",
    detector: "vendor-token",
    description: "HashiCorp Vault service, batch or recovery token (hvs./hvb./hvr.)",
    re: tok("hv[sbr]\\.", "[A-Za-z0-9_-]{24,}"),
    anchors: ["hvs.", "hvb.", "hvr."],
    validate: (s) => looksRandom(s.slice(4), 3.5),
    severity: "error",
  },
  {
    id: "doppler-token",
    detector: "vendor-token",
    description: "Doppler personal, service, CLI, SCIM, audit or service-account token (dp.pt. …)",
    re: tok("dp\\.(?:pt|st|ct|sa|scim|audit)\\.", "[A-Za-z0-9._-]{40,}"),
    anchors: ["dp.pt.", "dp.st.", "dp.ct.", "dp.sa.", "dp.scim.", "dp.audit."],
    severity: "error",
  },
  {
    id: "infracost-api-key",
    detector: "vendor-token",
    description: "Infracost API key (ico- + 32)",
    re: tok("ico-", "[A-Za-z0-9]{32}"),
    anchors: ["ico-"],
    validate: (s) => looksRandom(s.slice(4), 3.3),
    severity: "error",
  },
  {
    id: "databricks-token",
    detector: "vendor-token",
    description: "Databricks personal access token (dapi + 32 hex)",
    re: tok("dapi", "[a-f0-9]{32}(?:-\\d)?"),
    anchors: ["dapi"],
    validate: (s) => notSame(s.slice(4)),
    severity: "error",
  },
  {
    id: "dynatrace-token",
    detector: "vendor-token",
    description: "Dynatrace API token (dt0c01.24.64)",
    re: tok("dt0c01\\.", "[A-Z0-9]{24}\\.[A-Z0-9]{64}"),
    anchors: ["dt0c01."],
    severity: "error",
  },
  {
    id: "planetscale-token",
    detector: "vendor-token",
    description:
      "PlanetScale service token, password or OAuth token (pscale_tkn_/pscale_pw_/pscale_oauth_)",
    re: tok("pscale_(?:tkn|pw|oauth)_", "[A-Za-z0-9_=.-]{32,64}"),
    anchors: ["pscale_"],
    severity: "error",
  },
  {
    id: "supabase-token",
    detector: "vendor-token",
    description: "Supabase personal access token (sbp_ + 40 hex)",
    re: tok("sbp_", "[a-f0-9]{40}"),
    anchors: ["sbp_"],
    severity: "error",
  },
  {
    id: "prefect-token",
    detector: "vendor-token",
    description: "Prefect API key (pnu_ + 36)",
    re: tok("pnu_", "[A-Za-z0-9]{36}"),
    anchors: ["pnu_"],
    severity: "error",
  },
  {
    id: "fly-io-token",
    detector: "vendor-token",
    description: "Fly.io access token (FlyV1 fm1r_/fm2_/fo1_)",
    re: /(?<![A-Za-z0-9_-])((?:FlyV1 )?(?:fm1[ar]|fm2|fo1)_[A-Za-z0-9+/=_-]{30,})/,
    anchors: ["fm1a_", "fm1r_", "fm2_", "fo1_"],
    severity: "error",
  },
  {
    id: "netlify-token",
    detector: "vendor-token",
    description: "Netlify personal access token (nfp_) or a token assigned to a Netlify name",
    re: new RegExp(
      `${L}(nf[pcou]_[A-Za-z0-9]{36,40})${R}|(?i:netlify)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?([A-Za-z0-9_-]{40,46})(?![\\w-])`,
    ),
    anchors: ["nfp_", "nfc_", "nfo_", "nfu_", "etlify", "ETLIFY"],
    validate: (s) => looksRandom(s.replace(/^nf[pcou]_/, ""), 3.5),
    severity: "error",
  },
  {
    id: "vercel-token",
    detector: "vendor-token",
    description:
      "Vercel token (vcp_/vci_/vca_/vcr_/vck_) or a 24-character token assigned to a Vercel name",
    re: new RegExp(
      `${L}(vc[pirak]_[A-Za-z0-9]{24,})${R}|(?i:vercel|now_token)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?([A-Za-z0-9]{24})(?![\\w-])`,
    ),
    anchors: ["vcp_", "vci_", "vca_", "vcr_", "vck_", "ercel", "ERCEL", "now_token", "NOW_TOKEN"],
    validate: (s) => looksRandom(s.replace(/^vc[pirak]_/, ""), 3.5),
    severity: "error",
  },
  {
    id: "okta-api-token",
    detector: "vendor-token",
    description: "Okta API token (00 + 40) assigned to an Okta name",
    re: assigned("okta", "00[A-Za-z0-9_-]{40}"),
    keywords: ["okta"],
    validate: (s) => looksRandom(s.slice(2), 3.5),
    severity: "error",
  },
  {
    id: "contentful-token",
    detector: "vendor-token",
    description:
      "Contentful personal access token (CFPAT-) or a 43-character token assigned to a Contentful name",
    re: new RegExp(
      `${L}(CFPAT-[A-Za-z0-9_-]{43})${R}|(?i:contentful)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?([A-Za-z0-9_-]{43})(?![\\w-])`,
    ),
    anchors: ["CFPAT-", "ontentful", "ONTENTFUL"],
    validate: (s) => looksRandom(s.replace(/^CFPAT-/, ""), 3.5),
    severity: "error",
  },
  {
    id: "sourcegraph-token",
    detector: "vendor-token",
    description: "Sourcegraph access token (sgp_)",
    re: tok("sgp_", "(?:[a-f0-9]{16}_)?[a-f0-9]{40}"),
    anchors: ["sgp_"],
    severity: "error",
  },

  // --- Chat and webhooks ----------------------------------------------------------
  {
    id: "slack-webhook",
    detector: "slack-webhook",
    description: "Slack incoming webhook or workflow URL (hooks.slack.com/services/T…/B…/…)",
    re:
      /(https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Z0-9]{8,12}\/[A-Z0-9]{8,12}\/[A-Za-z0-9]{16,})/,
    anchors: ["hooks.slack.com"],
    validate: (s) => looksRandom(s.slice(s.lastIndexOf("/") + 1), 3),
    severity: "error",
  },
  {
    id: "slack-token",
    detector: "slack-token",
    description:
      "Slack bot, user, app, config and refresh tokens (xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-, xoxe-, xapp-)",
    re:
      /(?<![A-Za-z0-9_-])(xox[abposr]-(?:\d+-)+[0-9A-Za-z-]{8,}|xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{146,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)(?![A-Za-z0-9_-])/,
    anchors: ["xox", "xapp-"],
    validate: (s) => looksRandom(s.slice(s.lastIndexOf("-") + 1), 3),
    severity: "error",
  },
  {
    id: "discord-webhook",
    detector: "vendor-token",
    description: "Discord webhook URL",
    re:
      /(https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d+\/[A-Za-z0-9_-]{60,})/,
    anchors: ["discord"],
    severity: "error",
  },
  {
    id: "discord-bot-token",
    detector: "vendor-token",
    description: "Discord bot token (base64 user id . 6 . 27-38)",
    re:
      /(?<![A-Za-z0-9_.-])([MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})(?![A-Za-z0-9_-])/,
    anchors: ["."],
    validate: (s) => {
      // The first part is the bot's numeric id in base64.
      try {
        return /^\d{17,20}$/.test(
          atob(s.slice(0, s.indexOf(".")).replace(/-/g, "+").replace(/_/g, "/")),
        );
      } catch {
        return false;
      }
    },
    severity: "error",
  },
  {
    id: "discord-client-secret",
    detector: "vendor-token",
    description: "Discord client secret (32) or API key (64 hex) assigned to a Discord name",
    re: assigned("discord", `${HEX}{64}|[A-Za-z0-9=_-]{32}`),
    keywords: ["discord"],
    validate: _random(3.5),
    severity: "error",
  },
  {
    id: "teams-webhook",
    detector: "vendor-token",
    description: "Microsoft Teams incoming webhook URL (webhook.office.com / outlook.office.com)",
    re: new RegExp(
      `(https:\\/\\/[a-z0-9-]+\\.webhook\\.office\\.com\\/webhookb2\\/${UUID}@${UUID}\\/IncomingWebhook\\/[a-z0-9]{32}\\/${UUID}(?:\\/[A-Za-z0-9_-]+)?|https:\\/\\/outlook\\.office(?:365)?\\.com\\/webhook\\/${UUID}@${UUID}\\/IncomingWebhook\\/[a-z0-9]{32}\\/${UUID})`,
    ),
    anchors: ["webhook.office.com", "outlook.office"],
    severity: "error",
  },
  {
    id: "telegram-bot-token",
    detector: "vendor-token",
    description: "Telegram bot token (bot id : 35, the secret part starts with A)",
    re: /(?<![A-Za-z0-9_:-])(\d{5,16}:A[A-Za-z0-9_-]{34})(?![A-Za-z0-9_-])/,
    anchors: [":A"],
    severity: "error",
  },
  {
    id: "twilio-api-key",
    detector: "vendor-token",
    description: "Twilio API key SID (SK + 32 hex)",
    re: /(?<![A-Za-z0-9])(SK[0-9a-fA-F]{32})(?![A-Za-z0-9])/,
    anchors: ["SK"],
    prefilter: ["SK[0-9a-fA-F]{32}"],
    validate: (s) => notSame(s.slice(2)),
    severity: "error",
  },
  {
    id: "twilio-account-sid",
    detector: "vendor-token",
    description: "Twilio account SID (AC + 32 hex); an identifier, reported as a warning",
    re: /(?<![A-Za-z0-9])(AC[a-f0-9]{32})(?![A-Za-z0-9])/,
    anchors: ["AC"],
    validate: (s) => notSame(s.slice(2)),
    severity: "warning",
  },
  {
    id: "twilio-auth-token",
    detector: "vendor-token",
    description: "Twilio auth token (32 hex) assigned to a Twilio name",
    re: assigned("twilio", `${HEX}{32}`),
    keywords: ["twilio"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "sendgrid-api-key",
    detector: "vendor-token",
    description: "SendGrid API key (SG.22.43)",
    re: tok("SG\\.", "[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}"),
    anchors: ["SG."],
    severity: "error",
  },
  {
    id: "brevo-api-key",
    detector: "vendor-token",
    description: "Brevo (Sendinblue) API key (xkeysib-64 hex-16)",
    re: tok("xkeysib-", "[a-f0-9]{64}-[A-Za-z0-9]{16}"),
    anchors: ["xkeysib-"],
    severity: "error",
  },
  {
    id: "mailchimp-api-key",
    detector: "vendor-token",
    description: "Mailchimp API key (32 hex + -us<datacenter>)",
    re: /(?<![A-Za-z0-9])([0-9a-f]{32}-us\d{1,2})(?![A-Za-z0-9])/,
    anchors: ["-us"],
    validate: (s) => notSame(s.slice(0, 32)),
    severity: "error",
  },
  {
    id: "mailgun-api-key",
    detector: "vendor-token",
    description:
      "Mailgun API key (key- + 32 hex) or private key (32-8-8 hex) assigned to a Mailgun name",
    re: new RegExp(
      `${L}(key-[0-9a-f]{32})${R}|(?i:mailgun)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?([a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})(?![\\w-])`,
    ),
    anchors: ["key-", "ailgun", "AILGUN"],
    validate: (s) => notSame(s.replace(/^key-/, "")),
    severity: "error",
  },
  {
    id: "postman-api-key",
    detector: "vendor-token",
    description: "Postman API key (PMAK-24 hex-34 hex)",
    re: tok("PMAK-", "[a-f0-9]{24}-[a-f0-9]{34}"),
    anchors: ["PMAK-"],
    severity: "error",
  },
  {
    id: "linear-api-key",
    detector: "vendor-token",
    description: "Linear API key (lin_api_ + 40)",
    re: tok("lin_(?:api|oauth)_", "[A-Za-z0-9]{40}"),
    anchors: ["lin_api_", "lin_oauth_"],
    severity: "error",
  },
  {
    id: "linear-client-secret",
    detector: "vendor-token",
    description: "Linear OAuth client secret (32 hex) assigned to a Linear name",
    re: assigned("linear", `${HEX}{32}`),
    keywords: ["linear"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "hubspot-token",
    detector: "vendor-token",
    description:
      "HubSpot private app token (pat-na1-/pat-eu1- + UUID) or a UUID key assigned to a HubSpot name",
    re: new RegExp(
      `${L}(pat-(?:na|eu)\\d-${UUID})${R}|(?i:hubspot|hapikey)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?(${UUID})(?![\\w-])`,
    ),
    anchors: ["pat-na", "pat-eu", "ubspot", "UBSPOT", "hapikey"],
    severity: "error",
  },
  {
    id: "asana-token",
    detector: "vendor-token",
    description:
      "Asana personal access token (n/16 digits:32 hex) or a client secret assigned to an Asana name",
    re: new RegExp(
      `(?<![\\w/])(\\d\\/\\d{13,19}:${HEX}{32})(?![\\w-])|(?i:asana)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?([A-Za-z0-9]{32})(?![\\w-])`,
    ),
    anchors: ["/", "sana", "SANA"],
    validate: (s) => looksRandom(s.replace(/^\d\/\d+:/, ""), 3.3),
    severity: "error",
  },
  {
    id: "dropbox-token",
    detector: "vendor-token",
    description:
      "Dropbox short-lived access token (sl. + 130+) or long-lived token assigned to a Dropbox name",
    re: new RegExp(
      `(?<![A-Za-z0-9_.-])(sl\\.(?:[uB]\\.)?[A-Za-z0-9_-]{130,})${R}|(?i:dropbox)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?([A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=-]{43}|[A-Za-z0-9]{15})(?![\\w-])`,
    ),
    anchors: ["sl.", "ropbox", "ROPBOX"],
    validate: (s) => looksRandom(s.replace(/^sl\./, "").replace(/A{10}/, ""), 3.3),
    severity: "error",
  },
  {
    id: "facebook-access-token",
    detector: "vendor-token",
    description: "Facebook / Meta access token (EAA…)",
    re: tok("EAA(?!A)", "[A-Za-z0-9]{90,}"),
    anchors: ["EAA"],
    validate: (s) => looksRandom(s.slice(3), 4),
    severity: "error",
  },
  {
    id: "facebook-app-token",
    detector: "vendor-token",
    description: "Facebook app access token (app id|app secret) assigned to a Facebook name",
    re: assigned("facebook|fb_", "\\d{15,16}(?:\\||%7C)[0-9A-Za-z_-]{27,40}"),
    keywords: ["facebook", "fb_"],
    validate: (s) => looksRandom(s.replace(/^\d+(?:\||%7C)/, ""), 3.3),
    severity: "error",
  },
  {
    id: "facebook-app-secret",
    detector: "vendor-token",
    description: "Facebook app secret (32 hex) assigned to a Facebook name",
    re: assigned("facebook|fb_?app|fb_?secret", `${HEX}{32}`),
    keywords: ["facebook", "fb_", "fbapp", "fbsecret"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "linkedin-client-secret",
    detector: "vendor-token",
    description: "LinkedIn client secret (16) or id (14) assigned to a LinkedIn name",
    re: assigned("linkedin", "[A-Za-z0-9]{16}|[A-Za-z0-9]{14}"),
    keywords: ["linkedin"],
    validate: _random(3),
    severity: "error",
  },
  {
    id: "twitter-api-secret",
    detector: "vendor-token",
    description:
      "Twitter / X API key (25), API secret (50) or access token (user id-40) assigned to a Twitter name",
    re: assigned(
      "twitter|x_api|x_consumer",
      "\\d{15,25}-[A-Za-z0-9]{20,40}|[A-Za-z0-9]{50}|[A-Za-z0-9]{25}",
    ),
    keywords: ["twitter", "x_api", "x_consumer"],
    validate: (s) => looksRandom(s.replace(/^\d+-/, ""), 3.5),
    severity: "error",
  },
  {
    id: "twitter-bearer-token",
    detector: "vendor-token",
    description: "Twitter / X app bearer token (AAAAAAAAAAAAAAAAAAAAA…)",
    re: /(?<![A-Za-z0-9%])(A{22}[A-Za-z0-9%]{80,120})(?![A-Za-z0-9%])/,
    anchors: ["AAAAAAAAAAAAAAAAAAAA"],
    validate: (s) => looksRandom(s.slice(22).replace(/%[0-9A-F]{2}/g, ""), 4),
    severity: "error",
  },

  // --- Payment -------------------------------------------------------------------
  {
    id: "stripe-secret-key",
    detector: "stripe-key",
    description: "Stripe secret or restricted key (sk_live_/rk_live_; test-mode keys too)",
    re: tok("[sr]k_(?:live|test)_", "[0-9A-Za-z]{20,247}"),
    anchors: ["k_live_", "k_test_"],
    validate: (s) => looksRandom(s.slice(8), 3.3),
    severity: "error",
  },
  {
    id: "stripe-webhook-secret",
    detector: "stripe-key",
    description: "Stripe webhook signing secret (whsec_)",
    re: tok("whsec_", "[A-Za-z0-9+/=]{32,}"),
    anchors: ["whsec_"],
    validate: (s) => looksRandom(s.slice(6), 3.5),
    severity: "error",
  },
  {
    id: "square-access-token",
    detector: "vendor-token",
    description: "Square access token (sq0atp- 22 / EAAA 60) and OAuth secret (sq0csp- 43)",
    re:
      /(?<![A-Za-z0-9_-])(sq0atp-[A-Za-z0-9_-]{22}|sq0csp-[A-Za-z0-9_-]{43}|EAAA[A-Za-z0-9_+=-]{60})(?![A-Za-z0-9_+=-])/,
    anchors: ["sq0atp-", "sq0csp-", "EAAA"],
    validate: (s) => looksRandom(s.slice(4), 3.5),
    severity: "error",
  },
  {
    id: "braintree-access-token",
    detector: "vendor-token",
    description: "PayPal Braintree access token (access_token$production$…$…)",
    re: /(access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32})/,
    anchors: ["access_token$"],
    severity: "error",
  },
  {
    id: "shopify-token",
    detector: "vendor-token",
    description:
      "Shopify access, custom app, private app and shared secret (shpat_/shpca_/shppa_/shpss_)",
    re: tok("shp(?:at|ca|pa|ss)_", "[a-fA-F0-9]{32}"),
    anchors: ["shpat_", "shpca_", "shppa_", "shpss_"],
    severity: "error",
  },
  {
    id: "flutterwave-secret-key",
    detector: "vendor-token",
    description: "Flutterwave secret or encryption key (FLWSECK-/FLWSECK_TEST-)",
    re: tok("FLWSECK(?:_TEST)?-", "[a-h0-9]{12,32}(?:-X)?"),
    anchors: ["FLWSECK"],
    severity: "error",
  },
  {
    id: "shippo-token",
    detector: "vendor-token",
    description: "Shippo API token (shippo_live_/shippo_test_ + 40 hex)",
    re: tok("shippo_(?:live|test)_", "[a-f0-9]{40}"),
    anchors: ["shippo_"],
    severity: "error",
  },
  {
    id: "easypost-api-key",
    detector: "vendor-token",
    description: "EasyPost API key (EZAK/EZTK + 54)",
    re: tok("EZ[AT]K", "[A-Za-z0-9]{54}"),
    anchors: ["EZAK", "EZTK"],
    severity: "error",
  },
  {
    id: "plaid-secret",
    detector: "vendor-token",
    description: "Plaid access token (access-<env>-UUID) or secret (30) assigned to a Plaid name",
    re: assigned("plaid", `access-(?:sandbox|development|production)-${UUID}|[a-z0-9]{30}`),
    keywords: ["plaid"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "finicity-secret",
    detector: "vendor-token",
    description: "Finicity app key (32 hex) or client secret (20) assigned to a Finicity name",
    re: assigned("finicity", `${HEX}{32}|[A-Za-z0-9]{20}`),
    keywords: ["finicity"],
    validate: _random(3.2),
    severity: "error",
  },
  {
    id: "kucoin-api-key",
    detector: "vendor-token",
    description: "KuCoin API key (24 hex) or secret (UUID) assigned to a KuCoin name",
    re: assigned("kucoin", `${UUID}|${HEX}{24}`),
    keywords: ["kucoin"],
    validate: notSame,
    severity: "error",
  },

  // --- Observability ------------------------------------------------------------------
  {
    id: "datadog-api-key",
    detector: "vendor-token",
    description: "Datadog API key (32 hex) or application key (40 hex) assigned to a Datadog name",
    re: assigned("datadog|dd_api|dd_app|ddapi|ddapp|dd-api|dd-app", `[a-z0-9]{40}|${HEX}{32}`),
    keywords: ["datadog", "dd_", "dd-", "ddapi", "ddapp"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "new-relic-key",
    detector: "vendor-token",
    description:
      "New Relic user key (NRAK-), insights insert/query (NRII-/NRIQ-), browser (NRJS-), license (…NRAL)",
    re:
      /(?<![A-Za-z0-9_-])(NRAK-[A-Z0-9]{27}|NRI[IQ]-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL)(?![A-Za-z0-9_-])/,
    anchors: ["NRAK-", "NRII-", "NRIQ-", "NRJS-", "NRAL"],
    severity: "error",
  },
  {
    id: "sentry-token",
    detector: "vendor-token",
    description:
      "Sentry organisation auth token (sntrys_), user token (sntryu_) and DSN with its key",
    re:
      /(?<![A-Za-z0-9_-])(sntrys_eyJ[A-Za-z0-9+/=_-]{60,}|sntryu_[a-f0-9]{64}|https:\/\/[a-f0-9]{32}(?::[a-f0-9]{32})?@[a-z0-9.-]*sentry\.io\/\d+)/,
    anchors: ["sntrys_", "sntryu_", "sentry.io"],
    severity: "error",
  },
  {
    id: "sumo-logic-access",
    detector: "vendor-token",
    description: "Sumo Logic access id (su + 12) or access key (64) assigned to a Sumo name",
    re: assigned("sumo", "su[A-Za-z0-9]{12}|[A-Za-z0-9]{64}", true),
    keywords: ["sumo"],
    validate: (s) => looksRandom(s, 3),
    severity: "error",
  },
  {
    id: "grafana-token",
    detector: "vendor-token",
    description:
      "Grafana Cloud token (glc_), service account token (glsa_) and API key (eyJrIjoi…)",
    re:
      /(?<![A-Za-z0-9_-])(glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,2})(?![A-Za-z0-9_-])/,
    anchors: ["glc_", "glsa_", "eyJrIjoi"],
    severity: "error",
  },
  {
    id: "pagerduty-token",
    detector: "vendor-token",
    description: "PagerDuty API token (20) assigned to a PagerDuty name",
    re: assigned("pagerduty|pager_duty", "[A-Za-z0-9_+-]{20}"),
    keywords: ["pagerduty", "pager_duty"],
    validate: _random(3.3),
    severity: "error",
  },
  {
    id: "algolia-api-key",
    detector: "vendor-token",
    description:
      "Algolia admin / API key (32 lower-case alphanumerics) assigned to an Algolia name",
    re: assigned("algolia", "[a-z0-9]{32}"),
    keywords: ["algolia"],
    validate: notSame,
    severity: "error",
  },
  {
    id: "adobe-client-secret",
    detector: "vendor-token",
    description: "Adobe client secret (p8e-) or client id (32 hex) assigned to an Adobe name",
    re: new RegExp(
      `${L}(p8e-[A-Za-z0-9_-]{32})${R}|(?i:adobe)[\\w.-]{0,40}?${NOT_A_SECRET_NAME}["'\\]]?\\s*(?:=>|:=|[:=]|\\s)\\s*["'\`]?(${HEX}{32})(?![\\w-])`,
    ),
    anchors: ["p8e-", "dobe", "DOBE"],
    validate: (s) => looksRandom(s.replace(/^p8e-/, ""), 3.2),
    severity: "error",
  },
  {
    id: "onfido-api-token",
    detector: "vendor-token",
    description: "Onfido API token (api_live./api_sandbox., optional region)",
    re:
      /(?<![A-Za-z0-9_-])(api_(?:live|sandbox)(?:_[a-z]{2})?\.[A-Za-z0-9_-]{11}\.[A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/,
    anchors: ["api_live", "api_sandbox"],
    severity: "error",
  },
  {
    id: "airtable-token",
    detector: "vendor-token",
    description: "Airtable personal access token (pat14.64 hex)",
    re: /(?<![A-Za-z0-9_-])(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?![A-Za-z0-9_-])/,
    anchors: ["pat"],
    severity: "error",
  },
  {
    id: "notion-token",
    detector: "vendor-token",
    description: "Notion integration token (ntn_ / secret_ + 43)",
    re: /(?<![A-Za-z0-9_-])(ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})(?![A-Za-z0-9_-])/,
    anchors: ["ntn_", "secret_"],
    validate: (s) => looksRandom(s.slice(s.indexOf("_") + 1), 4),
    severity: "error",
  },
  {
    id: "typeform-token",
    detector: "vendor-token",
    description: "Typeform personal token (tfp_)",
    re: tok("tfp_", "[A-Za-z0-9_.=-]{59}"),
    anchors: ["tfp_"],
    severity: "error",
  },
  {
    id: "readme-api-key",
    detector: "vendor-token",
    description: "ReadMe API key (rdme_ + 70)",
    re: tok("rdme_", "[a-z0-9]{70}"),
    anchors: ["rdme_"],
    severity: "error",
  },
  {
    id: "scalingo-token",
    detector: "vendor-token",
    description: "Scalingo API token (tk-us-)",
    re: tok("tk-us-", "[A-Za-z0-9_-]{48}"),
    anchors: ["tk-us-"],
    severity: "error",
  },
  {
    id: "frameio-token",
    detector: "vendor-token",
    description: "Frame.io developer token (fio-u-)",
    re: tok("fio-u-", "[A-Za-z0-9_=-]{64}"),
    anchors: ["fio-u-"],
    severity: "error",
  },

  // --- AI providers ------------------------------------------------------------------
  {
    id: "anthropic-api-key",
    detector: "anthropic-key",
    description: "Anthropic API or admin key (sk-ant-api03- / sk-ant-admin01-)",
    re: tok("sk-ant-(?:api|admin|sid|oat)\\d{2}-", "[A-Za-z0-9_-]{80,}"),
    anchors: ["sk-ant-"],
    severity: "error",
  },
  {
    id: "openai-api-key",
    detector: "openai-key",
    description:
      "OpenAI API key: project (sk-proj-), service account (sk-svcacct-), admin and legacy keys, with the T3BlbkFJ marker",
    re:
      /(?<![A-Za-z0-9_-])(sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,}|sk-[A-Za-z0-9]{48})(?![A-Za-z0-9_-])/,
    anchors: ["sk-"],
    validate: (s) =>
      s.includes("T3BlbkFJ") || looksRandom(s.replace(/^sk-(?:proj-|svcacct-|admin-)?/, ""), 4),
    severity: "error",
  },
  {
    id: "huggingface-token",
    detector: "vendor-token",
    description: "Hugging Face user token (hf_) and organisation token (api_org_), 34 letters",
    re: /(?<![A-Za-z0-9_-])((?:hf_|api_org_)[A-Za-z]{34})(?![A-Za-z0-9_-])/,
    anchors: ["hf_", "api_org_"],
    validate: (s) => looksRandom(s.slice(s.indexOf("_", 3) + 1), 3.8),
    severity: "error",
  },
  {
    id: "replicate-token",
    detector: "vendor-token",
    description: "Replicate API token (r8_ + 37)",
    re: tok("r8_", "[A-Za-z0-9]{37}"),
    anchors: ["r8_"],
    validate: (s) => looksRandom(s.slice(3), 3.8),
    severity: "error",
  },
  {
    id: "groq-api-key",
    detector: "vendor-token",
    description: "Groq API key (gsk_ + 52)",
    re: tok("gsk_", "[A-Za-z0-9]{52}"),
    anchors: ["gsk_"],
    validate: (s) => looksRandom(s.slice(4), 3.8),
    severity: "error",
  },
  {
    id: "perplexity-api-key",
    detector: "vendor-token",
    description: "Perplexity API key (pplx- + 48)",
    re: tok("pplx-", "[A-Za-z0-9]{48}"),
    anchors: ["pplx-"],
    severity: "error",
  },
  {
    id: "xai-api-key",
    detector: "vendor-token",
    description: "xAI API key (xai- + 80)",
    re: tok("xai-", "[A-Za-z0-9]{80}"),
    anchors: ["xai-"],
    severity: "error",
  },
  {
    id: "cohere-api-key",
    detector: "vendor-token",
    description: "Cohere API key (40) assigned to a Cohere name",
    re: assigned("cohere|co_api_key", "[A-Za-z0-9]{40}"),
    keywords: ["cohere", "co_api_key"],
    validate: _random(3.8),
    severity: "error",
  },
  {
    id: "mistral-api-key",
    detector: "vendor-token",
    description: "Mistral / DeepSeek / Together / Fireworks key assigned to the provider's name",
    re: assigned("mistral|deepseek|together|fireworks|anyscale", "(?:sk-)?[A-Za-z0-9]{32,64}"),
    keywords: ["mistral", "deepseek", "together", "fireworks", "anyscale"],
    validate: (s) => looksRandom(s.replace(/^sk-/, ""), 3.5),
    severity: "error",
  },
]; // deno-fmt-ignore
