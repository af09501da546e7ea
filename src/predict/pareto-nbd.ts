import { meanT } from './bgnbd.ts';
import { minimize, outOfRange, POLISH } from './nelder-mead.ts';
import type { Triples } from './rfm-triples.ts';
import { lgamma, log1mExp, logAddExp, logHyp2f1APlus1 } from './special-functions.ts';

/** Pareto/NBD parameters: purchase rates Gamma(r, α), dropout rates Gamma(s, β). */
export interface ParetoNbdParams {
  r: number;
  alpha: number;
  s: number;
  beta: number;
}

/**
 * ln A₀ of Fader & Hardie's note on the Pareto/NBD ("A Note on Deriving the Pareto/NBD Model and
 * Related Expressions", 2005, eq. 19–20), taking the branch whose ₂F₁ argument lies in [0, 1):
 * A₀ = F(t_x) − F(T) with F(t) = ₂F₁(r+s+x, b; r+s+x+1; |α−β| / (max(α,β)+t)) / (max(α,β)+t)^(r+s+x),
 * b = s + 1 when α ≥ β and r + x otherwise. F falls with t, so the difference is taken as
 * F(t_x)·(1 − e^(F(T) − F(t_x))) in logs.
 */
export function paretoLogA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const rsx = r + s + x;
  const max = Math.max(alpha, beta);
  const gap = Math.abs(alpha - beta);
  const b = alpha >= beta ? s + 1 : r + x;
  const F = (t: number) => logHyp2f1APlus1(rsx, b, gap / (max + t)) - rsx * Math.log(max + t);
  if (T <= tx) return Number.NEGATIVE_INFINITY;
  const atTx = F(tx);
  return atTx + log1mExp(F(T) - atTx);
}

/** One customer's log-likelihood (the note's eq. 22), in log space. */
export function paretoCustomerLogLikelihood(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const lead = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const stillAlive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const diedBetween = Math.log(s) - Math.log(r + s + x) + paretoLogA0(p, x, tx, T);
  return lead + logAddExp(stillAlive, diedBetween);
}

/** The sample's log-likelihood: each triple's times the customers sharing it. */
export function paretoLogLikelihood(p: ParetoNbdParams, data: Triples): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++)
    sum += data.count[i]! * paretoCustomerLogLikelihood(p, data.x[i]!, data.tx[i]!, data.T[i]!);
  return sum;
}

/** Maximum-likelihood Pareto/NBD parameters, searched over their logarithms. */
export function fitParetoNbd(
  data: Triples,
  start?: ParetoNbdParams,
): { params: ParetoNbdParams; logLikelihood: number } {
  const toParams = (v: number[]): ParetoNbdParams => ({
    r: Math.exp(v[0]!),
    alpha: Math.exp(v[1]!),
    s: Math.exp(v[2]!),
    beta: Math.exp(v[3]!),
  });
  const guess = meanT(data) / 4 || 1;
  const s0 = start ?? { r: 1, alpha: guess, s: 1, beta: guess };
  const best = minimize(
    (v) => (outOfRange(v) ? Number.NaN : -paretoLogLikelihood(toParams(v), data)),
    [s0.r, s0.alpha, s0.s, s0.beta].map(Math.log),
    // From a sample's fit (a start), the polish on all the data stops at a looser point tolerance.
    start ? POLISH : { step: 0.5 },
  );
  return { params: toParams(best.x), logLikelihood: -best.value };
}

/** P(alive at T | x, t_x, T) (the note's eq. 23). */
export function paretoPAlive(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const lnRatio =
    Math.log(s / (r + s + x)) +
    (r + x) * Math.log(alpha + T) +
    s * Math.log(beta + T) +
    paretoLogA0(p, x, tx, T);
  return 1 / (1 + Math.exp(lnRatio));
}

/**
 * E[X(T, T + t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^(s−1)],
 * with the s → 1 limit (β+T)·ln(1 + t/(β+T)) reached through expm1 rather than a special case.
 */
export function paretoExpected(p: ParetoNbdParams, t: number, x: number, tx: number, T: number): number {
  if (t <= 0) return 0;
  return paretoPAlive(p, x, tx, T) * paretoExpectedIfAlive(p, t, x, T);
}

/** E[X(T, T + t) | alive at T, x, T]: the expectation above without P(alive); t_x does not enter. */
export function paretoExpectedIfAlive(p: ParetoNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, s, beta } = p;
  const lnq = Math.log((beta + T) / (beta + T + t));
  const factor = Math.abs(s - 1) < 1e-12 ? -lnq : -Math.expm1((s - 1) * lnq) / (s - 1);
  return ((r + x) / (alpha + T)) * (beta + T) * factor;
}
