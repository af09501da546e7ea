import { describe, expect, it } from 'vitest';
import { minimizeBfgs } from '../src/predict/bfgs.ts';
import {
  bgnbdCustomerLogLikelihood,
  bgnbdExpected,
  bgnbdExpectedByQuadrature,
  bgnbdLogLikelihood,
  bgnbdLogLikelihoodGradient,
  bgnbdPAlive,
  fitBgnbd,
} from '../src/predict/bgnbd.ts';
import {
  compressSpend,
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  gammaGammaLogLikelihoodGradient,
} from '../src/predict/gamma-gamma.ts';
import { minimize } from '../src/predict/nelder-mead.ts';
import { fitParetoNbd, paretoExpected, paretoLogA0, paretoPAlive } from '../src/predict/pareto-nbd.ts';
import { compressTriples } from '../src/predict/rfm-triples.ts';
import {
  digamma,
  hyp2f1,
  hyp2f1OneContinued,
  lgamma,
  logHyp2f1APlus1,
} from '../src/predict/special-functions.ts';
import { cdnowSample } from './cdnow-sample.ts';

/** Composite Simpson's rule: an independent way to the integrals behind the closed forms. */
function simpson(f: (y: number) => number, from: number, to: number, n = 20_000): number {
  const h = (to - from) / n;
  let sum = f(from) + f(to);
  for (let i = 1; i < n; i++) sum += (i % 2 ? 4 : 2) * f(from + i * h);
  return (sum * h) / 3;
}

describe('special functions', () => {
  it('log-gamma matches factorials, √π and the recurrence', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 40; n++) {
      expect(lgamma(n)).toBeCloseTo(logFactorial, 11);
      logFactorial += Math.log(n);
    }
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    for (const x of [0.01, 0.243, 0.7, 1.5, 3.3, 17.9, 250.5, 1e5])
      expect(lgamma(x + 1) - lgamma(x)).toBeCloseTo(Math.log(x), 9);
  });

  it('2F1 matches its closed forms', () => {
    for (const z of [-0.9, -0.3, 0.1, 0.5, 0.95]) {
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 12);
      expect(hyp2f1(2.5, 0.7, 0.7, z)).toBeCloseTo((1 - z) ** -2.5, 9);
    }
    for (const x of [0.2, 0.6, 0.9]) expect(hyp2f1(0.5, 1, 1.5, -x * x)).toBeCloseTo(Math.atan(x) / x, 12);
  });

  it("Gauss's continued fraction for ₂F₁(1, b; c; z) equals the series, up to z = 0.99", () => {
    for (const [b, c, z] of [
      [0.6, 1.8, 0.3],
      [2.5, 4.2, 0.9],
      [7.3, 1.9, 0.6],
      [1.2, 30, 0.99],
      [40, 41.5, 0.95],
    ] as const)
      expect(hyp2f1OneContinued(b, c, z) / hyp2f1(1, b, c, z)).toBeCloseTo(1, 11);
    // Near 1, where the series would need some forty thousand terms: ₂F₁(1, 1; 2; z) = −ln(1−z)/z.
    expect(hyp2f1OneContinued(1, 2, 0.9999)).toBeCloseTo(-Math.log1p(-0.9999) / 0.9999, 10);
  });

  it('the Euler-transformed ₂F₁(a, b; a+1; z) equals the direct series', () => {
    for (const [a, b, z] of [
      [1.8, 1.6, 0.05],
      [3.2, 2.5, 0.4],
      [12.1, 0.6, 0.8],
      [0.9, 7.3, 0.6],
    ] as const)
      expect(logHyp2f1APlus1(a, b, z)).toBeCloseTo(Math.log(hyp2f1(a, b, a + 1, z)), 10);
  });
});

