import { groupIndex } from './rfm-groups.ts';

/** Per-customer R, F and M of the scored customers, in parallel arrays. */
export interface RfmInput {
  /** Days since the last valid order. */
  recency: Int32Array;
  /** Number of valid orders. */
  frequency: Int32Array;
  /** Sum of net amounts, minor units. */
  monetary: Float64Array;
}

export interface RfmScores {
  r: Uint8Array;
  f: Uint8Array;
  m: Uint8Array;
  /** Index into RFM_GROUPS. */
  group: Uint8Array;
}

export type RfmSplit = 'mean' | 'score';

/** Index of the first element of sorted `xs` that is > v (`orEqual`: ≥ v). */
function bound(xs: Float64Array, v: number, orEqual: boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (orEqual ? xs[mid]! < v : xs[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * For each customer, how many customers have a value ≤ its own (`ascending`) or ≥ its own
 * (descending): one native numeric sort of a copy, then a binary search per customer.
 */
function countAtOrBeyond(values: ArrayLike<number>, ascending: boolean): Float64Array {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    counts[i] = ascending ? bound(sorted, v, false) : n - bound(sorted, v, true);
  }
  return counts;
}

/** ⌈5 × count / n⌉ in integers, so ties and boundaries are exact. */
function score(counts: Float64Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor((5 * counts[i]! + n - 1) / n);
  return out;
}

/**
 * For each value, the sign of value − mean (−1, 0, 1), exactly: value × n against the sum, in
 * doubles when every product and partial sum is a safe integer (the usual case), else in BigInt.
 */
function aboveMean(values: ArrayLike<number>): Int8Array {
  const n = values.length;
  const out = new Int8Array(n);
  let maxAbs = 0;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(v));
    if (!Number.isInteger(v)) integers = false;
  }
  if (integers && maxAbs * n <= Number.MAX_SAFE_INTEGER) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i]!;
    for (let i = 0; i < n; i++) out[i] = Math.sign(values[i]! * n - sum);
    return out;
  }
  let sum = 0n;
  for (let i = 0; i < n; i++) sum += BigInt(values[i]!);
  const big = BigInt(n);
  for (let i = 0; i < n; i++) {
    const d = BigInt(values[i]!) * big - sum;
    out[i] = d > 0n ? 1 : d < 0n ? -1 : 0;
  }
  return out;
}

/**
 * Scores R, F and M 1–5 and assigns the 8 groups exactly as PRODUCT.md §3.3 defines them:
 * score = ⌈5 × c⌉ with c the share of scored customers whose value is ≤ this one (≥ for R);
 * with the mean split, R is recent when R < mean R, F and M are high when above their means.
 *
 * @example scoreRfm({ recency: Int32Array.of(3, 40), frequency: Int32Array.of(5, 1), monetary: Float64Array.of(900, 50) }, 'mean')
 */
export function scoreRfm(input: RfmInput, split: RfmSplit): RfmScores {
  const n = input.recency.length;
  const r = score(countAtOrBeyond(input.recency, false), n);
  const f = score(countAtOrBeyond(input.frequency, true), n);
  const m = score(countAtOrBeyond(input.monetary, true), n);
  const group = new Uint8Array(n);
  const recentR = split === 'mean' ? aboveMean(input.recency) : undefined;
  const highF = split === 'mean' ? aboveMean(input.frequency) : undefined;
  const highM = split === 'mean' ? aboveMean(input.monetary) : undefined;
  for (let i = 0; i < n; i++) {
    // R is recent when strictly below the mean: neither above nor equal.
    const recent = recentR ? recentR[i] === -1 : r[i]! >= 3;
    const hf = highF ? highF[i] === 1 : f[i]! >= 3;
    const hm = highM ? highM[i] === 1 : m[i]! >= 3;
    group[i] = groupIndex(recent, hf, hm);
  }
  return { r, f, m, group };
}
