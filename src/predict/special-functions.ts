/**
 * The few special functions the customer-base models need, in log space where values overflow.
 * Written here rather than taken from npm: the maintained candidate (@stdlib's gammaln) would
 * bring eleven packages for twenty lines, and none of the maintained packages has a real 2F1.
 */

// Lanczos approximation, g = 7, n = 9: relative error below 1e-15 for positive arguments.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 (ln|Γ(x)| by reflection below ½). */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return HALF_LOG_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ψ(x) = d ln Γ(x)/dx for x > 0: the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the
 * asymptotic series (relative error below 1e-14 there); the likelihoods' gradients need it.
 */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 10) {
    shift -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  const tail =
    f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - (f * 691) / 32760)))));
  return shift + Math.log(x) - 0.5 / x - tail;
}

/** ln(eᵃ + eᵇ) without overflow; −∞ stands for a zero term. */
export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** ln(1 − eᵈ) for d ≤ 0, accurate both near 0 and far below it. */
export function log1mExp(d: number): number {
  if (d > 0) return Number.NaN;
  return d > -Math.LN2 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d));
}

const MAX_TERMS = 500_000;

/**
 * Σₖ≥₁ (a)ₖ(b+1)ₖ₋₁ / ((c)ₖ k!) zᵏ = (₂F₁(a, b; c; z) − 1) / b, by its power series for |z| < 1.
 * Divided by b so that callers can take the limit b → 0 without cancelling (BG/NBD at a = 1).
 * NaN when the series does not settle (|z| too close to 1 for the terms allowed).
 */
export function hyp2f1MinusOneOverB(a: number, b: number, c: number, z: number): number {
  if (z === 0) return 0;
  if (!(Math.abs(z) < 1)) return Number.NaN;
  let term = (a / c) * z;
  let sum = term;
  for (let k = 1; k < MAX_TERMS; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    // The term ratios tend monotonically to |z| from here on, so q = max(next ratio, |z|) bounds
    // them all and the tail is at most |term|·q/(1−q) (a geometric bound).
    const q = Math.max(Math.abs(((a + k + 1) * (b + k + 1) * z) / ((c + k + 1) * (k + 2))), Math.abs(z));
    if (q < 1 && Math.abs(term) * (q / (1 - q)) <= 1e-16 * Math.abs(sum)) return sum;
    if (term === 0) return sum;
  }
  return Number.NaN;
}

/** ₂F₁(a, b; c; z) by its power series, for |z| < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  return 1 + b * hyp2f1MinusOneOverB(a, b, c, z);
}

/**
 * ₂F₁(1, b; c; z) for 0 ≤ z < 1 by Gauss's continued fraction (₂F₁(a+1, b; c'+1; z) / ₂F₁(a, b; c'; z)
 * with a = 0, c' = c − 1), evaluated by the modified Lentz method. Near z = 1 it needs a few hundred
 * steps where the power series needs tens of thousands. NaN when it does not settle.
 */
export function hyp2f1OneContinued(b: number, c: number, z: number): number {
  const cc = c - 1;
  const tiny = 1e-300;
  // f = 1 / (1 + k₁z / (1 + k₂z / (1 + …))); Lentz on the denominator g = 1 + k₁z / (1 + …).
  let g = 1;
  let C = 1;
  let D = 0;
  for (let j = 1; j <= MAX_FRACTION_STEPS; j++) {
    const n = Math.floor((j - 1) / 2);
    const k =
      j % 2 === 1
        ? ((-cc - n) * (b + n)) / ((cc + 2 * n) * (cc + 2 * n + 1))
        : ((b - cc - n - 1) * (n + 1)) / ((cc + 2 * n + 1) * (cc + 2 * n + 2));
    const an = k * z;
    D = 1 + an * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = 1 + an / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    if (j === 1) g = 1 + an;
    else g *= delta;
    if (j > 1 && Math.abs(delta - 1) < 1e-16) return 1 / g;
  }
  return Number.NaN;
}

const MAX_FRACTION_STEPS = 20_000;

/**
 * ln ₂F₁(a, b; a + 1; z) for 0 ≤ z < 1 and a, b > 0: the form in the Pareto/NBD likelihood.
 * Euler's transformation turns it into (1 − z)^(1−b) ₂F₁(1, a + 1 − b; a + 1; z), whose terms are
 * positive and shrink from the first, so neither a large b (many purchases) overflows nor does
 * the sum lose digits; past z = ½ the continued fraction takes over from the series.
 */
export function logHyp2f1APlus1(a: number, b: number, z: number): number {
  if (z === 0) return 0;
  if (!(z > 0 && z < 1)) return Number.NaN;
  const c = a + 1;
  const d = c - b;
  if (z > 0.5) return (1 - b) * Math.log1p(-z) + Math.log(hyp2f1OneContinued(d, c, z));
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    // Term ratio (1 + k)(d + k) / ((c + k)(k + 1)) z = (d + k) z / (c + k).
    term *= ((d + k) * z) / (c + k);
    sum += term;
    if (Math.abs(term) <= 1e-17 * sum * (1 - z)) return (1 - b) * Math.log1p(-z) + Math.log(sum);
  }
  return Number.NaN;
}
