/**
 * An example gate plugin: fails when a file under the worktree contains a
 * marker (`FIXME` by default), one failure per line, each with a stable
 * fingerprint so the fix loop can tell a fixed failure from a new one.
 *
 * ```yaml
 * steps:
 *   - id: no-fixme
 *     uses: ./examples/plugins/marker_gate.ts
 *     with:
 *       marker: FIXME
 *       extensions: [".ts", ".py"]
 * ```
 *
 * @module
 */

import { join, relative } from "node:path";
import { definePlugin, type Failure, fingerprintOf, optionsSchema, z } from "../../plugin.ts";

/** Folders never searched: dependencies and version control. */
const SKIP = new Set([".git", "node_modules", "dist", "vendor"]);

async function* files(root: string, dir: string, extensions: string[]): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory && !SKIP.has(e.name)) yield* files(root, path, extensions);
    else if (e.isFile && extensions.some((x) => e.name.endsWith(x))) yield path;
  }
}

/** The plugin: `uses: ./examples/plugins/marker_gate.ts`. */
export default definePlugin({
  kind: "gate",
  name: "marker",
  description: "Fails when a source file contains a marker such as FIXME",
  options: optionsSchema({
    /** The text that must not appear. @default "FIXME" */
    marker: z.string().min(1).default("FIXME"),
    /** File name endings searched. @default [".ts", ".js", ".py"] */
    extensions: z.array(z.string().min(1)).min(1).default([".ts", ".js", ".py"]),
  }),
  create: (options) => ({
    run: async ({ cwd, signal }) => {
      const failures: Failure[] = [];
      for await (const path of files(cwd, cwd, options.extensions)) {
        signal?.throwIfAborted();
        const file = relative(cwd, path);
        const lines = (await Deno.readTextFile(path)).split("\n");
        lines.forEach((text, i) => {
          const column = text.indexOf(options.marker);
          if (column < 0) return;
          const message = `${options.marker} left in the code`;
          failures.push({
            gate: "marker",
            tool: "marker",
            file,
            line: i + 1,
            column: column + 1,
            message,
            excerpt: text.trim(),
            // Not the line number: code above the marker may move it.
            fingerprint: fingerprintOf("marker", file, text.trim()),
          });
        });
      }
      const output = failures.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message}`)
        .join("\n");
      return { ok: failures.length === 0, output: output || "no markers", failures };
    },
  }),
});
