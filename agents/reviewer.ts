/**
 * The reviewer agent (the seed's JulesAgent): the policy engine's findings
 * first, deterministically; then, when a reviewer model is configured, the
 * model with a security and best-practice checklist, answering with the JSON
 * verdict of the wire contract. Anything unparseable is a rejection.
 *
 * @module
 */

import { z } from "zod";
import { PluginError } from "../core/errors.ts";
import type { LlmPlugin } from "../core/plugin.ts";
import type { CallRecord, Failure } from "../core/types.ts";
import { loadTokenCounter, truncateMiddle } from "./budget.ts";
import type { IntegrityFact } from "./prompts.ts";
import { fenced, formatFailures, formatIntegrity, REVIEWER_SYSTEM } from "./prompts.ts";

/** One finding of the policy engine about a patch. */
export interface PolicyFinding {
  /** Rule id. */
  rule: string;
  /** What the rule found. */
  message: string;
  /** "error" rejects the patch; anything else is shown to the model. */
  severity: string;
}

/** Input of {@link reviewPatch}. */
export interface ReviewInput {
  /** The reviewer model's provider; none means only the policy engine reviews. */
  llm?: LlmPlugin;
  /** Model name; required with `llm`. */
  model?: string;
  /** The patch. */
  diff: string;
  /** The failures the patch claims to fix. */
  failures: Failure[];
  /** What the policy engine found in the patch. */
  policyFindings: PolicyFinding[];
  /** What the oracle-integrity check found (facts for the prompt; denials never reach the model). */
  integrityFindings?: IntegrityFact[];
  /** Applied to everything sent to the model. */
  redact: (t: string) => string;
  /** Sampling temperature. @default 0 */
  temperature?: number;
  /** Upper bound on the reply's tokens. */
  maxTokens?: number;
  /** Prompt budget in tokens. @default 12000 */
  tokenBudget?: number;
  /** Abort the model call. */
  signal?: AbortSignal;
}

/** The reviewer's decision. */
export interface ReviewOutput {
  /** Whether the patch may be committed. */
  verdict: "approve" | "reject";
  /** Why (never empty). */
  reasons: string[];
  /** The model call, when one was made. */
  record?: CallRecord;
  /** Who decided: the policy engine, the model, or nobody (no reviewer configured). */
  source: "policy" | "model" | "none";
  /** The model's raw reply, when one was made. */
  reply?: string;
  /** True when the model answered something that is not a verdict (counted as a rejection). */
  unparseable?: boolean;
}

/** How to turn the reviewer off, said in every message about an unavailable reviewer. */
export const DISABLE_REVIEWER_HINT =
  "fix it, or set agents.jules.enabled: false to let the policy engine review alone";

/**
 * The reviewer the config names cannot run (no key, unreachable, replies that
 * are not verdicts). Fail closed: the run stops before any model-made patch
 * is committed (stop reason `reviewer_unavailable`, exit 3).
 */
export class ReviewerUnavailable extends Error {
  /**
   * @param why What is wrong, in words a user can act on.
   * @param options The underlying error.
   */
  constructor(why: string, options?: ErrorOptions) {
    super(`The reviewer model cannot run: ${why}; ${DISABLE_REVIEWER_HINT}`, options);
    this.name = "ReviewerUnavailable";
  }
}

/** Schema of the model's verdict (wire contract). */
export const VerdictSchema: z.ZodType<{ verdict: "approve" | "reject"; reasons: string[] }> = z
  .object({
    verdict: z.enum(["approve", "reject"]),
    reasons: z.array(z.string()).default([]),
  });

/**
 * Review a patch.
 *
 * @param input The patch, its failures, the policy findings and the optional model.
 * @returns The verdict, its reasons, who decided and the call record.
 * @throws {TypeError} When `llm` is given without `model`.
 * @throws {ReviewerUnavailable} When the provider fails (unreachable, refused, no key).
 */
