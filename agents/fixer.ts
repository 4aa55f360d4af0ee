/**
 * The fixer agent (the seed's CodexAgent): builds a prompt from the failures,
 * the log, windows of the files they point at, a map of the repository and
 * the earlier attempts, within a token budget; asks the model for one unified
 * diff as plain text; extracts it from the reply. Everything in the prompt
 * passes `redact` first.
 *
 * Names: the configuration keeps the seed's agent keys, the code names the
 * roles. `agents.codex` = the fixer (this module), `agents.jules` = the
 * reviewer (`reviewer.ts`), `agents.devops` = the operator (`operator.ts`).
 *
 * @module
 */

import { extractDiff } from "../patch/patch.ts";
import type { LlmPlugin } from "../core/plugin.ts";
import {
  type CallRecord,
  type ChatMessage,
  DEFAULT_FIXER_TOKEN_BUDGET,
  type Failure,
  type FixProposal,
} from "../core/types.ts";
import { loadTokenCounter, type TokenCounter, truncateMiddle } from "./budget.ts";
import { rankContext, renderRepoMap, renderWindows } from "./context.ts";
import {
  type AttemptRecord,
  fenced,
  FIXER_SYSTEM,
  formatFailures,
  formatHistory,
} from "./prompts.ts";

export type { AttemptRecord } from "./prompts.ts";

// Context radii the fixer tries, widest first: wide when the budget allows.
const _RADII = [60, 30, 15, 8, 3];

// The default budget lives in core/ so stats/ (below agents/) can read it too.
export { DEFAULT_FIXER_TOKEN_BUDGET };

/** Input of {@link proposeFix}. */
export interface FixerInput {
  /** The model provider. */
  llm: LlmPlugin;
  /** Model name (deployment name for Azure). */
  model: string;
  /** Sampling temperature. */
  temperature?: number;
  /** Upper bound on the reply's tokens. */
  maxTokens?: number;
  /** The failures to fix. */
  failures: Failure[];
  /** The extracted chunk of the failing gate's log. */
  logChunk?: string;
  /** Absolute repository (worktree) root; failure paths are made relative to it. */
  repoRoot: string;
  /** Read a file by repository-relative path; null when it does not exist. */
  readFile: (path: string) => Promise<string | null>;
  /** The repository's files, repository-relative. */
  listFiles: () => Promise<string[]>;
  /** Files changed since the last green commit (merge base), repository-relative. */
  changedFiles?: string[];
  /** Earlier attempts, oldest first. */
  history: AttemptRecord[];
  /** Applied to every text before it goes into the prompt. */
  redact: (t: string) => string;
  /** Prompt budget in tokens. @default DEFAULT_FIXER_TOKEN_BUDGET */
  tokenBudget?: number;
  /** Abort the model call. */
  signal?: AbortSignal;
}

/** Output of {@link proposeFix}. */
export interface FixerOutput {
  /** The proposal, or null when the reply held no diff (or said NO_FIX). */
  proposal: FixProposal | null;
  /** The whole prompt as sent (system, blank line, user), already redacted. */
  prompt: string;
  /** The model's reply. */
  reply: string;
  /** Tokens, latency and cost of the call. */
  record: CallRecord;
}

/**
 * Ask the model for a fix.
 *
 * @param input Model, failures, repository access, history and redaction.
 * @returns The proposal (or null), the prompt, the reply and the call record.
 * @throws {PluginError} When the provider fails (missing key, unreachable, HTTP error).
 * @throws {RangeError} When the token budget is too small to hold the instructions.
 */
