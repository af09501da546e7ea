import { minimize, outOfRange, POLISH } from './nelder-mead.ts';
import { lgamma } from './special-functions.ts';

/** Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005, "RFM and CLV"): z ~ Γ(p, ν), ν ~ Γ(q, γ). */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** Repeat buyers' mean spend per repeat purchase (major units), compressed like the triples. */
export interface SpendRows {
  x: Float64Array;
  zbar: Float64Array;
  count: Float64Array;
  length: number;
}

/** Compresses (x, z̄) pairs of repeat buyers with a positive mean spend; the others carry no spend signal. */
export function compressSpend(rows: Iterable<{ x: number; zbar: number }>): SpendRows {
  const index = new Map<string, number>();
  const x: number[] = [];
  const zbar: number[] = [];
  const count: number[] = [];
  for (const row of rows) {
    if (row.x <= 0 || !(row.zbar > 0)) continue;
    const key = `${row.x}|${row.zbar}`;
    const at = index.get(key);
    if (at !== undefined) count[at]!++;
    else {
      index.set(key, x.length);
      x.push(row.x);
      zbar.push(row.zbar);
      count.push(1);
    }
  }
  return {
    x: Float64Array.from(x),
    zbar: Float64Array.from(zbar),
    count: Float64Array.from(count),
    length: x.length,
  };
}

/** Per-data constants of the likelihood, computed once per data set rather than per evaluation. */
interface SpendTerms {
  /** Distinct x values, each row's position among them, and the customers per distinct x. */
  xs: Float64Array;
  at: Int32Array;
  countPerX: Float64Array;
  /** Σ count·x·ln z̄ and Σ count·ln z̄ (the (px − 1)·ln z̄ term is p times one minus the other). */
  sumXLogZ: number;
  sumLogZ: number;
  /** count·x·ln x summed per distinct x, for the px·ln x term. */
  xLogX: Float64Array;
}

const termsCache = new WeakMap<SpendRows, SpendTerms>();

function spendTerms(data: SpendRows): SpendTerms {
  const cached = termsCache.get(data);
  if (cached) return cached;
  const position = new Map<number, number>();
  const at = new Int32Array(data.length);
  const counts: number[] = [];
  let sumXLogZ = 0;
  let sumLogZ = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data.x[i]!;
    let k = position.get(x);
    if (k === undefined) {
      k = counts.length;
      position.set(x, k);
      counts.push(0);
    }
    at[i] = k;
    counts[k]! += data.count[i]!;
    const logZ = Math.log(data.zbar[i]!);
    sumXLogZ += data.count[i]! * x * logZ;
    sumLogZ += data.count[i]! * logZ;
  }
  const xs = Float64Array.from(position.keys());
  const terms = {
    xs,
    at,
    countPerX: Float64Array.from(counts),
    sumXLogZ,
    sumLogZ,
    xLogX: xs.map((x, k) => counts[k]! * x * Math.log(x)),
  };
  termsCache.set(data, terms);
  return terms;
}

/**
 * The log-likelihood of the mean spends z̄ given x (Fader & Hardie's Gamma-Gamma note, eq. 3). The
 * log-gammas depend on x alone and are taken once per distinct x; the ln z̄ and ln x terms are sums
 * fixed by the data; only ln(γ + x·z̄) is left per row.
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendRows): number {
  const { p, q, gamma } = params;
  const t = spendTerms(data);
  const lnGamma = Math.log(gamma);
  let sum = p * t.sumXLogZ - t.sumLogZ;
  const pxq = new Float64Array(t.xs.length);
  for (let k = 0; k < t.xs.length; k++) {
    const px = p * t.xs[k]!;
    pxq[k] = px + q;
    sum += t.countPerX[k]! * (lgamma(px + q) - lgamma(px) - lgamma(q) + q * lnGamma) + p * t.xLogX[k]!;
  }
  for (let i = 0; i < data.length; i++)
    sum -= data.count[i]! * pxq[t.at[i]!]! * Math.log(gamma + data.x[i]! * data.zbar[i]!);
  return sum;
}

// Above this many rows the search first runs on an evenly spaced sample of them (as the count models).
const SAMPLE_ROWS = 20_000;

/** Every k-th row, counts kept: a start for the search on all rows. */
function sampleSpend(data: SpendRows, size: number): SpendRows {
  const step = Math.max(1, Math.floor(data.length / size));
  const pick = (a: Float64Array) => a.filter((_, i) => i % step === 0);
  const x = pick(data.x);
  return { x, zbar: pick(data.zbar), count: pick(data.count), length: x.length };
}

/** Maximum-likelihood Gamma-Gamma parameters over their logarithms (from a sample's fit when large). */
export function fitGammaGamma(data: SpendRows): { params: GammaGammaParams; logLikelihood: number } {
  let total = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    total += data.count[i]! * data.zbar[i]!;
    n += data.count[i]!;
  }
  const mean = n ? total / n : 1;
  const toParams = (v: number[]): GammaGammaParams => ({
    p: Math.exp(v[0]!),
    q: Math.exp(v[1]!),
    gamma: Math.exp(v[2]!),
  });
  const search = (d: SpendRows, start: number[], polish: boolean) =>
    minimize(
      (v) => (outOfRange(v) ? Number.NaN : -gammaGammaLogLikelihood(toParams(v), d)),
      start,
      polish ? POLISH : { step: 0.5 },
    );
  let start = [Math.log(1), Math.log(2), Math.log(mean)];
  const sampled = data.length > SAMPLE_ROWS;
  if (sampled) start = search(sampleSpend(data, SAMPLE_ROWS), start, false).x;
  const best = search(data, start, sampled);
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** E[Z | p, q, γ, x, z̄]: expected spend per purchase; the population mean pγ/(q−1) when x = 0. */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  if (x <= 0 || !(zbar >= 0)) return q > 1 ? (p * gamma) / (q - 1) : Number.NaN;
  return ((gamma + x * zbar) * p) / (p * x + q - 1);
}
