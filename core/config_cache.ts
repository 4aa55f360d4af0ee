/**
 * The cache of validated configurations that lets `fleet-orch check` skip the
 * YAML parser, the schema and the plugin option checks (most of its start-up)
 * when nothing they depend on changed.
 *
 * An entry is the validated config under a key: the SHA-256 of the config
 * file's bytes, its path, the fleet-orch version and a fingerprint of the code
 * that validated it (the schema, the plugins' option schemas, the pinned
 * dependency versions: {@link sourceFingerprint}). Any change to one of them
 * is a different key, so a stale entry is never used; the caller decides which
 * configs may be cached at all (only those whose validity is a function of
 * that key). An entry that cannot be read or parsed, or that holds anything
 * but plain JSON, is ignored: the config is then validated as if there were
 * no cache.
 *
 * @module
 */

/** Bumped when the layout of an entry changes. */
const FORMAT = 1;

/** The file of the cache, under fleet-orch's folder of the git directory. */
export const CONFIG_CACHE_FILE = "cache/config.json";

/**
 * SHA-256 of some texts and byte arrays, in order, each length-prefixed so two
 * different sequences never hash alike.
 *
 * @param parts The parts.
 * @returns Lower-case hex.
 */
export async function digest(parts: readonly (string | Uint8Array)[]): Promise<string> {
  const enc = new TextEncoder();
  const bytes = parts.map((p) => typeof p === "string" ? enc.encode(p) : p);
  const total = bytes.reduce((n, b) => n + b.length + 9, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const b of bytes) {
    all.set(enc.encode(`${b.length.toString(16).padStart(8, "0")}:`), at);
    all.set(b, at + 9);
    at += b.length + 9;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(hash, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * A fingerprint of source code: every `.ts` file under the given folders and
 * the given files, by path and content. A file that does not exist counts as
 * absent (a lockfile an installation does not ship).
 *
 * @param sources `file:` URLs of folders (ending in `/`) and files.
 * @returns The fingerprint, or null when a folder cannot be read (a compiled
 *   binary without its sources): no fingerprint, no cache.
 */
export async function sourceFingerprint(sources: readonly URL[]): Promise<string | null> {
  const files: URL[] = [];
  const walk = async (dir: URL): Promise<void> => {
    for await (const e of Deno.readDir(dir)) {
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith(".ts")) files.push(new URL(e.name, dir));
    }
  };
  try {
    for (const s of sources) {
      if (s.pathname.endsWith("/")) await walk(s);
      else files.push(s);
    }
  } catch {
    return null;
  }
  files.sort((a, b) => a.href < b.href ? -1 : a.href > b.href ? 1 : 0);
  const contents = await Promise.all(
    files.map((f) => Deno.readFile(f).catch(() => new Uint8Array(0))),
  );
  return await digest(files.flatMap((f, i) => [f.href, contents[i]!]));
}

/**
 * Whether a value survives `JSON.stringify` and `JSON.parse` unchanged:
 * null, booleans, finite numbers, strings, dense arrays and plain objects of
 * those (no `undefined` values, no class instances).
 *
 * @param value The value.
 * @returns True when it is plain JSON.
 */
export function isPlainJson(value: unknown): boolean {
  return _plain(value, 0);
}

function _plain(value: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value) || !_plain(value[i], depth + 1)) return false;
    }
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length) return false;
  return Object.values(value).every((v) => _plain(v, depth + 1));
}

/**
 * The validated config stored under a key, if any.
 *
 * @param file The cache file.
 * @param key The key of the config wanted.
 * @returns The config, or null: no entry, another key, or an unreadable,
 *   corrupt or non-JSON entry (each ignored alike).
 */
export async function readConfigCache(file: string, key: string): Promise<unknown> {
  try {
    const entry = JSON.parse(await Deno.readTextFile(file)) as Record<string, unknown> | null;
    if (entry?.format !== FORMAT || entry.key !== key) return null;
    const config = entry.config;
    if (config === null || typeof config !== "object" || Array.isArray(config)) return null;
    return isPlainJson(config) ? config : null;
  } catch {
    // Missing, unreadable or not JSON: validate the config as without a cache.
    return null;
  }
}

/**
 * Store a validated config under its key, replacing the entry there. Written
 * to a temporary file and renamed, so a reader sees the old entry or the new
 * one, never half of one. Best effort: a config that is not plain JSON is not
 * stored, and a failure to write leaves the cache as it was.
 *
 * @param file The cache file.
 * @param key The config's key.
 * @param config The validated config.
 * @returns Whether it was stored.
 */
export async function writeConfigCache(
  file: string,
  key: string,
  config: unknown,
): Promise<boolean> {
  if (!isPlainJson(config)) return false;
  const dir = file.slice(0, file.lastIndexOf("/"));
  const tmp = `${file}.${Deno.pid}.tmp`;
  try {
    await Deno.mkdir(dir, { recursive: true });
    // Owner-only, like the run folders: a config may hold literal values.
    await Deno.writeTextFile(tmp, JSON.stringify({ format: FORMAT, key, config }) + "\n", {
      mode: 0o600,
    });
    await Deno.rename(tmp, file);
    return true;
  } catch {
    // A cache that cannot be written costs the next check its speed, nothing else.
    await Deno.remove(tmp).catch(() => {});
    return false;
  }
}