describe('Pareto/NBD and BG/NBD closed forms', () => {
  it('A₀ is (r+s+x)·∫ (α+y)^−(r+x) (β+y)^−(s+1) dy over (t_x, T], on both branches', () => {
    for (const p of [
      { r: 0.55, alpha: 10.6, s: 0.61, beta: 11.7 },
      { r: 0.55, alpha: 14, s: 0.61, beta: 3 },
      { r: 2, alpha: 5, s: 1.3, beta: 5 },
    ])
      for (const [x, tx, T] of [
        [0, 0, 30],
        [3, 12.5, 38.9],
        [20, 30, 31],
      ] as const) {
        const integral = simpson((y) => (p.alpha + y) ** -(p.r + x) * (p.beta + y) ** -(p.s + 1), tx, T);
        expect(Math.exp(paretoLogA0(p, x, tx, T)) / ((p.r + p.s + x) * integral)).toBeCloseTo(1, 8);
      }
  });

  it("BG/NBD's expected purchases equal the untransformed formula (FHL 2005, eq. 10)", () => {
    const p = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    for (const [t, x, tx, T] of [
      [39, 0, 0, 38.9],
      [39, 2, 20, 35],
      [4, 7, 30.1, 31],
      [52, 1, 1, 2],
    ] as const) {
      const z = t / (p.alpha + T + t);
      const direct =
        ((p.a + p.b + x - 1) / (p.a - 1)) *
        (1 -
          ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x) * hyp2f1(p.r + x, p.b + x, p.a + p.b + x - 1, z));
      const denominator =
        1 + (x > 0 ? (p.a / (p.b + x - 1)) * ((p.alpha + T) / (p.alpha + tx)) ** (p.r + x) : 0);
      expect(bgnbdExpected(p, t, x, tx, T)).toBeCloseTo(direct / denominator, 9);
    }
    // A second derivation (the mean of (1 − e^(−λpt))/p over the posterior, by quadrature) agrees,
    // also where the series is no use: parameters as a handful of customers can give.
    for (const q of [p, { r: 2, alpha: 30, a: 0.05, b: 0.3 }, { r: 0.5, alpha: 1, a: 3, b: 10 }])
      for (const [t, x, tx, T] of [
        [39, 0, 0, 38.9],
        [52, 1, 1, 2],
        [365, 30, 200, 300],
      ] as const)
        expect(bgnbdExpectedByQuadrature(q, t, x, tx, T) / bgnbdExpected(q, t, x, tx, T)).toBeCloseTo(1, 11);
    const extreme = { r: 3e-8, alpha: 4e-9, a: 2e8, b: 1e-8 };
    expect(Number.isFinite(bgnbdExpected(extreme, 52, 1, 10, 20))).toBe(true);
    // a = 1 is a removable singularity: the values beside it agree with it.
    const at1 = bgnbdExpected({ ...p, a: 1 }, 39, 2, 20, 35);
    expect(bgnbdExpected({ ...p, a: 1 + 1e-7 }, 39, 2, 20, 35)).toBeCloseTo(at1, 5);
    expect(bgnbdPAlive(p, 0, 0, 30)).toBe(1);
  });

  it("Pareto/NBD's P(alive) is the share of the likelihood from the alive term, and s = 1 is continuous", () => {
    const p = { r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669 };
    const [x, tx, T] = [3, 12, 38];
    // Alive term over the whole likelihood, the integral taken numerically.
    const alive = (p.alpha + T) ** -(p.r + x) * (p.beta + T) ** -p.s;
    const died = p.s * simpson((y) => (p.alpha + y) ** -(p.r + x) * (p.beta + y) ** -(p.s + 1), tx, T);
    expect(paretoPAlive(p, x, tx, T)).toBeCloseTo(alive / (alive + died), 8);
    const one = { ...p, s: 1 };
    expect(paretoExpected({ ...p, s: 1 + 1e-7 }, 39, x, tx, T)).toBeCloseTo(
      paretoExpected(one, 39, x, tx, T),
      5,
    );
  });

  it('the BG/NBD sample log-likelihood (per distinct value) is the sum of the customers’ own', () => {
    const rows = cdnowSample();
    const p = { r: 0.3, alpha: 5, a: 0.7, b: 2 };
    const direct = rows.reduce((t, c) => t + bgnbdCustomerLogLikelihood(p, c.x, c.tx, c.T), 0);
    expect(bgnbdLogLikelihood(p, compressTriples(rows))).toBeCloseTo(direct, 6);
  });

  it('the BG/NBD and Gamma-Gamma gradients equal central differences of the log-likelihoods', () => {
    const rows = cdnowSample();
    const triples = compressTriples(rows);
    const p = { r: 0.3, alpha: 5, a: 0.7, b: 2 };
    const { gradient, logLikelihood } = bgnbdLogLikelihoodGradient(p, triples);
    expect(logLikelihood).toBeCloseTo(bgnbdLogLikelihood(p, triples), 8);
    (['r', 'alpha', 'a', 'b'] as const).forEach((k, j) => {
      const h = 1e-6 * p[k];
      const up = bgnbdLogLikelihood({ ...p, [k]: p[k] + h }, triples);
      const down = bgnbdLogLikelihood({ ...p, [k]: p[k] - h }, triples);
      expect(gradient[j]! / ((up - down) / (2 * h))).toBeCloseTo(1, 5);
    });
    const spend = compressSpend(rows);
    const g = { p: 5, q: 3, gamma: 12 };
    const gg = gammaGammaLogLikelihoodGradient(g, spend);
    expect(gg.logLikelihood).toBeCloseTo(gammaGammaLogLikelihood(g, spend), 8);
    (['p', 'q', 'gamma'] as const).forEach((k, j) => {
      const h = 1e-6 * g[k];
      const up = gammaGammaLogLikelihood({ ...g, [k]: g[k] + h }, spend);
      const down = gammaGammaLogLikelihood({ ...g, [k]: g[k] - h }, spend);
      expect(gg.gradient[j]! / ((up - down) / (2 * h))).toBeCloseTo(1, 5);
    });
  });

  it('digamma matches −γ, ψ(½) = −γ − 2 ln 2 and the recurrence', () => {
    const eulerGamma = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-eulerGamma, 13);
    expect(digamma(0.5)).toBeCloseTo(-eulerGamma - 2 * Math.LN2, 13);
    for (const x of [0.01, 0.243, 2.426, 9.5, 250.5])
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, 10);
  });

  it('BFGS finds the Rosenbrock minimum', () => {
    const m = minimizeBfgs(
      (v) => ({
        value: 100 * (v[1]! - v[0]! ** 2) ** 2 + (1 - v[0]!) ** 2,
        gradient: Float64Array.of(
          -400 * v[0]! * (v[1]! - v[0]! ** 2) - 2 * (1 - v[0]!),
          200 * (v[1]! - v[0]! ** 2),
        ),
      }),
      [-1.2, 1],
    );
    expect(m.x[0]).toBeCloseTo(1, 6);
    expect(m.x[1]).toBeCloseTo(1, 6);
  });

  it('Nelder–Mead finds the Rosenbrock minimum', () => {
    const m = minimize((v) => 100 * (v[1]! - v[0]! ** 2) ** 2 + (1 - v[0]!) ** 2, [-1.2, 1]);
    expect(m.x[0]).toBeCloseTo(1, 5);
    expect(m.x[1]).toBeCloseTo(1, 5);
  });
});

