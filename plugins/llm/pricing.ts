/**
 * Model prices and the run's cost ledger. Prices are US dollars per million
 * tokens; the defaults cover common hosted models and config may override or
 * extend them. A model with no price costs 0 and is warned about once, so a
 * cost cap is never silently meaningless.
 *
 * @module
 */

import { z } from "zod";
import type { CallRecord } from "../../core/types.ts";

/** Price of one model in US dollars per million tokens. */
export interface ModelPrice {
  /** Dollars per million prompt tokens. */
  input: number;
  /** Dollars per million completion tokens. */
  output: number;
}

/** Schema of one price entry in config: `{ input: 2.5, output: 10 }` (USD per million tokens). */
export const ModelPriceSchema: z.ZodType<ModelPrice> = z.object({
  input: z.number().min(0),
  output: z.number().min(0),
}).strict();

/** Schema of a price table in config: model name (or name prefix) to {@link ModelPrice}. */
export const PriceTableSchema: z.ZodType<Record<string, ModelPrice>> = z.record(
  z.string().min(1),
  ModelPriceSchema,
);

/**
 * Default prices (USD per million tokens, list prices of the providers'
 * standard tiers). Keys match a model name exactly or as a prefix followed by
 * `-` (dated snapshots such as `gpt-4o-2024-08-06`).
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  "gpt-4o": { input: 2.5, output: 10 },
  "gpt-4o-mini": { input: 0.15, output: 0.6 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4 },
  "gpt-4": { input: 30, output: 60 },
  "gpt-4-turbo": { input: 10, output: 30 },
  "gpt-3.5-turbo": { input: 0.5, output: 1.5 },
  "o1": { input: 15, output: 60 },
  "o3": { input: 2, output: 8 },
  "o3-mini": { input: 1.1, output: 4.4 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "claude-sonnet-4": { input: 3, output: 15 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-3-7-sonnet": { input: 3, output: 15 },
  "claude-3-5-sonnet": { input: 3, output: 15 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-3-5-haiku": { input: 0.8, output: 4 },
  "claude-3-haiku": { input: 0.25, output: 1.25 },
  "claude-opus-4": { input: 15, output: 75 },
  "gemini-2.0-flash": { input: 0.1, output: 0.4 },
  "gemini-2.0-flash-lite": { input: 0.075, output: 0.3 },
  "gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, output: 0.4 },
  "gemini-2.5-pro": { input: 1.25, output: 10 },
});

/**
 * Find the price of a model: exact name first, then the longest key that is a
 * prefix followed by `-`. A routing prefix (`openai/gpt-4o`, `models/gemini-…`)
 * is ignored. Overrides win over the defaults.
 *
 * @param model The model name as sent to the provider.
 * @param overrides Prices from config.
 * @returns The price, or null when the model is unknown.
 */
export function findPrice(
  model: string,
  overrides: Readonly<Record<string, ModelPrice>> = {},
): ModelPrice | null {
  const names = [model, model.slice(model.lastIndexOf("/") + 1)].map((n) => n.toLowerCase());
  for (const table of [overrides, DEFAULT_PRICES]) {
    const lowered = new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
    for (const name of names) {
      const exact = lowered.get(name);
      if (exact) return exact;
    }
    let best: [string, ModelPrice] | null = null;
    for (const [key, price] of lowered) {
      for (const name of names) {
        if (name.startsWith(key + "-") && (!best || key.length > best[0].length)) {
          best = [key, price];
        }
      }
    }
    if (best) return best[1];
  }
  return null;
}

/**
 * Cost of one call in US dollars.
 *
 * @param price The model's price, or null when unknown (cost 0).
 * @param tokensIn Prompt tokens.
 * @param tokensOut Completion tokens.
 * @returns Dollars, rounded to a millionth of a cent.
 */
export function costOf(price: ModelPrice | null, tokensIn: number, tokensOut: number): number {
  if (!price) return 0;
  const usd = (tokensIn * price.input + tokensOut * price.output) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}

/** Money set aside for one model call in flight (see {@link CostLedger.reserve}). */
export interface Reservation {
  /** Dollars reserved: the call's worst case. */
  readonly usd: number;
  /** Whether it was settled or released already. */
  done: boolean;
}

