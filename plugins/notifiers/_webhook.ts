/**
 * What the Slack and Teams notifiers share: reading the webhook URL from the
 * environment, posting JSON with a timeout, and turning the run's Markdown
 * into the smaller dialects chat tools render.
 *
 * @module
 */

import { PluginError } from "../../core/errors.ts";

/**
 * Read a webhook URL from the environment.
 *
 * @param plugin Plugin name for errors.
 * @param varName The variable.
 * @param env Environment lookup.
 * @returns The URL.
 * @throws {PluginError} When the variable is unset or not an http(s) URL (the value is never shown).
 */
export function webhookUrl(
  plugin: string,
  varName: string,
  env: (name: string) => string | undefined,
): URL {
  const raw = env(varName);
  if (!raw) {
    throw new PluginError(
      plugin,
      `Environment variable "${varName}" is not set: put the incoming webhook URL there`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PluginError(plugin, `Environment variable "${varName}" does not hold a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PluginError(
      plugin,
      `Environment variable "${varName}" holds a ${url.protocol} URL; use https`,
    );
  }
  return url;
}

/**
 * POST a JSON payload to a webhook.
 *
 * @param plugin Plugin name for errors.
 * @param fetcher fetch to use.
 * @param url The webhook (secret: it never appears in an error).
 * @param payload The JSON body.
 * @param timeoutSeconds Give up after this long.
 * @returns The response text.
 * @throws {PluginError} On a network error, a timeout or a non-2xx answer.
 */
export async function postJson(
  plugin: string,
  fetcher: typeof fetch,
  url: URL,
  payload: unknown,
  timeoutSeconds: number,
): Promise<string> {
  let res: Response;
  try {
    res = await fetcher(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
  } catch (e) {
    const err = e as Error;
    const why = err.name === "TimeoutError" ? `no answer within ${timeoutSeconds} s` : err.message;
    throw new PluginError(plugin, `Webhook at ${url.host} could not be reached: ${why}`, {
      cause: e,
    });
  }
  const text = await res.text();
  if (!res.ok) {
    throw new PluginError(
      plugin,
      `Webhook at ${url.host} answered ${res.status}${
        text ? `: ${text.slice(0, 300).trim()}` : ""
      }`,
    );
  }
  return text;
}

/** How {@link simplifyMarkdown} writes bold text and links. */
export interface Dialect {
  /** Bold marker: "*" for Slack, "**" for Teams. */
  bold: string;
  /** Format a link. */
  link(text: string, url: string): string;
  /** Escape &, < and > (Slack requires it). */
  escapeHtml: boolean;
  /** At most this many characters. */
  maxLength: number;
}

/**
 * Turn the run's GitHub-flavoured Markdown into a chat dialect: headings become
 * bold lines, tables become lines of cells, `<details>` blocks (diffs) are
 * dropped, escapes are undone, and the text is cut to the dialect's limit.
 *
 * @param md The Markdown.
 * @param d The dialect.
 * @returns The text.
 */
export function simplifyMarkdown(md: string, d: Dialect): string {
  let s = md.replace(/<details>[\s\S]*?<\/details>\n?/g, "").replace(
    /<\/?(sub|sup|br)\s*\/?>/g,
    "",
  );
  const lines: string[] = [];
  for (const line of s.split("\n")) {
    if (/^\|?\s*:?-{3,}/.test(line)) continue;
    if (/^\|\s*\|\s*\|$/.test(line.trim())) continue;
    const heading = line.match(/^#{1,6}\s+(.*)$/);
    if (heading) {
      lines.push(`${d.bold}${heading[1]}${d.bold}`);
      continue;
    }
    if (line.startsWith("|")) {
      const cells = line.replace(/^\|/, "").replace(/\|$/, "").split(/(?<!\\)\|/).map((c) =>
        c.trim()
      )
        .filter(Boolean);
      lines.push(cells.join(" · "));
      continue;
    }
    lines.push(line);
  }
  s = lines.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  s = s.replace(/\\([\\`*_{}\[\]()#+\-.!|~>])/g, "$1")
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  if (d.escapeHtml) s = s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  s = s.replace(/\*\*([^*\n]+)\*\*/g, `${d.bold}$1${d.bold}`)
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_m, t: string, u: string) => d.link(t, u));
  return s.length <= d.maxLength ? s : s.slice(0, d.maxLength - 2) + " …";
}
