/**
 * Recipe: `black --check` failed, so run black with the same paths and
 * flags, without `--check` and `--diff`.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { toolMatcher } from "./_command.ts";
import { defineWriterFixer, type WriterOptions } from "./_writer.ts";

const _CHECK = new Set(["--check", "--diff"]);

/** Formats with black when `black --check` fails. */
export const blackFixer: PluginDefinition<"fixer", WriterOptions> = defineWriterFixer({
  name: "black",
  description: "Runs black (the gate's paths and flags) when black --check fails",
  tools: ["black"],
  matcher: toolMatcher(["black"], { pythonModule: "black" }),
  drop: (w) => _CHECK.has(w),
  insert: [],
  directCheckApplies: true,
  signature: /^would reformat |\d+ files? would be reformatted/m,
  fallback: (files) => ["black", ...files],
  verb: "Formatted",
});
