/**
 * Builds the clean corpus: consecutive published versions of MIT-licensed
 * npm packages (fetched with `npm pack` into a temp dir, never committed),
 * diffed file by file with jsdiff and split into single-hunk cases.
 *
 * @module
 */

import { join, relative } from "node:path";
import { applyPatch as jsApply, structuredPatch } from "diff";
import type { ShellExecutor } from "../core/exec.ts";
import type { CleanCase } from "./patch_damage.ts";

/** Package version chains: each consecutive pair is one "commit". */
export const SOURCES: { name: string; versions: string[] }[] = [
  { name: "commander", versions: ["11.0.0", "11.1.0", "12.0.0", "12.1.0"] },
  { name: "express", versions: ["4.19.2", "4.20.0", "4.21.0", "4.21.1"] },
  { name: "ajv", versions: ["8.12.0", "8.13.0", "8.14.0"] },
  { name: "zod", versions: ["3.23.8", "3.24.0", "3.24.1"] },
];

const TEXT_EXT = /\.(js|mjs|cjs|ts|mts|cts|md|json)$/;

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) out.push(...await listFiles(root, p));
    else if (e.isFile && TEXT_EXT.test(e.name)) out.push(relative(root, p));
  }
  return out.sort();
}

/** Reasonable source text: not minified, not huge, not a source map. */
function usable(text: string): boolean {
  const lines = text.split("\n");
  return lines.length <= 4000 && lines.every((l) => l.length <= 300) && !text.includes("\0");
}

/**
 * Download (cached under `cacheDir`) and unpack one package version.
 *
 * @param exec The executor all processes go through.
 * @param cacheDir Where tarballs and unpacked trees live.
 * @param name Package name.
 * @param version Exact version.
 * @returns The unpacked package root.
 * @throws {Error} When npm or tar fails.
 */
export async function fetchVersion(
  exec: ShellExecutor,
  cacheDir: string,
  name: string,
  version: string,
): Promise<string> {
  const dir = join(cacheDir, `${name}-${version}`);
  const root = join(dir, "package");
  try {
    await Deno.stat(join(root, "package.json"));
    return root;
  } catch {
    // not cached yet
  }
  await Deno.mkdir(dir, { recursive: true });
  const pack = await exec.runArgv(
    ["npm", "pack", `${name}@${version}`, "--silent", "--pack-destination", dir],
    { cwd: dir, timeoutMs: 120_000 },
  );
  if (pack.code !== 0) throw new Error(`npm pack ${name}@${version} failed: ${pack.output}`);
  const tgz = pack.output.trim().split("\n").pop()!.trim();
  const tar = await exec.runArgv(["tar", "xzf", join(dir, tgz), "-C", dir], { cwd: dir });
  if (tar.code !== 0) throw new Error(`tar failed for ${tgz}: ${tar.output}`);
  return root;
}

function headerNumbers(h: { oldStart: number; oldLines: number; newLines: number }) {
  // A single hunk applied alone starts at the same place on both sides.
  const newStart = h.oldStart + (h.oldLines === 0 ? 1 : 0) - (h.newLines === 0 ? 1 : 0);
  return { oldStart: h.oldStart, newStart: Math.max(newStart, 0) };
}

/**
 * Clean single-hunk cases between two unpacked versions.
 *
 * @param label Id prefix (package and versions).
 * @param oldRoot Older package root.
 * @param newRoot Newer package root.
 * @returns The cases, in a stable order.
 * @throws {Error} When jsdiff cannot reproduce the new file (a corpus bug).
 */
export async function casesBetween(
  label: string,
  oldRoot: string,
  newRoot: string,
): Promise<CleanCase[]> {
  const oldFiles = new Set(await listFiles(oldRoot));
  const newFiles = new Set(await listFiles(newRoot));
  const all = [...new Set([...oldFiles, ...newFiles])].sort();
  const cases: CleanCase[] = [];
  for (const path of all) {
    const before = oldFiles.has(path) ? await Deno.readTextFile(join(oldRoot, path)) : null;
    const after = newFiles.has(path) ? await Deno.readTextFile(join(newRoot, path)) : null;
    if (before === after) continue;
    if ((before !== null && !usable(before)) || (after !== null && !usable(after))) continue;
    if (before === null || after === null) {
      const text = (before ?? after)!;
      const lines = text.split("\n");
      const noEol = !text.endsWith("\n");
      if (noEol === false) lines.pop();
      if (lines.length === 0 || lines.length > 150) continue;
      const sign = before === null ? "+" : "-";
      const body = lines.map((l) => sign + l);
      if (noEol) body.push("\\ No newline at end of file");
      cases.push({
        id: `${label}:${path}:whole`,
        path,
        kind: before === null ? "create" : "delete",
        oldStart: before === null ? 0 : 1,
        oldLines: before === null ? 0 : lines.length,
        newStart: before === null ? 1 : 0,
        newLines: before === null ? lines.length : 0,
        lines: body,
        before,
        after,
      });
      continue;
    }
    const sp = structuredPatch(path, path, before, after, "", "", { context: 3 });
    if (jsApply(before, sp) !== after) throw new Error(`jsdiff round trip failed for ${path}`);
    for (const [i, h] of sp.hunks.entries()) {
      const single = { ...sp, hunks: [h] };
      const expected = jsApply(before, single);
      if (expected === false) throw new Error(`jsdiff cannot apply hunk ${i + 1} of ${path}`);
      cases.push({
        id: `${label}:${path}:${String(i + 1).padStart(3, "0")}`,
        path,
        kind: "modify",
        ...headerNumbers(h),
        oldLines: h.oldLines,
        newLines: h.newLines,
        lines: h.lines,
        before,
        after: expected,
      });
    }
    if (sp.hunks.length >= 2) {
      // The whole file's change as one multi-hunk diff, as a model would write it.
      const [first, ...rest] = sp.hunks;
      cases.push({
        id: `${label}:${path}:all`,
        path,
        kind: "multi",
        oldStart: first!.oldStart,
        oldLines: first!.oldLines,
        newStart: first!.newStart,
        newLines: first!.newLines,
        lines: [
          ...first!.lines,
          ...rest.flatMap((h) => [
            `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`,
            ...h.lines,
          ]),
        ],
        before,
        after,
      });
    }
  }
  return cases;
}
