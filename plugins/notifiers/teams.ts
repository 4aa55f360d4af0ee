/**
 * The Microsoft Teams notifier (`uses: teams`): posts the run summary to a
 * Teams Workflows webhook as an Adaptive Card, or to a legacy Office 365
 * connector as a MessageCard.
 *
 * @module
 */

import { z } from "zod";
import { PluginError } from "../../core/errors.ts";
import {
  definePlugin,
  type NotifierPlugin,
  type PluginContext,
  type RunSummary,
} from "../../core/plugin.ts";
import {
  type NotifierDeps,
  payloadBytes,
  postJson,
  simplifyMarkdown,
  TEAMS_MAX_BYTES,
  webhookUrl,
} from "./_webhook.ts";

/** Options of the `teams` notifier (`with:`). */
export const TeamsOptionsSchema = z.object({
  /** Environment variable holding the webhook URL. @default "TEAMS_WEBHOOK_URL" */
  webhook_env: z.string().min(1).default("TEAMS_WEBHOOK_URL"),
  /**
   * "adaptive" for Workflows webhooks; "messagecard" (legacy) only for the
   * retired Office 365 connectors. @default "adaptive"
   */
  format: z.enum(["adaptive", "messagecard"]).default("adaptive"),
  /** Notify only on failure. @default false */
  only_on_failure: z.boolean().default(false),
  /** Seconds to wait for Teams. @default 15 */
  timeout_seconds: z.number().positive().default(15),
});

/** Parsed options of the `teams` notifier. */
export type TeamsOptions = z.infer<typeof TeamsOptionsSchema>;

const MAX_TEXT = 20_000;

/**
 * Build the Teams message for a run summary. Teams refuses bodies over 28 KB
 * of UTF-8 (emoji and accents take several bytes, and JSON escaping adds
 * more), so the summary text is cut until the serialised payload fits
 * {@link TEAMS_MAX_BYTES}, with " …" marking the cut.
 *
 * @param summary The run summary.
 * @param format "adaptive" or "messagecard".
 * @param maxBytes The byte limit of the serialised payload.
 * @returns The webhook payload.
 */
export function teamsPayload(
  summary: RunSummary,
  format: TeamsOptions["format"],
  maxBytes = TEAMS_MAX_BYTES,
): Record<string, unknown> {
  const text = simplifyMarkdown(summary.markdown, {
    bold: "**",
    link: (t, u) => `[${t}](${u})`,
    escapeHtml: false,
    maxLength: MAX_TEXT,
  });
  const full = _teamsPayload(summary, format, text);
  if (payloadBytes(full) <= maxBytes) return full;
  // Longest prefix (in code points, so no surrogate pair is split) that fits.
  const points = [...text];
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const p = _teamsPayload(summary, format, points.slice(0, mid).join("") + " …");
    if (payloadBytes(p) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return _teamsPayload(summary, format, points.slice(0, lo).join("") + " …");
}

function _teamsPayload(
  summary: RunSummary,
  format: TeamsOptions["format"],
  text: string,
): Record<string, unknown> {
  const title = `${
    summary.success ? "✅" : "❌"
  } fleet-orch run ${summary.runId}: ${summary.stopReason}`;
  if (format === "messagecard") {
    return {
      "@type": "MessageCard",
      "@context": "https://schema.org/extensions",
      summary: title,
      themeColor: summary.success ? "2EB886" : "CF222E",
      title,
      text: text.replace(/\n/g, "\n\n"),
    };
  }
  return {
    type: "message",
    attachments: [{
      contentType: "application/vnd.microsoft.card.adaptive",
      contentUrl: null,
      content: {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
        type: "AdaptiveCard",
        version: "1.4",
        msteams: { width: "Full" },
        body: [
          {
            type: "TextBlock",
            text: title,
            weight: "Bolder",
            size: "Medium",
            wrap: true,
            color: summary.success ? "Good" : "Attention",
          },
          {
            type: "FactSet",
            facts: [{ title: "Run", value: summary.runId }, {
              title: "Stop reason",
              value: summary.stopReason,
            }],
          },
          // TextBlock paragraphs need blank lines between them to keep line breaks.
          { type: "TextBlock", text: text.replace(/\n/g, "\n\n"), wrap: true },
        ],
      },
    }],
  };
}

/**
 * Make a Teams notifier.
 *
 * @param options Webhook variable, format and behaviour.
 * @param context env, fetch, logger and dry-run flag.
 * @param deps Sleep and clock of the 429/5xx retries (tests).
 * @returns The notifier.
 * @throws {PluginError} From `notify` when the webhook is unset or Teams answers non-2xx.
 */
export function createTeams(
  options: TeamsOptions,
  context: PluginContext,
  deps: NotifierDeps = {},
): NotifierPlugin {
  return {
    async notify(summary) {
      if (options.only_on_failure && summary.success) return;
      const url = webhookUrl("teams", options.webhook_env, context.env);
      if (context.dryRun) {
        context.log.info(`Dry run: would post the run summary to Teams (${url.host})`);
        return;
      }
      const answer = await postJson(
        "teams",
        context.fetch,
        url,
        teamsPayload(summary, options.format),
        options.timeout_seconds,
        deps,
      );
      // Legacy connectors answer 200 with an error text instead of a status code.
      if (/delivery failed/i.test(answer)) {
        throw new PluginError(
          "teams",
          `Webhook at ${url.host} refused the message: ${answer.slice(0, 300)}`,
        );
      }
      context.log.info(`Posted the run summary to Teams`);
    },
  };
}

/** The `teams` notifier plugin (`uses: teams`). */
export const teamsNotifier = definePlugin({
  kind: "notifier",
  name: "teams",
  description: "Posts the run summary to a Microsoft Teams webhook (Adaptive Card or MessageCard)",
  options: TeamsOptionsSchema,
  create: createTeams,
});