describe('CDNOW 1/10 sample, 39-week calibration, weeks (the published fits)', () => {
  const rows = cdnowSample();
  const triples = compressTriples(rows);

  it('has the published counts', () => {
    expect(rows).toHaveLength(2357);
    expect(rows.reduce((t, r) => t + r.x, 0)).toBe(2457);
    expect(rows.filter((r) => r.x > 0)).toHaveLength(946);
    expect(rows.reduce((t, r) => t + r.holdout, 0)).toBe(1882);
  });

  it('BG/NBD: r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4', () => {
    const { params, logLikelihood } = fitBgnbd(triples);
    expect(params.r).toBeCloseTo(0.243, 3);
    expect(params.alpha).toBeCloseTo(4.414, 3);
    expect(params.a).toBeCloseTo(0.793, 3);
    expect(params.b).toBeCloseTo(2.426, 3);
    expect(logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it('Pareto/NBD: r = 0.553, α = 10.578, s = 0.606, β = 11.669, LL = −9595.0', () => {
    const { params, logLikelihood } = fitParetoNbd(triples);
    expect(params.r).toBeCloseTo(0.553, 3);
    expect(params.alpha).toBeCloseTo(10.578, 3);
    expect(params.s).toBeCloseTo(0.606, 3);
    expect(params.beta).toBeCloseTo(11.669, 3);
    expect(logLikelihood).toBeCloseTo(-9595.0, 1);
  });

  it('Gamma-Gamma on the 946 repeat buyers: p = 6.25, q = 3.74, γ = 15.44', () => {
    const spend = compressSpend(rows);
    const { params } = fitGammaGamma(spend);
    expect(params.p).toBeCloseTo(6.25, 2);
    expect(params.q).toBeCloseTo(3.74, 2);
    expect(params.gamma).toBeCloseTo(15.44, 2);
    // The conditional mean lies between the customer's mean and the population's (it is a weighted mean).
    const population = gammaGammaExpectedSpend(params, 0, 0);
    expect(population).toBeCloseTo((params.p * params.gamma) / (params.q - 1), 10);
    const e = gammaGammaExpectedSpend(params, 3, 80);
    expect(e).toBeGreaterThan(population);
    expect(e).toBeLessThan(80);
  });
});
