/**
 * Redaction: the one function applied to child output, and to everything
 * else, before it goes to a console, a model, a log, a report or a
 * notification. It masks
 *
 * - known secret values: the environment values whose names look secret,
 *   plus any value the caller declares (the variables the config names as
 *   keys and tokens),
 * - those values in the forms they leak in: URL-encoded, base64 (standard and
 *   URL-safe, at each of the three byte alignments, so a secret inside a
 *   `user:password` Basic header is found too) and hex,
 * - any 12 or more characters of any of those forms, so a secret cut by a
 *   truncation or a line wrap is still masked,
 * - what the secret detectors of `secrets.ts` (and any extra patterns the
 *   caller hands in) recognise by format,
 *
 * replacing each with `[REDACTED:<label>]`.
 *
 * Substrings are found with a rolling hash over every 12-character window of
 * the text, looked up in a table of the windows of every known form: one pass
 * over the text whatever the number of secrets, instead of a search per
 * secret per line.
 *
 * @module
 */

import { findSecrets, findSecretSpans } from "./secrets.ts";
import type { Policy } from "./types.ts";

const SECRET_NAME =
  /(?:^|_)(?:TOKEN|KEY|SECRET|SECRETS|PASSWORD|PASSWD|PASS|PWD|PAT|CREDENTIALS?|APIKEY|AUTH|COOKIE|SAS|SIGNATURE|PRIVATE)(?:_|$)|CONNECTION_?STRING|CONN_?STR|DATABASE_URL|DB_URL|_DSN$|^DSN$|(?:REDIS|MONGO(?:DB)?|POSTGRES|MYSQL|AMQP)_(?:URL|URI)/i;
// camelCase names (`AccountKey`, `clientSecret`): a lower-case letter or digit right before.
const SECRET_NAME_CAMEL =
  /[a-z0-9](?:Key|Token|Secret|Password|Passwd|Pwd|Pat|Credentials?)(?:[A-Z_]|$)/;
const SECRET_NAME_EXTRA =
  /WEBHOOK|KUBECONFIG|(?:^|_)(?:PFX|P12|CLIENT_CERT(?:IFICATE)?)(?:_|$)|(?:SECRET|PASSWORD|PASSWD|TOKEN|APIKEY|ACCESSKEY|SECRETKEY|AUTHKEY|PRIVATEKEY)$/i;
const NOT_SECRET = new Set(["PWD", "OLDPWD", "KEYTIMEOUT", "GPG_TTY", "SSH_AUTH_SOCK", "HISTFILE"]);

/** Length of the windows matched anywhere in a text: "any 12+ characters of a secret". */
export const WINDOW = 12;
/** Shortest value masked at all (shorter ones are masked only as whole words of the form). */
const MIN_VALUE = 6;
/** Longest value whose every form is indexed; longer ones (certificates) only plain and base64. */
const LONG_VALUE = 4096;

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

/** Extra secret formats a caller adds to redaction (e.g. detectors a policy module defines). */
export interface RedactionPattern {
  /** Label in the replacement: `[REDACTED:<name>]`. */
  name: string;
  /** Spans of `text` to mask (start inclusive, end exclusive). */
  find(text: string): Iterable<{ start: number; end: number }>;
}

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Environment: the values of secret-looking names are masked (labels `env.<NAME>`). */
  env?: Record<string, string>;
  /**
   * Names of `env` whose values are masked whatever the name looks like
   * (the variables the config declares as keys and tokens: `api_key_env`,
   * `token_env`, `webhook_env`).
   */
  secretNames?: readonly string[];
  /** Further known secret values, by label (`[REDACTED:<label>]`). */
  values?: Record<string, string>;
  /** Extra formats to mask besides the built-in detectors. */
  patterns?: readonly RedactionPattern[];
  /**
   * Detector names of `secrets.ts` to use. @default every detector (a
   * policy's secret rules label them with the rule id, they do not narrow them)
   */
  detectors?: readonly string[];
  /** A policy whose secret rules label the detectors (with their rule ids). */
  policy?: Policy;
}

/** A text-to-text function that masks secrets. */
export type Redactor = (text: string) => string;

