/**
 * Every built-in plugin, imported statically so `deno compile` embeds them.
 * A test checks this list against the plugin folders.
 *
 * @module
 */

import type { PluginDefinition } from "../core/plugin.ts";
import { openaiProvider } from "./llm/openai.ts";
import { builtinVerifiers } from "./verifiers/mod.ts";
import { builtinVcs } from "./vcs/mod.ts";
import { builtinNotifiers } from "./notifiers/mod.ts";
import { builtinFixers } from "./fixers/mod.ts";

/** The built-in plugins of every kind. */
export const builtinPlugins: readonly PluginDefinition[] = [
  openaiProvider as PluginDefinition,
  ...builtinVcs as PluginDefinition[],
  ...builtinVerifiers as PluginDefinition[],
  ...builtinNotifiers as PluginDefinition[],
  ...builtinFixers as PluginDefinition[],
];