export async function proposeFix(input: FixerInput): Promise<FixerOutput> {
  const count = await loadTokenCounter();
  const messages = await buildFixerMessages(input, count);
  const prompt = messages.map((m) => m.content).join("\n\n");
  const { text: reply, record } = await input.llm.complete({
    model: input.model,
    messages,
    ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
    ...(input.maxTokens !== undefined ? { maxTokens: input.maxTokens } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const refused = /^\s*NO_FIX\b/m.test(reply) && !/^(---|\+\+\+|@@)/m.test(reply);
  const diff = refused ? null : extractDiff(reply);
  const proposal: FixProposal | null = diff
    ? {
      source: `llm:${input.model}`,
      diff,
      summary: summaryOf(reply, input.failures),
      calls: [record],
    }
    : null;
  return { proposal, prompt, reply, record };
}

/**
 * Build the fixer's messages within the budget. Sections get a share of the
 * budget; what one leaves unused goes to the others, file windows first.
 *
 * @param input The fixer's input (model and llm are not used).
 * @param count The token counter.
 * @returns The system and user messages, redacted.
 * @throws {RangeError} When the budget cannot hold the instructions.
 */
export async function buildFixerMessages(
  input: Omit<FixerInput, "llm" | "model">,
  count: TokenCounter,
): Promise<ChatMessage[]> {
  const { redact } = input;
  const budget = input.tokenBudget ?? DEFAULT_FIXER_TOKEN_BUDGET;
  const system = redact(FIXER_SYSTEM);
  const files = (await input.listFiles()).map((f) => f.replaceAll("\\", "/"));
  const cache = new Map<string, Promise<string | null>>();
  const readRedacted = (p: string) => {
    let text = cache.get(p);
    if (!text) {
      text = input.readFile(p).then((t) => (t === null ? null : redact(t)));
      cache.set(p, text);
    }
    return text;
  };
  // Fault localisation: named files and stack frames, their imports, then
  // what changed since the last green commit.
  const points = await rankContext(input.repoRoot, input.failures, input.logChunk, new Set(files), {
    readFile: readRedacted,
    ...(input.changedFiles ? { changed: input.changedFiles } : {}),
  });
  const logChunk = redact(input.logChunk ?? "").trim();
  const failures = input.failures.map((f) => ({
    ...f,
    message: redact(f.message),
    excerpt: redact(f.excerpt),
  }));
  const history = input.history.map((a) => ({
    ...a,
    summary: redact(a.summary),
    diff: redact(a.diff),
    reasons: a.reasons.map(redact),
  }));

  type Section = {
    title: string;
    share: number;
    render: (max: number) => Promise<string> | string;
  };
  const sections: Section[] = [
    { title: "Failures", share: 0.2, render: (m) => formatFailures(failures, m, count) },
    {
      title: "Files the failures point at",
      share: 0.4,
      render: (m) => renderWindows(points, readRedacted, m, count, { radii: _RADII }),
    },
    {
      title: "Log of the failing gate",
      share: 0.15,
      render: (m) => {
        const t = truncateMiddle(logChunk, m - 8, count);
        return t ? fenced(t, "") : "";
      },
    },
    {
      title: "Earlier attempts, by outcome",
      share: 0.15,
      render: (m) => formatHistory(history, m, count),
    },
    {
      title: "Repository map",
      share: 0.1,
      render: (m) => renderRepoMap(files, points.map((p) => p.file), m, count),
    },
  ];
  const intro = "Fix the failing build. Everything you need is below.";
  const fixed = count(system) + count(intro) + 16 + sections.length * 12;
  let available = budget - fixed;
  if (available <= 0) {
    throw new RangeError(
      `Token budget ${budget} is too small: the instructions alone take ${fixed} tokens`,
    );
  }
  // Two passes: shares first, then what is left goes to sections in order.
  for (let round = 0; round < 4; round++) {
    const texts: string[] = [];
    let used = 0;
    for (const s of sections) {
      const t = redact(await s.render(Math.floor(available * s.share)));
      texts.push(t);
      used += t ? count(t) : 0;
    }
    let spare = available - used;
    for (const [i, s] of sections.entries()) {
      if (spare <= 0) break;
      const current = texts[i]!;
      const own = current ? count(current) : 0;
      const wider = redact(await s.render(own + spare));
      const widerCost = wider ? count(wider) : 0;
      if (widerCost > own && widerCost - own <= spare) {
        texts[i] = wider;
        spare -= widerCost - own;
      }
    }
    const user = [
      intro,
      ...sections.flatMap((s, i) => (texts[i] ? [`## ${s.title}\n${texts[i]}`] : [])),
    ].join("\n\n");
    const over = count(system) + count(user) + 8 - budget;
    if (over <= 0) {
      return [{ role: "system", content: system }, { role: "user", content: user }];
    }
    available -= over + 32;
  }
  throw new RangeError(`Token budget ${budget} could not be met`);
}

/**
 * The one-line summary of a fix: the reply's `Summary:` line, else one made
 * from the first failure.
 *
 * @param reply The model's reply.
 * @param failures The failures it was asked to fix.
 * @returns At most 100 characters.
 */
export function summaryOf(reply: string, failures: Failure[]): string {
  const said = reply.match(/^\s*\**summary\**\s*:\s*\**\s*(.+)$/im)?.[1]?.trim();
  const first = failures[0];
  const line = said ||
    (first ? `Fix ${first.gate}: ${first.message}` : "Fix the failing gate");
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}
