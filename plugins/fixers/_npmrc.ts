/**
 * Reading and editing `.npmrc` (ini: `key=value` lines, `;` or `#`
 * comments) without disturbing the lines a recipe does not touch.
 *
 * @module
 */

import { join } from "node:path";

function _keyOf(line: string): string | undefined {
  const t = line.trim();
  if (t === "" || t.startsWith(";") || t.startsWith("#")) return undefined;
  const eq = t.indexOf("=");
  return eq < 0 ? t : t.slice(0, eq).trim();
}

/**
 * The value of a top-level key (the last one wins, as in npm).
 *
 * @param text The .npmrc content.
 * @param key The key.
 * @returns The value, trimmed, or undefined when the key is absent.
 */
export function getNpmrc(text: string, key: string): string | undefined {
  let value: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().startsWith("[")) break; // keys after a section belong to it
    if (_keyOf(line) === key) value = line.slice(line.indexOf("=") + 1).trim();
  }
  return value;
}

/**
 * Set a top-level key: replace every line that sets it, or append one.
 *
 * @param text The .npmrc content ("" for a new file).
 * @param key The key.
 * @param value The value.
 * @returns The new content, ending with a newline.
 */
export function setNpmrc(text: string, key: string, value: string): string {
  const lines = text === "" ? [] : text.replace(/\r?\n$/, "").split(/\r?\n/);
  let replaced = false;
  let sectionAt = lines.length;
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (sectionAt === lines.length && line.trim().startsWith("[")) sectionAt = i;
    if (i < sectionAt && _keyOf(line) === key) {
      if (!replaced) out.push(`${key}=${value}`);
      replaced = true;
      continue;
    }
    out.push(line);
  }
  if (!replaced) {
    // Insert before the first [section] so npm reads it as a top-level key.
    const at = out.findIndex((l) => l.trim().startsWith("["));
    out.splice(at < 0 ? out.length : at, 0, `${key}=${value}`);
  }
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return out.join(eol) + eol;
}

/**
 * Read `dir/.npmrc`.
 *
 * @param dir The project directory.
 * @returns The content, or "" when the file does not exist.
 */
export async function readNpmrc(dir: string): Promise<string> {
  try {
    return await Deno.readTextFile(join(dir, ".npmrc"));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "";
    throw e;
  }
}
