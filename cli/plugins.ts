/**
 * `fleet-orch plugins`: list the built-in plugins and those the configuration
 * loads (module and exec plugins included).
 *
 * @module
 */

import { guard, parseFlags } from "./_common.ts";
import { listPlugins } from "../orchestrator/plugins.ts";

/** Help text. */
export const help = `Usage: fleet-orch plugins [options]

List the plugins: built-ins, and the module (uses: ./x.ts) and exec
(uses: exec:CMD) plugins named in the config's "plugins:" list.

Options:
  --config F   Config file (default: fleet-orch.yaml at the repository root, if any)
  --repo DIR   Repository (default: the git repository around the current directory)
  --json       Print a JSON array on stdout

Exit codes: 0 listed; 2 usage or config error.`;

/**
 * Run the command.
 *
 * @param args Arguments after "plugins".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values } = parseFlags(args, {
      config: { type: "string" },
      repo: { type: "string" },
      json: { type: "boolean" },
    }, "plugins");
    const rows = await listPlugins({ config: values.config, repo: values.repo });
    if (values.json) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    const w = Math.max(...rows.map((r) => r.name.length), 4);
    let kind = "";
    for (const r of rows) {
      if (r.kind !== kind) {
        kind = r.kind;
        console.log(`${kind}:`);
      }
      const src = r.source === "builtin" ? "" : `  [${r.source}: ${r.uses}]`;
      console.log(`  ${r.name.padEnd(w)}  ${r.description}${src}`);
    }
    return 0;
  });
}
