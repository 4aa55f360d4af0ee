/**
 * Recipe: eslint reported errors that it can fix itself, so run the gate's
 * eslint command with `--fix`. The diff holds only what eslint changed;
 * errors it cannot fix are left to the model.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { toolMatcher } from "./_command.ts";
import { defineWriterFixer, type WriterOptions } from "./_writer.ts";

/** Runs `eslint --fix` when eslint errors are fixable. */
export const eslintFixer: PluginDefinition<"fixer", WriterOptions> = defineWriterFixer({
  name: "eslint-fix",
  description: "Runs the gate's eslint command with --fix when eslint reports fixable problems",
  tools: ["eslint"],
  matcher: toolMatcher(["eslint"]),
  // A dry run would print the fixes instead of writing them.
  drop: (w) => w === "--fix-dry-run",
  insert: ["--fix"],
  directCheckApplies: false,
  signature: /potentially fixable with the `--fix` option/,
  // The stylish summary says how many problems are fixable; none means --fix cannot help.
  hopeless:
    /✖ \d+ problems? \(\d+ errors?, \d+ warnings?\)(?![\s\S]*fixable with the `--fix` option)/,
  fallback: (files) => ["npx", "eslint", "--fix", ...files],
  verb: "Fixed lint errors in",
});
