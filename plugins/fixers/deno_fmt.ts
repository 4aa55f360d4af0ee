/**
 * Recipe: `deno fmt --check` failed, so run `deno fmt` with the same paths
 * and flags.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { toolMatcher } from "./_command.ts";
import { defineWriterFixer, type WriterOptions } from "./_writer.ts";

const _CHECK = new Set(["--check", "--fail-fast"]);

/** Formats with `deno fmt` when `deno fmt --check` fails. */
export const denoFmtFixer: PluginDefinition<"fixer", WriterOptions> = defineWriterFixer({
  name: "deno-fmt",
  description: "Runs deno fmt (the gate's paths and flags) when deno fmt --check fails",
  tools: ["deno-fmt", "deno fmt"],
  matcher: toolMatcher(["deno"], { subcommand: "fmt" }),
  drop: (w) => _CHECK.has(w),
  insert: [],
  directCheckApplies: true,
  signature: /Found \d+ not formatted files?/,
  fallback: (files) => ["deno", "fmt", ...files],
  verb: "Formatted",
});
