/**
 * Token counting for prompt budgets, with a real tokenizer (`gpt-tokenizer`,
 * o200k_base: the encoding of the GPT-4o and 4.1 families; other models' own
 * tokenizers differ by a few percent, well inside a budget's margin). The
 * tokenizer is imported lazily: loading it takes ~150 ms and a run that
 * never asks a model should not pay that.
 *
 * @module
 */

/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

let _counter: Promise<TokenCounter> | null = null;

/**
 * Load the tokenizer once and return its counter.
 *
 * @returns A function counting the tokens of a text.
 * @example
 * ```ts ignore
 * const count = await loadTokenCounter();
 * console.assert(count("hello world") === 2);
 * ```
 */
export function loadTokenCounter(): Promise<TokenCounter> {
  _counter ??= import("gpt-tokenizer").then((m) => (text: string) => m.countTokens(text));
  return _counter;
}

/**
 * Cut a long line so one minified line cannot eat a whole budget.
 *
 * @param line The line.
 * @param max Characters kept. @default 400
 * @returns The line, or its start with a marker of how much was cut.
 */
export function clipLine(line: string, max = 400): string {
  return line.length <= max
    ? line
    : `${line.slice(0, max)} … (${line.length - max} more characters)`;
}

/**
 * Shorten a text to at most `maxTokens`, keeping whole lines from its head and
 * its tail (the end of a log usually says what failed) with a marker between.
 *
 * @param text The text.
 * @param maxTokens The budget.
 * @param count The token counter.
 * @param headShare Share of the budget kept from the start. @default 0.3
 * @returns The text itself when it fits, else the shortened text (possibly "").
 */
export function truncateMiddle(
  text: string,
  maxTokens: number,
  count: TokenCounter,
  headShare = 0.3,
): string {
  if (maxTokens <= 0) return "";
  if (count(text) <= maxTokens) return text;
  const lines = text.split("\n").map((l) => clipLine(l));
  const costs = lines.map((l) => count(l) + 1);
  let budget = maxTokens;
  // Per-line counts only approximate the joined text, so verify and shrink.
  for (let round = 0; round < 8 && budget > 0; round++) {
    const marker = (n: number) => `… (${n} lines omitted) …`;
    const room = budget - count(marker(lines.length)) - 1;
    if (room <= 0) return "";
    const headRoom = Math.floor(room * headShare);
    let head = 0;
    let used = 0;
    while (head < lines.length && used + costs[head]! <= headRoom) used += costs[head++]!;
    let tail = lines.length;
    while (tail > head && used + costs[tail - 1]! <= room) used += costs[--tail]!;
    const omitted = tail - head;
    const out = omitted === 0
      ? lines.join("\n")
      : [...lines.slice(0, head), marker(omitted), ...lines.slice(tail)].join("\n");
    if (count(out) <= maxTokens) return out;
    budget = Math.floor(budget * 0.85);
  }
  return "";
}

/**
 * An upper estimate of a chat request's prompt tokens, for reserving its cost
 * before it is sent: the o200k count with a quarter more for providers whose
 * tokenizers split finer, never below one token per four characters, plus the
 * chat format's few tokens per message.
 *
 * @param messages The messages' contents.
 * @param count The token counter.
 * @returns Prompt tokens, rounded up.
 */
export function promptTokensUpperBound(
  messages: readonly { content: string }[],
  count: TokenCounter,
): number {
  let total = 0;
  for (const m of messages) {
    total += Math.max(Math.ceil(count(m.content) * 1.25), Math.ceil(m.content.length / 4)) + 8;
  }
  return total + 4;
}