/**
 * Adds up what the run's model calls cost, against an optional hard cap
 * (`--max-cost-usd`). Before each call the caller reserves the call's worst
 * case (prompt tokens plus max_tokens at the model's price); a reservation
 * that would take spent plus reserved money past the cap is refused, so
 * concurrent calls (candidates) can never overshoot it together. After the
 * call the reservation is settled to the real cost (or released when the
 * call failed).
 *
 * @example
 * ```ts
 * import { CostLedger } from "./pricing.ts";
 * const ledger = new CostLedger(0.01);
 * ledger.record({ provider: "openai", model: "gpt-4o", tokensIn: 1000, tokensOut: 500, latencyMs: 1, costUsd: 0.0075 });
 * console.assert(!ledger.wouldExceed());
 * console.assert(ledger.wouldExceed(0.003));
 * ```
 */
export class CostLedger {
  /** The cap in US dollars, or undefined for no cap. */
  readonly capUsd: number | undefined;
  #calls: CallRecord[] = [];
  #total = 0;
  #reserved = 0;

  /**
   * @param capUsd Hard cap in US dollars for the whole run; undefined means none.
   * @throws {RangeError} When the cap is negative or not a finite number.
   */
  constructor(capUsd?: number) {
    if (capUsd !== undefined && !(Number.isFinite(capUsd) && capUsd >= 0)) {
      throw new RangeError(`Cost cap "${capUsd}" is not valid: use a number of dollars >= 0`);
    }
    this.capUsd = capUsd;
  }

  /**
   * Record one model call.
   *
   * @param r The call's record.
   */
  record(r: CallRecord): void {
    this.#calls.push({ ...r });
    this.#total += r.costUsd;
  }

  /**
   * Reserve a call's worst-case cost before sending it.
   *
   * @param usd The worst case in dollars.
   * @returns The reservation, or null when spent plus reserved plus `usd`
   * would pass the cap (or the cap is already reached): do not send the call.
   */
  reserve(usd: number): Reservation | null {
    if (!(Number.isFinite(usd) && usd >= 0)) {
      throw new RangeError(`Reservation "${usd}" is not valid: use a number of dollars >= 0`);
    }
    if (this.capUsd !== undefined) {
      if (this.#total >= this.capUsd) return null;
      // A millionth of a cent of slack absorbs float rounding of the sums.
      if (this.#total + this.#reserved + usd > this.capUsd + 1e-8) return null;
    }
    this.#reserved += usd;
    return { usd, done: false };
  }

  /**
   * Settle a reservation to the call's real cost and record the call.
   *
   * @param r The reservation.
   * @param record The call's record.
   */
  settle(r: Reservation, record: CallRecord): void {
    this.release(r);
    this.record(record);
  }

  /**
   * Give back a reservation whose call was not made or failed.
   *
   * @param r The reservation.
   */
  release(r: Reservation): void {
    if (r.done) return;
    r.done = true;
    this.#reserved = Math.max(0, this.#reserved - r.usd);
  }

  /** Dollars reserved by calls in flight. */
  get reservedUsd(): number {
    return Math.round(this.#reserved * 1e8) / 1e8;
  }

  /** Dollars spent so far. */
  get totalUsd(): number {
    return Math.round(this.#total * 1e8) / 1e8;
  }

  /** Every call recorded, in order (copies). */
  get calls(): CallRecord[] {
    return this.#calls.map((c) => ({ ...c }));
  }

  /** Prompt and completion tokens of all calls. */
  get tokens(): { in: number; out: number } {
    let tin = 0;
    let tout = 0;
    for (const c of this.#calls) {
      tin += c.tokensIn;
      tout += c.tokensOut;
    }
    return { in: tin, out: tout };
  }

  /**
   * Whether the cap is reached, or would be by spending `nextUsd` more.
   *
   * @param nextUsd Estimated cost of the next call. @default 0
   * @returns True when a cap is set and `totalUsd + nextUsd >= capUsd`.
   */
  wouldExceed(nextUsd = 0): boolean {
    return this.capUsd !== undefined && this.#total + nextUsd >= this.capUsd;
  }
}
