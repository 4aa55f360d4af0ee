/**
 * Built-in notifier plugins, for the registry.
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { slackNotifier } from "./slack.ts";
import { teamsNotifier } from "./teams.ts";
import { webhookNotifier } from "./webhook.ts";

export { createSlack, slackNotifier, SlackOptionsSchema, slackPayload } from "./slack.ts";
export type { SlackOptions } from "./slack.ts";
export { createTeams, teamsNotifier, TeamsOptionsSchema, teamsPayload } from "./teams.ts";
export type { TeamsOptions } from "./teams.ts";
export {
  createWebhook,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
  webhookNotifier,
  WebhookOptionsSchema,
  webhookPayload,
} from "./webhook.ts";
export type { WebhookOptions } from "./webhook.ts";
export { DEFAULT_RETRY, retryDelayMs, simplifyMarkdown, TEAMS_MAX_BYTES } from "./_webhook.ts";
export type { NotifierDeps, RetryPolicy } from "./_webhook.ts";

/** Every built-in notifier, for the registry. */
export const builtinNotifiers: PluginDefinition<"notifier">[] = [
  slackNotifier,
  teamsNotifier,
  webhookNotifier,
];