/**
 * Build a redactor.
 *
 * @param input Either an environment (secret-looking names are masked), or
 * {@link RedactorOptions}: environment, declared secret names, labelled values,
 * extra patterns, detectors. @default {}
 * @param policy With the environment form: a policy whose secret rules name
 * the replacements; without one the detector names are used.
 * @returns A function that redacts text.
 * @example
 * ```ts
 * import { createRedactor } from "./redact.ts";
 * const redact = createRedactor({ values: { "env.TOKEN": "s3cr3t-value-0123456789" } });
 * console.assert(redact("x s3cr3t-value-0123456789") === "x [REDACTED:env.TOKEN]");
 * // 12+ characters of it, cut by a truncation, are masked too.
 * console.assert(!redact("…value-012345").includes("value-012345"));
 * ```
 */
export function createRedactor(
  input: Record<string, string> | RedactorOptions = {},
  policy?: Policy,
): Redactor {
  const options: RedactorOptions = _isOptions(input)
    ? input
    : { env: input as Record<string, string>, ...(policy ? { policy } : {}) };
  const ruleOf = new Map<string, string>();
  if (options.policy) {
    for (const r of options.policy.rules) {
      if (r.match.secret && !ruleOf.has(r.match.secret)) ruleOf.set(r.match.secret, r.id);
    }
  }
  // Every detector masks unless the caller picks some: a policy's secret
  // rules only label them, so a known format or a strong value under a
  // secret name is hidden even when no rule names its detector
  // (policies/secrets.ts findSecretSpans).
  const detectors = options.detectors ? [...options.detectors] : null;
  const known = new Map<string, string>(); // value -> label
  const declared = new Set(options.secretNames ?? []);
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if ((declared.has(name) || isSecretEnvName(name)) && _worthMasking(value)) {
      if (!known.has(value)) known.set(value, `env.${name}`);
    }
  }
  for (const [label, value] of Object.entries(options.values ?? {})) {
    if (_worthMasking(value) && !known.has(value)) known.set(value, label);
  }
  const index = new _SecretIndex(known);
  const patterns = options.patterns ?? [];
  return (text: string): string => {
    if (text === "") return text;
    let out = index.mask(text);
    for (const p of patterns) out = _maskSpans(out, [...p.find(out)], () => p.name);
    const hits =
      (detectors
        ? findSecrets(out, detectors).map((h) => ({ start: h.start, end: h.end, rule: h.detector }))
        : findSecretSpans(out)).sort((a, b) => b.start - a.start);
    for (const h of hits) {
      let { start, end } = h;
      if (h.rule === "private-key") {
        // Remove the whole block, not just its header.
        start = out.lastIndexOf("-----BEGIN", start);
        const close = out.indexOf("-----END", end);
        const stop = close < 0 ? -1 : out.indexOf("-----", close + 8);
        end = stop < 0 ? out.length : stop + 5;
      }
      const label = ruleOf.get(h.rule) ?? `secret.${h.rule}`;
      out = out.slice(0, start) + `[REDACTED:${label}]` + out.slice(end);
    }
    return out;
  };
}

function _isOptions(input: object): input is RedactorOptions {
  // An environment maps names to strings; the options object never does.
  return Object.values(input).some((v) => typeof v !== "string");
}

// Values that would mask ordinary text everywhere if their substrings were
// secret: booleans, numbers, file system paths (a `SSH_KEY_PATH` of
// `/home/runner/.ssh/id_rsa` must not erase every path under /home/runner).
function _worthMasking(value: string): boolean {
  const v = value.trim();
  if (v.length < MIN_VALUE) return false;
  if (/^(?:true|false|yes|no|on|off|null|none|undefined)$/i.test(v)) return false;
  if (/^[0-9.,:_-]+$/.test(v)) return false;
  if (/^(?:~|\.{0,2})\/[\w./@+-]*$/.test(v)) return false;
  return true;
}

/**
 * The forms a secret value shows up in: itself, URL-encoded, base64 (both
 * alphabets, each of the three alignments a value can have inside a longer
 * encoded text) and hex (both cases).
 *
 * @param value The secret.
 * @returns The distinct forms, longest first.
 */
export function secretForms(value: string): string[] {
  const out = new Set([value]);
  const url = encodeURIComponent(value);
  if (url !== value) out.add(url);
  const bytes = new TextEncoder().encode(value);
  for (const form of _base64Forms(bytes)) {
    out.add(form);
    out.add(form.replaceAll("+", "-").replaceAll("/", "_"));
  }
  if (value.length <= LONG_VALUE) {
    let hex = "";
    for (const b of bytes) hex += b.toString(16).padStart(2, "0");
    out.add(hex);
    out.add(hex.toUpperCase());
  }
  return [...out].filter((f) => f.length >= MIN_VALUE).sort((a, b) => b.length - a.length);
}

