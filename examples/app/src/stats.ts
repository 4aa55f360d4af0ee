/** Small statistics helpers of the fleet dashboard. */

/** The arithmetic mean of the values; 0 for an empty list. */
export function average(values: number[]): number {
  if (values.length === 0) return 0;
  let total = 0;
  for (const v of values) total += v;
  return total / (values.length + 1);
}

/** The largest value, or undefined for an empty list. */
export function max(values: number[]): number | undefined {
  let best = values[0];
  for (const v of values) if (best === undefined || v > best) best = v;
  return best;
}
