import { minimizeBfgs } from './bfgs.ts';
import { outOfRange } from './nelder-mead.ts';
import { indexTriples, type Triples } from './rfm-triples.ts';
import { digamma, hyp2f1MinusOneOverB, lgamma, logAddExp } from './special-functions.ts';

/** BG/NBD parameters (Fader, Hardie & Lee 2005): purchase rates Gamma(r, α), dropout Beta(a, b). */
export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** One customer's log-likelihood, in log space throughout (FHL 2005, eq. 6; Hardie's note 027). */
export function bgnbdCustomerLogLikelihood(p: BgnbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const lnA1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const lnA2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  const lnA3 = -(r + x) * Math.log(alpha + T);
  const lnA4 =
    x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return lnA1 + lnA2 + logAddExp(lnA3, lnA4);
}

/**
 * The sample's log-likelihood: each triple's times the customers sharing it. The terms that depend
 * on x alone, t_x alone or T alone are computed once per distinct value (the same sum as
 * {@link bgnbdCustomerLogLikelihood} per triple, a tenth of the work at a million customers).
 */
export function bgnbdLogLikelihood(p: BgnbdParams, data: Triples): number {
  const { r, alpha, a, b } = p;
  const { index } = indexTriples(data);
  const perX = new Float64Array(index.xs.length);
  const lnA4X = new Float64Array(index.xs.length);
  const base = -lgamma(r) + r * Math.log(alpha) + lgamma(a + b) - lgamma(b);
  for (let k = 0; k < index.xs.length; k++) {
    const x = index.xs[k]!;
    perX[k] = base + lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x);
    lnA4X[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
  }
  const lnT = index.Ts.map((T) => Math.log(alpha + T));
  const lnTx = index.txs.map((tx) => Math.log(alpha + tx));
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const k = index.x[i]!;
    const rx = r + index.xs[k]!;
    sum +=
      data.count[i]! * (perX[k]! + logAddExp(-rx * lnT[index.T[i]!]!, lnA4X[k]! - rx * lnTx[index.tx[i]!]!));
  }
  return sum;
}

/**
 * The sample's log-likelihood and its gradient in (r, α, a, b), summed as
 * {@link bgnbdLogLikelihood} does: per distinct value what depends on one value alone (the
 * digammas per x), per triple one exponential and one logarithm. With w the share of the
 * likelihood from "dropped out after the last purchase" (the A₄ term),
 * ∂/∂r = ψ(r+x) − ψ(r) + ln α − (1−w) ln(α+T) − w ln(α+t_x),
 * ∂/∂α = r/α − (r+x)((1−w)/(α+T) + w/(α+t_x)), ∂/∂a = ψ(a+b) − ψ(a+b+x) + w/a,
 * ∂/∂b = ψ(a+b) + ψ(b+x) − ψ(b) − ψ(a+b+x) − w/(b+x−1).
 */
