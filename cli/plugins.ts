/**
 * `fleet-orch plugins`: list the built-in plugins and those the configuration
 * loads (module and exec plugins included).
 *
 * @module
 */

import { guard, parseFlags } from "./_common.ts";
import type { PluginInfo } from "../core/registry.ts";
import { PluginRegistry } from "../core/registry.ts";
import { builtinPlugins } from "../plugins/builtins.ts";
import { openRuntime } from "../orchestrator/runtime.ts";
import { messageOf } from "../core/errors.ts";

/**
 * Built-ins plus the plugins the config loads. Outside a git repository (or
 * with no config) only the built-ins are listed.
 *
 * @param options `--config` and `--repo`.
 * @returns The rows.
 * @throws {ConfigError} When the config or a plugin reference is invalid.
 */
export async function listPlugins(
  options: { config?: string | undefined; repo?: string | undefined },
): Promise<PluginInfo[]> {
  try {
    const rt = await openRuntime({ ...options, configOptional: true });
    const rows = rt.registry.list();
    await rt.close();
    return rows;
  } catch (e) {
    if (!options.config && /not inside a git repository|no working tree/.test(messageOf(e))) {
      return new PluginRegistry({ builtins: builtinPlugins }).list();
    }
    throw e;
  }
}

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
    const { values } = parseFlags(
      args,
      {
        config: { type: "string" },
        repo: { type: "string" },
        json: { type: "boolean" },
      },
      "plugins",
      { positionals: false },
    );
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
