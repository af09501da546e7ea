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

/** For one of R, F, M: the scored customers' sorted values and where scores step. */
export interface ScoreBasis {
  /** The scored customers' values, ascending. */
  sorted: Float64Array;
  /**
   * Cut points for scores 2–5: a value scores s when it is ≥ cuts[s − 2] (F, M) or ≤ cuts[s − 2]
   * (R, where fewer days score higher). Scores step only there.
   */
  cuts: Float64Array;
  ascending: boolean;
}

/**
 * The cut points of sorted values: score ≥ s ⟺ 5c/n > s − 1 ⟺ c ≥ k = ⌊(s − 1)n/5⌋ + 1, with c
 * the count of values ≤ v (≥ v for R); that holds exactly when v reaches the k-th smallest
 * (largest) value. So one sort and four look-ups replace a search per customer.
 */
export function scoreBasis(sorted: Float64Array, ascending: boolean): ScoreBasis {
  const n = sorted.length;
  const cuts = new Float64Array(4);
  for (let s = 2; s <= 5 && n > 0; s++) {
    const k = Math.floor(((s - 1) * n) / 5) + 1;
    cuts[s - 2] = ascending ? sorted[k - 1]! : sorted[n - k]!;
  }
  return { sorted, cuts, ascending };
}

/** The 1–5 score of value `v` under a basis. */
export function scoreOf(b: ScoreBasis, v: number): number {
  const c = b.cuts;
  if (b.ascending) return 1 + +(v >= c[0]!) + +(v >= c[1]!) + +(v >= c[2]!) + +(v >= c[3]!);
  return 1 + +(v <= c[0]!) + +(v <= c[1]!) + +(v <= c[2]!) + +(v <= c[3]!);
}

function scoreAll(values: ArrayLike<number>, ascending: boolean): { scores: Uint8Array; basis: ScoreBasis } {
  const n = values.length;
  const basis = scoreBasis(Float64Array.from(values).sort(), ascending);
  const scores = new Uint8Array(n);
  for (let i = 0; i < n; i++) scores[i] = scoreOf(basis, values[i]!);
  return { scores, basis };
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
  return scoreRfmWithBasis(input, split).scores;
}

/** The R, F and M bases of one scoring, for telling later whose scores a change moved. */
export interface RfmBasis {
  r: ScoreBasis;
  f: ScoreBasis;
  m: ScoreBasis;
}

/** {@link scoreRfm}, also returning the sorted values and cut points it scored by. */
export function scoreRfmWithBasis(input: RfmInput, split: RfmSplit): { scores: RfmScores; basis: RfmBasis } {
  const n = input.recency.length;
  const R = scoreAll(input.recency, false);
  const F = scoreAll(input.frequency, true);
  const M = scoreAll(input.monetary, true);
  const [r, f, m] = [R.scores, F.scores, M.scores];
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
  return { scores: { r, f, m, group }, basis: { r: R.basis, f: F.basis, m: M.basis } };
}
