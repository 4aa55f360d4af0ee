/**
 * The Slack notifier (`uses: slack`): posts the run summary to an incoming
 * webhook as Block Kit blocks.
 *
 * @module
 */

import { z } from "zod";
import {
  definePlugin,
  type NotifierPlugin,
  type PluginContext,
  type RunSummary,
} from "../../core/plugin.ts";
import { type NotifierDeps, postJson, simplifyMarkdown, webhookUrl } from "./_webhook.ts";

/** Options of the `slack` notifier (`with:`). */
export const SlackOptionsSchema = z.object({
  /** Environment variable holding the webhook URL. @default "SLACK_WEBHOOK_URL" */
  webhook_env: z.string().min(1).default("SLACK_WEBHOOK_URL"),
  /** Notify only on failure. @default false */
  only_on_failure: z.boolean().default(false),
  /** Text put before the summary on failure, e.g. "<!here>" or "<@U123>". */
  mention_on_failure: z.string().optional(),
  /** Seconds to wait for Slack. @default 15 */
  timeout_seconds: z.number().positive().default(15),
});

/** Parsed options of the `slack` notifier. */
export type SlackOptions = z.infer<typeof SlackOptionsSchema>;

/** Slack refuses section text over 3000 characters. */
const SECTION_LIMIT = 3000;

/**
 * Build the Slack message for a run summary.
 *
 * @param summary The run summary.
 * @param options The notifier's options.
 * @returns The webhook payload: `text` fallback plus `blocks`.
 */
export function slackPayload(
  summary: RunSummary,
  options: Pick<SlackOptions, "mention_on_failure">,
) {
  const title = `${
    summary.success ? "✅" : "❌"
  } fleet-orch run ${summary.runId}: ${summary.stopReason}`;
  const body = simplifyMarkdown(summary.markdown, {
    bold: "*",
    link: (t, u) => `<${u}|${t}>`,
    escapeHtml: true,
    maxLength: SECTION_LIMIT * 3,
  });
  const sections = [];
  for (let i = 0; i < body.length && sections.length < 3; i += SECTION_LIMIT) {
    sections.push({
      type: "section",
      text: { type: "mrkdwn", text: body.slice(i, i + SECTION_LIMIT) },
    });
  }
  const mention = !summary.success && options.mention_on_failure
    ? `${options.mention_on_failure} `
    : "";
  return {
    text: `${mention}${title}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
      ...(mention ? [{ type: "section", text: { type: "mrkdwn", text: mention.trim() } }] : []),
      ...sections,
      {
        type: "context",
        elements: [{
          type: "mrkdwn",
          text: `Run \`${summary.runId}\` · stop reason \`${summary.stopReason}\``,
        }],
      },
    ],
  };
}

/**
 * Make a Slack notifier.
 *
 * @param options Webhook variable and behaviour.
 * @param context env, fetch, logger and dry-run flag.
 * @param deps Sleep and clock of the 429/5xx retries (tests).
 * @returns The notifier.
 * @throws {PluginError} From `notify` when the webhook is unset or Slack answers non-2xx.
 */
export function createSlack(
  options: SlackOptions,
  context: PluginContext,
  deps: NotifierDeps = {},
): NotifierPlugin {
  return {
    async notify(summary) {
      if (options.only_on_failure && summary.success) return;
      const url = webhookUrl("slack", options.webhook_env, context.env);
      if (context.dryRun) {
        context.log.info(`Dry run: would post the run summary to Slack (${url.host})`);
        return;
      }
      await postJson(
        "slack",
        context.fetch,
        url,
        slackPayload(summary, options),
        options.timeout_seconds,
        deps,
      );
      context.log.info(`Posted the run summary to Slack`);
    },
  };
}

/** The `slack` notifier plugin (`uses: slack`). */
export const slackNotifier = definePlugin({
  kind: "notifier",
  name: "slack",
  description: "Posts the run summary to a Slack incoming webhook",
  options: SlackOptionsSchema,
  create: createSlack,
});
