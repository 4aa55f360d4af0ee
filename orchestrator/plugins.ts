/**
 * The plugin listing behind `fleet-orch plugins`.
 *
 * @module
 */

import type { PluginInfo } from "../core/registry.ts";
import { PluginRegistry } from "../core/registry.ts";
import { builtinPlugins } from "../plugins/builtins.ts";
import { openRuntime } from "./runtime.ts";

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
    if (!options.config && /not inside a git repository/.test((e as Error).message)) {
      return new PluginRegistry({ builtins: builtinPlugins }).list();
    }
    throw e;
  }
}
