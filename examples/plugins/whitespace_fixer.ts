/**
 * An example fixer plugin (a deterministic recipe): removes trailing
 * whitespace from the lines a gate reported, as a unified diff. It answers
 * the `trailing-whitespace` failures of the exec gate example
 * (`exec_gate.py`). The diff still goes through the policy engine and the
 * reviewer like any patch.
 *
 * ```yaml
 * fixers:
 *   - uses: ./examples/plugins/whitespace_fixer.ts
 * ```
 *
 * @module
 */

import { join } from "node:path";
import { definePlugin, type Failure, optionsSchema, z } from "../../plugin.ts";

// exec_gate.py names the check in `tool`; other gates may use `code`.
const isOurs = (f: Failure, check: string) =>
  (f.code === check || f.tool === check) && f.file !== undefined;

/** The plugin: a `fixer` named `trailing-whitespace`. */
export default definePlugin({
  kind: "fixer",
  name: "trailing-whitespace",
  description: "Removes trailing whitespace from the lines a gate reported",
  options: optionsSchema({
    /** The failure code this recipe answers. @default "trailing-whitespace" */
    code: z.string().min(1).default("trailing-whitespace"),
  }),
  create: (options) => ({
    applies: (failures) => failures.some((f) => isOurs(f, options.code)),
    fix: async ({ cwd, failures }) => {
      const byFile = new Map<string, Set<number>>();
      for (const f of failures.filter((f) => isOurs(f, options.code))) {
        const lines = byFile.get(f.file!) ?? new Set<number>();
        if (f.line !== undefined) lines.add(f.line);
        byFile.set(f.file!, lines);
      }
      const parts: string[] = [];
      for (const [file, wanted] of byFile) {
        const lines = (await Deno.readTextFile(join(cwd, file))).split("\n");
        const hunks: string[] = [];
        lines.forEach((text, i) => {
          const fixed = text.replace(/[ \t]+$/, "");
          // One single-line hunk per line: no context to get wrong.
          if (fixed !== text && (wanted.size === 0 || wanted.has(i + 1))) {
            hunks.push(`@@ -${i + 1},1 +${i + 1},1 @@\n-${text}\n+${fixed}\n`);
          }
        });
        if (hunks.length) parts.push(`--- a/${file}\n+++ b/${file}\n${hunks.join("")}`);
      }
      if (!parts.length) return null;
      return {
        source: "trailing-whitespace",
        diff: parts.join(""),
        summary: `Remove trailing whitespace in ${byFile.size} file(s)`,
        calls: [],
      };
    },
  }),
});
