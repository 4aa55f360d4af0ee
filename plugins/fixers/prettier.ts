/**
 * Recipe: `prettier --check` failed, so run prettier with `--write` and the
 * gate's own arguments (or on the files prettier reported).
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { toolMatcher } from "./_command.ts";
import { defineWriterFixer, type WriterOptions } from "./_writer.ts";

const _CHECK = new Set(["--check", "-c", "--list-different", "-l"]);

/** Formats with prettier when `prettier --check` fails. */
export const prettierFixer: PluginDefinition<"fixer", WriterOptions> = defineWriterFixer({
  name: "prettier",
  description: "Runs prettier --write (the gate's arguments) when prettier --check fails",
  tools: ["prettier"],
  matcher: toolMatcher(["prettier"]),
  drop: (w) => _CHECK.has(w),
  insert: ["--write"],
  directCheckApplies: true,
  signature:
    /Code style issues (?:were )?found|Run Prettier with --write to fix|Forgot to run Prettier\?/,
  fallback: (files) => ["npx", "prettier", "--write", ...files],
  verb: "Formatted",
});
