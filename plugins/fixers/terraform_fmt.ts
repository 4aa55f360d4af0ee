/**
 * Recipe: `terraform fmt -check` (or `tofu fmt -check`) failed because files
 * are not in canonical format, so run `terraform fmt` with the same
 * directory, `-recursive` and other arguments, without `-check`, `-diff` and
 * `-write=false`, and propose the diff.
 *
 * It never fires for other terraform failures: a syntax error makes
 * `terraform fmt -check` fail too (exit 2 with an `Error:` diagnostic), and
 * formatting cannot fix that, so the model gets it.
 *
 * @module
 */

import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import type { Failure, GateResult } from "../../core/types.ts";
import { findToolSync, type ToolMatcher } from "./_command.ts";
import { defineWriterFixer, type WriterOptions, writerOptions } from "./_writer.ts";

const _TOOLS = new Set(["terraform", "tofu"]);

/** Flags that make fmt check or print instead of writing. */
const _CHECK = /^--?(?:check|diff)(?:=true)?$|^--?write=false$/;

/** An `Error:` diagnostic of terraform: fmt met a file it cannot parse. */
const _SYNTAX_ERROR = /^(?:[│|]\s*)?Error: /m;

/** Base name of a command word (`/usr/local/bin/terraform` -> `terraform`). */
function _base(word: string | undefined): string {
  return word === undefined ? "" : word.slice(word.lastIndexOf("/") + 1).replace(/\.exe$/, "");
}

/**
 * Recognises `terraform [global options] fmt …` (global options such as
 * `-chdir=infra` come before the subcommand) and `tofu fmt …`.
 *
 * @param argv A simple command's words.
 * @returns Index of fmt's first argument, or -1.
 */
export const terraformFmtMatcher: ToolMatcher = (argv) => {
  if (!_TOOLS.has(_base(argv[0]))) return -1;
  let i = 1;
  while (argv[i]?.startsWith("-")) i++;
  return argv[i] === "fmt" ? i + 1 : -1;
};

/** The writer recipe the applies-check below narrows. */
const _writer = defineWriterFixer({
  name: "terraform-fmt",
  description:
    "Runs terraform fmt (the gate's directory and flags) when terraform fmt -check fails",
  tools: ["terraform-fmt"],
  matcher: terraformFmtMatcher,
  drop: (w) => _CHECK.test(w),
  insert: [],
  directCheckApplies: true,
  // fmt -check prints only file names: nothing in the output is its own.
  signature: /(?!)/,
  hopeless: _SYNTAX_ERROR,
  fallback: (files) => ["terraform", "fmt", ...files],
  verb: "Formatted",
});

/**
 * Whether the recipe applies: the gate failed and either the parser listed
 * unformatted files (tool `terraform-fmt`) or the gate runs
 * `terraform fmt -check`; never when terraform reported an error diagnostic
 * (a syntax error, an unknown block: formatting cannot fix those).
 *
 * @param failures The gate's parsed failures.
 * @param gate The gate result.
 * @returns True when running terraform fmt can make the gate pass.
 */
export function terraformFmtApplies(failures: Failure[], gate: GateResult): boolean {
  if (gate.status !== "failed") return false;
  if (failures.some((f) => f.tool === "terraform" || f.tool === "tflint")) return false;
  if (_SYNTAX_ERROR.test(gate.output)) return false;
  if (failures.some((f) => f.tool === "terraform-fmt")) return true;
  if (gate.command === undefined) return false;
  const inv = findToolSync(gate.command, terraformFmtMatcher);
  return inv !== null && inv.words.slice(inv.argStart).some((w) => _CHECK.test(w.value));
}

/** Formats with `terraform fmt` when `terraform fmt -check` fails. */
export const terraformFmtFixer: PluginDefinition<"fixer", WriterOptions> = definePlugin({
  kind: "fixer",
  name: _writer.name,
  description: _writer.description,
  options: writerOptions,
  create: async (options, context) => {
    const writer = await _writer.create(options, context);
    return { applies: terraformFmtApplies, fix: (input) => writer.fix(input) };
  },
});