export async function reviewPatch(input: ReviewInput): Promise<ReviewOutput> {
  const errors = input.policyFindings.filter((f) => f.severity === "error");
  if (errors.length > 0) {
    return {
      verdict: "reject",
      reasons: errors.map((f) => `Policy rule "${f.rule}": ${f.message}`),
      source: "policy",
    };
  }
  if (!input.llm) {
    return {
      verdict: "approve",
      reasons: [
        "No reviewer model is configured: only the policy engine reviewed this patch",
        ...input.policyFindings.map((f) => `Policy ${f.severity} "${f.rule}": ${f.message}`),
      ],
      source: "none",
    };
  }
  if (!input.model) throw new TypeError("The reviewer has an llm but no model: set its model");
  const count = await loadTokenCounter();
  const budget = input.tokenBudget ?? 12_000;
  const system = input.redact(REVIEWER_SYSTEM);
  const room = budget - count(system) - 100;
  const diff = truncateMiddle(input.redact(input.diff), Math.floor(room * 0.7), count, 0.6);
  const failures = formatFailures(
    input.failures.map((f) => ({
      ...f,
      message: input.redact(f.message),
      excerpt: input.redact(f.excerpt),
    })),
    Math.floor(room * 0.2),
    count,
  );
  const findings = input.policyFindings.map((f) =>
    `- ${f.severity} ${f.rule}: ${input.redact(f.message)}`
  );
  const user = input.redact(
    [
      `## Failures the patch should fix\n${failures || "(none given)"}`,
      ...(findings.length ? [`## Policy engine notes\n${findings.join("\n")}`] : []),
      ...(input.integrityFindings?.length
        ? [`## Oracle integrity facts\n${formatIntegrity(input.integrityFindings)}`]
        : []),
      `## Patch\n${fenced(diff, "diff")}`,
      `Answer with the JSON verdict only.`,
    ].join("\n\n"),
  );
  let answer;
  try {
    answer = await input.llm.complete({
      model: input.model,
      messages: [{ role: "system", content: system }, { role: "user", content: user }],
      temperature: input.temperature ?? 0,
      ...(input.maxTokens !== undefined ? { maxTokens: input.maxTokens } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  } catch (e) {
    // A provider failure (unreachable, 401, oversized reply) means no review:
    // never a silent approval. Other errors (the cost cap, an abort) keep
    // their own meaning.
    if (e instanceof PluginError) throw new ReviewerUnavailable(e.message, { cause: e });
    throw e;
  }
  const { text: reply, record } = answer;
  const parsed = parseVerdict(reply);
  if (!parsed) {
    const shown = reply.trim().slice(0, 160).replace(/\s+/g, " ");
    return {
      verdict: "reject",
      reasons: [`The reviewer's reply was unparseable (expected the JSON verdict): "${shown}"`],
      record,
      source: "model",
      reply,
      unparseable: true,
    };
  }
  const reasons = parsed.reasons.map((r) => r.trim()).filter(Boolean);
  if (reasons.length === 0) {
    reasons.push(
      parsed.verdict === "approve"
        ? "The reviewer approved without comment"
        : "The reviewer rejected the patch without giving a reason",
    );
  }
  return { verdict: parsed.verdict, reasons, record, source: "model", reply };
}

/**
 * Parse the reviewer's verdict: bare JSON, a fenced block, or the first JSON
 * object in prose.
 *
 * @param reply The model's reply.
 * @returns The verdict and reasons, or null when none is found or it is invalid.
 */
export function parseVerdict(
  reply: string,
): { verdict: "approve" | "reject"; reasons: string[] } | null {
  const candidates: string[] = [reply.trim()];
  for (const m of reply.matchAll(/(```|~~~)[\w-]*[ \t]*\r?\n([\s\S]*?)\r?\n?\1/g)) {
    candidates.push(m[2]!.trim());
  }
  const object = _firstObject(reply);
  if (object) candidates.push(object);
  for (const text of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    if (value && typeof value === "object" && "verdict" in value) {
      const v = value as { verdict: unknown };
      if (typeof v.verdict === "string") v.verdict = v.verdict.trim().toLowerCase();
    }
    const result = VerdictSchema.safeParse(value);
    if (result.success) return result.data;
  }
  return null;
}

// The first balanced {...} in a text, strings and escapes respected.
function _firstObject(text: string): string | null {
  const start = text.indexOf("{");
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") depth++;
    else if (c === "}" && --depth === 0) return text.slice(start, i + 1);
  }
  return null;
}
