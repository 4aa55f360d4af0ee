/**
 * Built-in notifier plugins, for the registry.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { slackNotifier } from "./slack.ts";
import { teamsNotifier } from "./teams.ts";

export { createSlack, slackNotifier, SlackOptionsSchema, slackPayload } from "./slack.ts";
export type { SlackOptions } from "./slack.ts";
export { createTeams, teamsNotifier, TeamsOptionsSchema, teamsPayload } from "./teams.ts";
export type { TeamsOptions } from "./teams.ts";
export { simplifyMarkdown } from "./_webhook.ts";

/** Every built-in notifier, for the registry. */
export const builtinNotifiers: PluginDefinition<"notifier">[] = [slackNotifier, teamsNotifier];