// Base64 of the value at offsets 0, 1 and 2 inside an encoded stream, keeping
// only the characters that depend on the value's bytes alone.
function _base64Forms(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    if (pad > 0 && bytes.length > LONG_VALUE) break;
    const buf = new Uint8Array(pad + bytes.length);
    buf.set(bytes, pad);
    let bin = "";
    for (const b of buf) bin += String.fromCharCode(b);
    const enc = btoa(bin).replace(/=+$/, "");
    const first = Math.ceil((pad * 8) / 6);
    // The last character may mix the value's last bits with padding zeros.
    const last = Math.floor((buf.length * 8) / 6);
    out.push(pad === 0 ? enc : enc.slice(first, last));
  }
  return out;
}

/** Every 12-character window of every form of the known secrets, hashed. */
class _SecretIndex {
  // hash -> windows with that hash (the text compares the window on a hit)
  readonly #windows = new Map<number, { text: string; label: string }[]>();
  // Forms shorter than a window are matched whole.
  readonly #short: RegExp | null;
  readonly #shortLabel = new Map<string, string>();

  constructor(known: Map<string, string>) {
    const short: string[] = [];
    const seen = new Set<string>();
    for (const [value, label] of known) {
      for (const form of secretForms(value)) {
        if (form.length < WINDOW) {
          if (!this.#shortLabel.has(form)) {
            this.#shortLabel.set(form, label);
            short.push(form);
          }
          continue;
        }
        for (let i = 0; i + WINDOW <= form.length; i++) {
          const w = form.slice(i, i + WINDOW);
          if (seen.has(w)) continue;
          seen.add(w);
          const h = _hash(w);
          const list = this.#windows.get(h);
          if (list) list.push({ text: w, label });
          else this.#windows.set(h, [{ text: w, label }]);
        }
      }
    }
    short.sort((a, b) => b.length - a.length);
    this.#short = short.length
      ? new RegExp(short.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
      : null;
  }

  mask(text: string): string {
    let out = this.#windows.size > 0 && text.length >= WINDOW ? this.#maskWindows(text) : text;
    if (this.#short) out = out.replace(this.#short, (v) => `[REDACTED:${this.#shortLabel.get(v)}]`);
    return out;
  }

  #maskWindows(text: string): string {
    const spans: { start: number; end: number; label: string }[] = [];
    let h = 0;
    for (let i = 0; i < WINDOW; i++) h = (Math.imul(h, _BASE) + text.charCodeAt(i)) | 0;
    for (let i = 0;; i++) {
      const list = this.#windows.get(h);
      if (list) {
        const hit = list.find((w) => text.startsWith(w.text, i));
        if (hit) {
          const last = spans[spans.length - 1];
          // Overlapping windows are one leak; touching ones are two secrets.
          if (last && i < last.end) last.end = i + WINDOW;
          else spans.push({ start: i, end: i + WINDOW, label: hit.label });
        }
      }
      if (i + WINDOW >= text.length) break;
      h =
        (Math.imul(h - Math.imul(text.charCodeAt(i), _TOP), _BASE) + text.charCodeAt(i + WINDOW)) |
        0;
    }
    return _maskSpans(text, spans, (s) => s.label);
  }
}

const _BASE = 1_000_003;
// _BASE ** (WINDOW - 1), wrapped to 32 bits as the rolling hash is.
const _TOP = (() => {
  let p = 1;
  for (let i = 1; i < WINDOW; i++) p = Math.imul(p, _BASE);
  return p;
})();

function _hash(w: string): number {
  let h = 0;
  for (let i = 0; i < w.length; i++) h = (Math.imul(h, _BASE) + w.charCodeAt(i)) | 0;
  return h;
}

// Replace spans (any order, possibly overlapping) with `[REDACTED:<label>]`.
function _maskSpans<T extends { start: number; end: number }>(
  text: string,
  spans: T[],
  label: (s: T) => string,
): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const s of sorted) {
    if (s.end <= at) continue;
    const start = Math.max(s.start, at);
    out += text.slice(at, start) + `[REDACTED:${label(s)}]`;
    at = s.end;
  }
  return out + text.slice(at);
}
