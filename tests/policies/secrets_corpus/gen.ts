// Synthetic credentials for the secret-detection tests and corpus: every
// value is drawn from a seeded generator with the format's alphabet, length
// and checksum, so nothing here was ever a real credential (and the file
// itself holds none: tokens exist only at run time).
import { base62, crc32 } from "../../../policies/secret_formats.ts";

/** A seeded generator (mulberry32) so test data is the same on every run. */
export class Gen {
  #s: number;
  constructor(seed: number) {
    this.#s = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** `n` characters of an alphabet. */
  str(n: number, alphabet: string): string {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
  /** `n` base62 characters. */
  alnum(n: number): string {
    return this.str(n, ALNUM);
  }
  /** `n` lower-case hex digits. */
  hex(n: number): string {
    return this.str(n, HEX);
  }
  /** `n` base64url characters. */
  b64url(n: number): string {
    return this.str(n, ALNUM + "-_");
  }
  /** `n` base64 characters. */
  b64(n: number): string {
    return this.str(n, ALNUM + "+/");
  }
  /** `n` decimal digits (the first not zero). */
  digits(n: number): string {
    return this.str(1, "123456789") + this.str(n - 1, "0123456789");
  }
  /** A random UUID v4. */
  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[this.int(4)]}${
      h.slice(17, 20)
    }-${h.slice(20)}`;
  }
  /** A GitHub-style token: prefix, 30 base62, base62(CRC-32) of those 30 in 6. */
  crcToken(prefix: string): string {
    const body = this.alnum(30);
    return prefix + body + base62(crc32(body), 6);
  }
  /** A JWT with a real JSON header and payload and a random signature. */
  jwt(): string {
    const enc = (o: unknown) =>
      btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const alg = this.pick(["HS256", "RS256", "ES256"]);
    return `${enc({ alg, typ: "JWT" })}.${
      enc({ sub: `user-${this.int(99999)}`, iat: 1700000000 + this.int(9999999) })
    }.${this.b64url(43)}`;
  }
  /** A password a person might pick: word, digits, symbol, mixed case. */
  password(): string {
    const w = this.pick(["Harbor", "Falcon", "Mosaic", "Tundra", "Quartz", "Velvet", "Cobalt"]);
    return `${w}${this.str(2, "0123456789")}${this.str(1, "!#%&*@^")}${this.str(3, LOWER)}${
      this.str(2, UPPER)
    }`;
  }
}

/** Upper-case letters. */
export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** Lower-case letters. */
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
/** Base62. */
export const ALNUM = UPPER + LOWER + "0123456789";
/** Hex digits. */
export const HEX = "0123456789abcdef";
/** The base32 alphabet of AWS key ids. */
export const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
/** The Bech32 alphabet of age keys (upper-case). */
export const BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
