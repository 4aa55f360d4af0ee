/**
 * `fleet-orch patch apply`: apply a unified diff (or a whole model reply that
 * contains one) tolerantly, all files or none.
 *
 * @module
 */

import { EXIT, guard, parseFlags, readInput, unknownSubcommand } from "./_common.ts";
import { messageOf, UsageError } from "../core/errors.ts";
import { applyPatch } from "../patch/patch.ts";

/** Help text. */
export const help = `Usage: fleet-orch patch apply [--cwd DIR] [--check] [--json] <diff-file|->

Apply a unified diff, or a model reply containing one (prose and code fences
are fine), to the files under DIR. Each hunk is located exactly at its line,
then anywhere (line numbers and counts ignored), then ignoring whitespace, then
fuzzily (one context line missing or altered); only an unambiguous place is
accepted. Either every file is written or none is.

Options:
  --cwd DIR   Directory the diff's paths are relative to (default: current directory)
  --check     Only check that the patch applies; write nothing
  --json      Print the result as JSON on stdout
  -h, --help  Show this help

Exit codes: 0 applied (or would apply, with --check); 1 not applicable (the
reason names the file and hunk); 2 usage error.`;

/**
 * Run the command.
 *
 * @param args Arguments after "patch".
 * @returns The exit code: 0 applied, 1 not applicable, 2 usage.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values, positionals } = parseFlags(args, {
      cwd: { type: "string" },
      check: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    }, "patch");
    if (values.help) {
      console.log(help);
      return EXIT.ok;
    }
    const [sub, input, ...extra] = positionals;
    if (sub !== "apply") {
      throw unknownSubcommand("patch", sub, ["apply"]);
    }
    if (input === undefined) throw new UsageError(`Missing the diff file (or "-" for stdin)`);
    if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`);
    const diff = await readInput(input);
    const cwd = values.cwd ?? Deno.cwd();
    try {
      if (!(await Deno.stat(cwd)).isDirectory) throw new Error("not a directory");
    } catch (e) {
      throw new UsageError(`--cwd "${cwd}" is not a usable directory: ${messageOf(e)}`);
    }
    const check = values.check ?? false;
    const result = await applyPatch(diff, { cwd, check });
    if (values.json) console.log(JSON.stringify(result, null, 2));
    if (!result.ok) {
      console.error(`error: Patch not applied: ${result.error}`);
      return EXIT.failed;
    }
    if (!values.json) {
      const verb = check ? "would apply" : "applied";
      for (const f of result.files) {
        const hunks = f.hunks.map((h) => `#${h.index} ${h.strategy}@${h.line}`).join(", ");
        console.log(`${verb}: ${f.status} ${f.path}${hunks ? ` (${hunks})` : ""}`);
      }
    }
    return EXIT.ok;
  });
}

if (import.meta.main) Deno.exit(await run(Deno.args));