export function bgnbdLogLikelihoodGradient(
  p: BgnbdParams,
  data: Triples,
): { logLikelihood: number; gradient: Float64Array } {
  const { r, alpha, a, b } = p;
  const { index } = indexTriples(data);
  const nx = index.xs.length;
  const perX = new Float64Array(nx);
  const lnA4X = new Float64Array(nx);
  const inverseBX = new Float64Array(nx);
  const countX = new Float64Array(nx);
  const base = -lgamma(r) + r * Math.log(alpha) + lgamma(a + b) - lgamma(b);
  for (let k = 0; k < nx; k++) {
    const x = index.xs[k]!;
    perX[k] = base + lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x);
    lnA4X[k] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
    inverseBX[k] = x > 0 ? 1 / (b + x - 1) : 0;
  }
  const lnT = index.Ts.map((T) => Math.log(alpha + T));
  const lnTx = index.txs.map((tx) => Math.log(alpha + tx));
  const invT = index.Ts.map((T) => 1 / (alpha + T));
  const invTx = index.txs.map((tx) => 1 / (alpha + tx));
  let sum = 0;
  let gr = 0;
  let gAlpha = 0;
  let sumW = 0;
  let sumWB = 0;
  for (let i = 0; i < data.length; i++) {
    const k = index.x[i]!;
    const c = data.count[i]!;
    const rx = r + index.xs[k]!;
    const iT = index.T[i]!;
    const iTx = index.tx[i]!;
    const l3 = -rx * lnT[iT]!;
    const l4 = lnA4X[k]! - rx * lnTx[iTx]!;
    const d = l4 - l3;
    let w: number;
    if (d > 0) {
      const e = Math.exp(-d);
      sum += c * (perX[k]! + l4 + Math.log1p(e));
      w = 1 / (1 + e);
    } else {
      const e = Math.exp(d);
      sum += c * (perX[k]! + l3 + Math.log1p(e));
      w = e / (1 + e);
    }
    countX[k]! += c;
    gr -= c * ((1 - w) * lnT[iT]! + w * lnTx[iTx]!);
    gAlpha -= c * rx * ((1 - w) * invT[iT]! + w * invTx[iTx]!);
    sumW += c * w;
    sumWB += c * w * inverseBX[k]!;
  }
  const psiAB = digamma(a + b);
  const rTerm = Math.log(alpha) - digamma(r);
  const bTerm = psiAB - digamma(b);
  let n = 0;
  let ga = sumW / a;
  let gb = -sumWB;
  for (let k = 0; k < nx; k++) {
    const x = index.xs[k]!;
    const c = countX[k]!;
    if (c === 0) continue;
    n += c;
    const psiABX = digamma(a + b + x);
    gr += c * (digamma(r + x) + rTerm);
    ga += c * (psiAB - psiABX);
    gb += c * (bTerm + digamma(b + x) - psiABX);
  }
  gAlpha += (n * r) / alpha;
  return { logLikelihood: sum, gradient: Float64Array.of(gr, gAlpha, ga, gb) };
}

/**
 * Maximum-likelihood BG/NBD parameters by BFGS over their logarithms (so they stay positive), on
 * the mean log-likelihood per customer (so a sample's inverse Hessian suits the full data).
 */
export function fitBgnbd(
  data: Triples,
  start?: BgnbdParams,
  inverseHessian?: Float64Array,
): { params: BgnbdParams; logLikelihood: number; inverseHessian: Float64Array } {
  const toParams = (v: ArrayLike<number>): BgnbdParams => ({
    r: Math.exp(v[0]!),
    alpha: Math.exp(v[1]!),
    a: Math.exp(v[2]!),
    b: Math.exp(v[3]!),
  });
  let customers = 0;
  for (let i = 0; i < data.length; i++) customers += data.count[i]!;
  const s = start ?? { r: 1, alpha: meanT(data) / 4 || 1, a: 1, b: 1 };
  const best = minimizeBfgs(
    (v) => {
      if (outOfRange(Array.from(v))) return { value: Number.NaN, gradient: new Float64Array(4) };
      const p = toParams(v);
      const { logLikelihood, gradient } = bgnbdLogLikelihoodGradient(p, data);
      // d/d ln θ = θ · d/dθ.
      const scaled = Float64Array.of(
        p.r * gradient[0]!,
        p.alpha * gradient[1]!,
        p.a * gradient[2]!,
        p.b * gradient[3]!,
      );
      return { value: -logLikelihood / customers, gradient: scaled.map((g) => -g / customers) };
    },
    [s.r, s.alpha, s.a, s.b].map(Math.log),
    { inverseHessian },
  );
  const params = toParams(best.x);
  return { params, logLikelihood: bgnbdLogLikelihood(params, data), inverseHessian: best.inverseHessian };
}

/** The mean of T over customers: a start for α in whatever unit the data are in. */
export function meanT(data: Triples): number {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    n += data.count[i]!;
    sum += data.count[i]! * data.T[i]!;
  }
  return n ? sum / n : 0;
}

