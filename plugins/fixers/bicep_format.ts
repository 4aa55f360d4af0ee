/**
 * Recipe: a Bicep formatting gate failed, so run `bicep format` (or
 * `az bicep format`) on the gate's files, writing them in place, and propose
 * the diff.
 *
 * Bicep's formatter has no check mode. A formatting gate either prints the
 * formatted text and compares it (`bicep format --stdout main.bicep | diff
 * -u main.bicep -`) or formats and asks git (`bicep format main.bicep && git
 * diff --exit-code`). The recipe runs the gate's own `bicep format` command
 * without `--stdout`, `--outfile` and `--outdir`, so it writes the files
 * themselves. It never fires when bicep reported a diagnostic (`BCP…`, a
 * linter rule): formatting fixes none of them.
 *
 * @module
 */

import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import type { Failure, GateResult } from "../../core/types.ts";
import { findToolSync, type ToolMatcher } from "./_command.ts";
import { defineWriterFixer, type WriterOptions, writerOptions } from "./_writer.ts";

/** Base name of a command word. */
function _base(word: string | undefined): string {
  return word === undefined ? "" : word.slice(word.lastIndexOf("/") + 1).replace(/\.exe$/, "");
}

/**
 * Recognises `bicep format …` and `az bicep format …`.
 *
 * @param argv A simple command's words.
 * @returns Index of format's first argument, or -1.
 */
export const bicepFormatMatcher: ToolMatcher = (argv) => {
  const first = _base(argv[0]);
  if (first === "bicep") return argv[1] === "format" ? 2 : -1;
  if (first === "az") return argv[1] === "bicep" && argv[2] === "format" ? 3 : -1;
  return -1;
};

/** Options that send the formatted text elsewhere than the file itself. */
function _drop(word: string): boolean | "with-value" {
  if (word === "--stdout") return true;
  if (word === "--outfile" || word === "--outdir") return "with-value";
  return /^--out(?:file|dir)=/.test(word);
}

/** A bicep diagnostic in the output: `file.bicep(3,7) : Error BCP018: …`. */
const _DIAGNOSTIC = /\.bicep(?:param)?\(\d+,\d+\) : (?:Error|Warning) /;

const _writer = defineWriterFixer({
  name: "bicep-format",
  description: "Runs bicep format (the gate's files, in place) when a Bicep formatting gate fails",
  tools: ["bicep-format"],
  matcher: bicepFormatMatcher,
  drop: _drop,
  insert: [],
  directCheckApplies: false,
  signature: /(?!)/,
  hopeless: _DIAGNOSTIC,
  fallback: (files) => ["bicep", "format", ...files],
  verb: "Formatted",
});

/**
 * Whether the recipe applies: the gate failed, runs `bicep format` or
 * `az bicep format`, and no bicep diagnostic or ARM error was reported.
 *
 * @param failures The gate's parsed failures.
 * @param gate The gate result.
 * @returns True when formatting can make the gate pass.
 */
export function bicepFormatApplies(failures: Failure[], gate: GateResult): boolean {
  if (gate.status !== "failed" || gate.command === undefined) return false;
  if (failures.some((f) => f.tool === "bicep") || _DIAGNOSTIC.test(gate.output)) return false;
  return findToolSync(gate.command, bicepFormatMatcher) !== null;
}

/** Formats Bicep files with `bicep format` when a formatting gate fails. */
export const bicepFormatFixer: PluginDefinition<"fixer", WriterOptions> = definePlugin({
  kind: "fixer",
  name: _writer.name,
  description: _writer.description,
  options: writerOptions,
  create: async (options, context) => {
    const writer = await _writer.create(options, context);
    return { applies: bicepFormatApplies, fix: (input) => writer.fix(input) };
  },
});
