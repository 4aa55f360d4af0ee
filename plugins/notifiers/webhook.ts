/**
 * The generic webhook notifier (`uses: webhook`): posts the run as JSON to
 * any HTTP endpoint, signed with HMAC-SHA256 so the receiver can tell the
 * message came from whoever holds the shared secret, and when.
 *
 * Headers of every delivery:
 * - `X-Fleet-Orch-Timestamp`: Unix time in seconds when the attempt was signed.
 * - `X-Fleet-Orch-Signature`: `sha256=<hex>`, the HMAC-SHA256 with the secret
 *   as key of `<timestamp>.<raw body>` (the timestamp header, a dot, and the
 *   body bytes exactly as received).
 * - `X-Fleet-Orch-Delivery`: one id per delivery, the same on its retries.
 *
 * A receiver recomputes the HMAC over the raw body (before any JSON
 * parsing), compares it in constant time, and refuses a timestamp more than
 * five minutes from its own clock: a captured message cannot be replayed
 * later, and the timestamp cannot be changed without breaking the signature.
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
import { type NotifierDeps, postJson, webhookUrl } from "./_webhook.ts";

/** Header carrying `sha256=<hex>`. */
export const SIGNATURE_HEADER = "X-Fleet-Orch-Signature";
/** Header carrying the Unix time (seconds) that is part of the signed text. */
export const TIMESTAMP_HEADER = "X-Fleet-Orch-Timestamp";
/** Header carrying the delivery id (the same on retries, for deduplication). */
export const DELIVERY_HEADER = "X-Fleet-Orch-Delivery";
/** How far from the receiver's clock a timestamp may be, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Options of the `webhook` notifier (`with:`). */
export const WebhookOptionsSchema = z.object({
  /** Environment variable holding the endpoint URL. @default "FLEET_ORCH_WEBHOOK_URL" */
  url_env: z.string().min(1).default("FLEET_ORCH_WEBHOOK_URL"),
  /** Environment variable holding the signing secret. @default "FLEET_ORCH_WEBHOOK_SECRET" */
  secret_env: z.string().min(1).default("FLEET_ORCH_WEBHOOK_SECRET"),
  /** Notify only on failure. @default false */
  only_on_failure: z.boolean().default(false),
  /** Seconds to wait for one attempt. @default 15 */
  timeout_seconds: z.number().positive().default(15),
});

/** Parsed options of the `webhook` notifier. */
export type WebhookOptions = z.infer<typeof WebhookOptionsSchema>;

/**
 * The JSON body of a delivery.
 *
 * @param summary The run summary.
 * @returns `{ event, run_id, stop_reason, success, markdown }`.
 */
export function webhookPayload(summary: RunSummary): Record<string, unknown> {
  return {
    event: "fleet-orch.run.finished",
    run_id: summary.runId,
    stop_reason: summary.stopReason,
    success: summary.success,
    markdown: summary.markdown,
  };
}

/**
 * The signature header value for a body and timestamp.
 *
 * @param secret The shared secret.
 * @param timestamp Unix seconds, as sent in {@link TIMESTAMP_HEADER}.
 * @param body The raw body.
 * @returns `sha256=<64 hex digits>`.
 */
export async function signWebhook(
  secret: string,
  timestamp: string,
  body: string,
): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, enc.encode(`${timestamp}.${body}`));
  return "sha256=" + [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Check a delivery as a receiver would: the signature over `<timestamp>.<body>`
 * (compared in constant time, through `crypto.subtle.verify`) and the
 * timestamp's distance from `now`.
 *
 * @param secret The shared secret.
 * @param headers The request headers.
 * @param body The raw body.
 * @param now Receiver's clock, ms since the epoch. @default Date.now()
 * @returns null when valid, else why not.
 */
export async function verifyWebhook(
  secret: string,
  headers: Headers,
  body: string,
  now = Date.now(),
): Promise<string | null> {
  const timestamp = headers.get(TIMESTAMP_HEADER) ?? "";
  const signature = headers.get(SIGNATURE_HEADER) ?? "";
  if (!/^\d+$/.test(timestamp)) return `missing or malformed ${TIMESTAMP_HEADER}`;
  if (Math.abs(now / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return "timestamp outside the tolerance (a replay or a wrong clock)";
  }
  const m = /^sha256=([0-9a-f]{64})$/.exec(signature);
  if (!m) return `missing or malformed ${SIGNATURE_HEADER}`;
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const mac = Uint8Array.from(m[1]!.match(/../g)!, (h) => parseInt(h, 16));
  const ok = await crypto.subtle.verify("HMAC", key, mac, enc.encode(`${timestamp}.${body}`));
  return ok ? null : "signature does not match";
}

/**
 * Make a webhook notifier.
 *
 * @param options URL and secret variables and behaviour.
 * @param context env, fetch, logger and dry-run flag.
 * @param deps Sleep and clock of the retries and the signature timestamp (tests).
 * @returns The notifier.
 * @throws {PluginError} From `notify` when the URL or secret is unset or the endpoint answers non-2xx.
 */
export function createWebhook(
  options: WebhookOptions,
  context: PluginContext,
  deps: NotifierDeps = {},
): NotifierPlugin {
  return {
    async notify(summary) {
      if (options.only_on_failure && summary.success) return;
      const url = webhookUrl("webhook", options.url_env, context.env);
      const secret = context.env(options.secret_env);
      // Unsigned deliveries are refused: a receiver could not tell them from forgeries.
      if (!secret) {
        throw new PluginError(
          "webhook",
          `Environment variable "${options.secret_env}" is not set: put the signing secret there`,
        );
      }
      if (context.dryRun) {
        context.log.info(`Dry run: would post the run summary to the webhook (${url.host})`);
        return;
      }
      const delivery = crypto.randomUUID();
      await postJson(
        "webhook",
        context.fetch,
        url,
        webhookPayload(summary),
        options.timeout_seconds,
        {
          ...deps,
          // Signed per attempt: a retry after a long Retry-After carries a fresh timestamp.
          headers: async (body, now) => {
            const timestamp = String(Math.floor(now / 1000));
            return {
              [TIMESTAMP_HEADER]: timestamp,
              [SIGNATURE_HEADER]: await signWebhook(secret, timestamp, body),
              [DELIVERY_HEADER]: delivery,
            };
          },
        },
      );
      context.log.info(`Posted the run summary to the webhook (${url.host})`);
    },
  };
}

/** The `webhook` notifier plugin (`uses: webhook`). */
export const webhookNotifier = definePlugin({
  kind: "notifier",
  name: "webhook",
  description: "Posts the run as JSON to an HTTP endpoint, signed with HMAC-SHA256",
  options: WebhookOptionsSchema,
  create: createWebhook,
});
