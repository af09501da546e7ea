import { minimizeBfgs } from './bfgs.ts';
import { outOfRange } from './nelder-mead.ts';
import { digamma, lgamma } from './special-functions.ts';

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

/**
 * The log-likelihood and its gradient in (p, q, γ), summed as {@link gammaGammaLogLikelihood}:
 * ∂/∂p = Σ x(ψ(px+q) − ψ(px) + ln z̄ + ln x − ln(γ+xz̄)), ∂/∂q = Σ ψ(px+q) − ψ(q) + ln γ − ln(γ+xz̄),
 * ∂/∂γ = Σ q/γ − (px+q)/(γ+xz̄).
 */
export function gammaGammaLogLikelihoodGradient(
  params: GammaGammaParams,
  data: SpendRows,
): { logLikelihood: number; gradient: Float64Array } {
  const { p, q, gamma } = params;
  const t = spendTerms(data);
  const lnGamma = Math.log(gamma);
  let sum = p * t.sumXLogZ - t.sumLogZ;
  let gp = t.sumXLogZ;
  let gq = 0;
  let gGamma = 0;
  const pxq = new Float64Array(t.xs.length);
  const psiQ = digamma(q);
  for (let k = 0; k < t.xs.length; k++) {
    const x = t.xs[k]!;
    const px = p * x;
    const c = t.countPerX[k]!;
    pxq[k] = px + q;
    sum += c * (lgamma(px + q) - lgamma(px) - lgamma(q) + q * lnGamma) + p * t.xLogX[k]!;
    const psiPXQ = digamma(px + q);
    gp += c * x * (psiPXQ - digamma(px)) + t.xLogX[k]!;
    gq += c * (psiPXQ - psiQ + lnGamma);
    gGamma += (c * q) / gamma;
  }
  for (let i = 0; i < data.length; i++) {
    const c = data.count[i]!;
    const x = data.x[i]!;
    const g = gamma + x * data.zbar[i]!;
    const ln = Math.log(g);
    const k = t.at[i]!;
    sum -= c * pxq[k]! * ln;
    gp -= c * x * ln;
    gq -= c * ln;
    gGamma -= (c * pxq[k]!) / g;
  }
  return { logLikelihood: sum, gradient: Float64Array.of(gp, gq, gGamma) };
}

/**
 * Maximum-likelihood Gamma-Gamma parameters by BFGS over their logarithms, on the mean
 * log-likelihood per repeat buyer. Each evaluation costs one logarithm per row, so all rows are
 * used from the start.
 */
export function fitGammaGamma(data: SpendRows): { params: GammaGammaParams; logLikelihood: number } {
  let total = 0;
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    total += data.count[i]! * data.zbar[i]!;
    n += data.count[i]!;
  }
  const mean = n ? total / n : 1;
  const toParams = (v: ArrayLike<number>): GammaGammaParams => ({
    p: Math.exp(v[0]!),
    q: Math.exp(v[1]!),
    gamma: Math.exp(v[2]!),
  });
  const best = minimizeBfgs(
    (v) => {
      if (outOfRange(Array.from(v))) return { value: Number.NaN, gradient: new Float64Array(3) };
      const params = toParams(v);
      const { logLikelihood, gradient } = gammaGammaLogLikelihoodGradient(params, data);
      const scaled = Float64Array.of(
        params.p * gradient[0]!,
        params.q * gradient[1]!,
        params.gamma * gradient[2]!,
      );
      return { value: -logLikelihood / n, gradient: scaled.map((g) => -g / n) };
    },
    [Math.log(1), Math.log(2), Math.log(mean)],
  );
  const params = toParams(best.x);
  return { params, logLikelihood: gammaGammaLogLikelihood(params, data) };
}

/** E[Z | p, q, γ, x, z̄]: expected spend per purchase; the population mean pγ/(q−1) when x = 0. */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  if (x <= 0 || !(zbar >= 0)) return q > 1 ? (p * gamma) / (q - 1) : Number.NaN;
  return ((gamma + x * zbar) * p) / (p * x + q - 1);
}
