import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import type { RunSummary } from "../../core/plugin.ts";
import { renderMarkdown } from "../../report/markdown.ts";
import {
  createSlack,
  createTeams,
  simplifyMarkdown,
  SlackOptionsSchema,
  TeamsOptionsSchema,
} from "../../plugins/notifiers/mod.ts";
import { sampleReport } from "../report/_fixture.ts";
import { testContext } from "../vcs/_context.ts";
import { startHookServer } from "./_hook_server.ts";

function summary(success = true): RunSummary {
  const report = sampleReport(success ? {} : { stopReason: "no_progress", exitCode: 1 });
  return {
    runId: report.runId,
    stopReason: report.stopReason,
    success,
    markdown: renderMarkdown(report),
  };
}

function slack(env: Record<string, string>, opts: Record<string, unknown> = {}, dryRun = false) {
  const { context, lines } = testContext(env, dryRun);
  return { notifier: createSlack(SlackOptionsSchema.parse(opts), context), lines };
}

function teams(env: Record<string, string>, opts: Record<string, unknown> = {}) {
  const { context } = testContext(env);
  return createTeams(TeamsOptionsSchema.parse(opts), context);
}

Deno.test("slack notifier posts blocks with the summary in Slack's dialect", async () => {
  const hook = startHookServer();
  try {
    await slack({ SLACK_WEBHOOK_URL: hook.url }).notifier.notify(summary());
    const body = hook.received[0] as {
      text: string;
      blocks: { type: string; text?: { text: string } }[];
    };
    assert.equal(body.text, "✅ fleet-orch run 20260102-030405-abcd: success");
    assert.equal(body.blocks[0]?.type, "header");
    const text = body.blocks.filter((b) => b.type === "section").map((b) => b.text?.text).join("");
    assert.match(text, /^\*✅ fleet-orch: Build is green\*/);
    assert.match(text, /&lt;script&gt;/, "angle brackets escaped for Slack");
    assert.ok(!text.includes("<details>") && !text.includes("+const n"), "diffs are left out");
    assert.ok(!/\|---/.test(text), "table rules are dropped");
  } finally {
    await hook.close();
  }
});

Deno.test("slack notifier mentions on failure only", async () => {
  const hook = startHookServer();
  try {
    const { notifier } = slack({ SLACK_WEBHOOK_URL: hook.url }, { mention_on_failure: "<!here>" });
    await notifier.notify(summary(true));
    await notifier.notify(summary(false));
    assert.ok(!(hook.received[0] as { text: string }).text.includes("<!here>"));
    assert.ok((hook.received[1] as { text: string }).text.startsWith("<!here> ❌"));
  } finally {
    await hook.close();
  }
});

Deno.test("slack notifier reports a non-2xx answer without the webhook secret", async () => {
  const hook = startHookServer({ status: 404, body: "no_service" });
  try {
    await assert.rejects(
      () => slack({ SLACK_WEBHOOK_URL: hook.url }).notifier.notify(summary()),
      (e: Error) =>
        e instanceof PluginError && /answered 404: no_service/.test(e.message) &&
        !e.message.includes("s3cr3t"),
    );
  } finally {
    await hook.close();
  }
});

Deno.test("slack notifier names the missing webhook variable", async () => {
  await assert.rejects(
    () => slack({}, { webhook_env: "OPS_SLACK" }).notifier.notify(summary()),
    /Environment variable "OPS_SLACK" is not set/,
  );
});

Deno.test("slack notifier skips successes with only_on_failure and posts nothing in a dry run", async () => {
  const hook = startHookServer();
  try {
    await slack({ SLACK_WEBHOOK_URL: hook.url }, { only_on_failure: true }).notifier.notify(
      summary(true),
    );
    const { notifier, lines } = slack({ SLACK_WEBHOOK_URL: hook.url }, {}, true);
    await notifier.notify(summary(false));
    assert.equal(hook.received.length, 0);
    assert.ok(lines.some((l) => l.includes("Dry run: would post the run summary to Slack")));
  } finally {
    await hook.close();
  }
});

Deno.test("slack notifier gives up after its timeout", async () => {
  const hook = startHookServer();
  try {
    await assert.rejects(
      () =>
        slack({ SLACK_WEBHOOK_URL: hook.url + "/hang" }, { timeout_seconds: 0.2 }).notifier.notify(
          summary(),
        ),
      /could not be reached: no answer within 0\.2 s/,
    );
  } finally {
    await hook.close();
  }
});

Deno.test("teams notifier posts an Adaptive Card", async () => {
  const hook = startHookServer({ status: 202, body: "" });
  try {
    await teams({ TEAMS_WEBHOOK_URL: hook.url }).notify(summary(false));
    const msg = hook.received[0] as {
      type: string;
      attachments: {
        contentType: string;
        content: { body: { type: string; text?: string; color?: string }[] };
      }[];
    };
    assert.equal(msg.type, "message");
    assert.equal(msg.attachments[0]?.contentType, "application/vnd.microsoft.card.adaptive");
    const body = msg.attachments[0]!.content.body;
    assert.equal(body[0]?.color, "Attention");
    assert.equal(body[1]?.type, "FactSet");
    assert.match(body[2]?.text ?? "", /\*\*❌ fleet-orch: Not fixed: no progress\*\*/);
  } finally {
    await hook.close();
  }
});

Deno.test("teams notifier posts a MessageCard to legacy connectors and detects their refusals", async () => {
  const hook = startHookServer({ status: 200, body: "1" });
  try {
    const notifier = teams({ TEAMS_WEBHOOK_URL: hook.url }, { format: "messagecard" });
    await notifier.notify(summary());
    const card = hook.received[0] as Record<string, string>;
    assert.equal(card["@type"], "MessageCard");
    assert.equal(card.themeColor, "2EB886");
    hook.answer = {
      status: 200,
      body:
        "Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429",
    };
    await assert.rejects(
      () => notifier.notify(summary()),
      /refused the message: Webhook message delivery failed/,
    );
  } finally {
    await hook.close();
  }
});

Deno.test("teams notifier reports a non-2xx answer", async () => {
  const hook = startHookServer({ status: 400, body: "Bad payload" });
  try {
    await assert.rejects(
      () => teams({ TEAMS_WEBHOOK_URL: hook.url }).notify(summary()),
      /answered 400: Bad payload/,
    );
  } finally {
    await hook.close();
  }
});

Deno.test("simplifyMarkdown turns tables, headings and links into chat text", () => {
  const md =
    "## Title\n\n| Gate | Status |\n|---|---|\n| build | ✅ passed |\n\nSee [run](https://x.test/r) **now**\n";
  const text = simplifyMarkdown(md, {
    bold: "*",
    link: (t, u) => `<${u}|${t}>`,
    escapeHtml: false,
    maxLength: 1000,
  });
  assert.equal(
    text,
    "*Title*\n\nGate · Status\nbuild · ✅ passed\n\nSee <https://x.test/r|run> *now*",
  );
});