/** P(alive at T | x, t_x, T). A customer without repeat purchases is alive under BG/NBD. */
export function bgnbdPAlive(p: BgnbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = p;
  return 1 / (1 + Math.exp(Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + tx))));
}

/**
 * E[X(T, T + t) | x, t_x, T] by one-dimensional quadrature: alive, a customer buys at rate λ and
 * leaves after each purchase with probability p, so expects (1 − e^(−λpt))/p purchases in t; given
 * alive at T, λ ~ Γ(r+x, α+T) and p ~ Beta(a, b+x), and the mean over λ is closed, leaving
 * P(alive) · E_p[h(p)] with h(p) = (1 − (1 + pt/(α+T))^−(r+x)) / p. E_p is taken by tanh-sinh
 * quadrature after removing h's chord (whose mean is exact), so the integrand vanishes at both ends
 * however small a or b + x are. Slower than the series, but it cannot fail to converge.
 */
export function bgnbdExpectedByQuadrature(
  p: BgnbdParams,
  t: number,
  x: number,
  tx: number,
  T: number,
): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const beta = b + x;
  const scale = t / (alpha + T);
  const h = (q: number) => (q === 0 ? scale * (r + x) : -Math.expm1(-(r + x) * Math.log1p(q * scale)) / q);
  const h0 = h(0);
  const h1 = h(1);
  const lnB = lgamma(a) + lgamma(beta) - lgamma(a + beta);
  let sum = 0;
  const step = 1 / 32;
  for (let k = -200; k <= 200; k++) {
    const u = k * step;
    const s = Math.PI * Math.sinh(u);
    // q and 1 − q each computed directly, so neither end loses digits.
    const q = 1 / (1 + Math.exp(-s));
    const oneMinusQ = 1 / (1 + Math.exp(s));
    if (q === 0 || oneMinusQ === 0) continue;
    const rest = h(q) - (h0 * oneMinusQ + h1 * q);
    sum += rest * Math.exp(a * Math.log(q) + beta * Math.log(oneMinusQ) - lnB) * Math.PI * Math.cosh(u);
  }
  const mean = (h0 * beta) / (a + beta) + (h1 * a) / (a + beta) + sum * step;
  return bgnbdPAlive(p, x, tx, T) * mean;
}

/**
 * E[X(T, T + t) | x, t_x, T]: expected purchases in the next t (FHL 2005, eq. 10). The ₂F₁ is
 * taken through Euler's transformation, whose parameters do not grow with x, and (₂F₁ − 1)/(a − 1)
 * is summed directly so that a = 1 needs no special case.
 */
export function bgnbdExpected(p: BgnbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  const value = bgnbdPAlive(p, x, tx, T) * bgnbdExpectedIfAlive(p, t, x, T);
  // The series stalls only for parameters far from any real data (a handful of customers).
  return Number.isFinite(value) ? value : bgnbdExpectedByQuadrature(p, t, x, tx, T);
}

/**
 * E[X(T, T + t) | alive at T, x, T]: eq. 10's numerator (its denominator is 1 / P(alive)), so
 * t_x does not enter and a score can share it between customers of the same x and T. NaN where
 * the series stalls (then {@link bgnbdExpected} takes the quadrature).
 */
export function bgnbdExpectedIfAlive(p: BgnbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + T + t);
  const lnOneMinusZ = Math.log1p(-z);
  // [1 − (1−z)^(a−1) F] / (a − 1) with F = ₂F₁(a+b−1−r, a−1; a+b+x−1; z).
  const power = Math.exp((a - 1) * lnOneMinusZ);
  const firstPart = Math.abs(a - 1) < 1e-12 ? -lnOneMinusZ : -Math.expm1((a - 1) * lnOneMinusZ) / (a - 1);
  const bracket = firstPart - power * hyp2f1MinusOneOverB(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return (a + b + x - 1) * bracket;
}
