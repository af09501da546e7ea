import { minimize, outOfRange } from './nelder-mead.ts';
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

/** The log-likelihood of the mean spends z̄ given x (Fader & Hardie's Gamma-Gamma note, eq. 3). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, data: SpendRows): number {
  const { p, q, gamma } = params;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data.x[i]!;
    const z = data.zbar[i]!;
    const px = p * x;
    sum +=
      data.count[i]! *
      (lgamma(px + q) -
        lgamma(px) -
        lgamma(q) +
        q * Math.log(gamma) +
        (px - 1) * Math.log(z) +
        px * Math.log(x) -
        (px + q) * Math.log(gamma + x * z));
  }
  return sum;
}

/** Maximum-likelihood Gamma-Gamma parameters over their logarithms. */
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
  const best = minimize(
    (v) => (outOfRange(v) ? Number.NaN : -gammaGammaLogLikelihood(toParams(v), data)),
    [Math.log(1), Math.log(2), Math.log(mean)],
  );
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** E[Z | p, q, γ, x, z̄]: expected spend per purchase; the population mean pγ/(q−1) when x = 0. */
export function gammaGammaExpectedSpend(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  if (x <= 0 || !(zbar >= 0)) return q > 1 ? (p * gamma) / (q - 1) : Number.NaN;
  return ((gamma + x * zbar) * p) / (p * x + q - 1);
}
