import {
  type BgnbdParams,
  bgnbdExpected,
  bgnbdExpectedIfAlive,
  bgnbdLogLikelihood,
  bgnbdPAlive,
  fitBgnbd,
} from './bgnbd.ts';
import {
  fitParetoNbd,
  type ParetoNbdParams,
  paretoExpected,
  paretoExpectedIfAlive,
  paretoLogLikelihood,
  paretoPAlive,
} from './pareto-nbd.ts';
import { sampleTriples, type Triples } from './rfm-triples.ts';

export const COUNT_MODELS = ['bgnbd', 'paretonbd'] as const;
export type CountModelName = (typeof COUNT_MODELS)[number];
export const TIME_UNITS = ['day', 'week'] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];
/** Days in one model unit. */
export const UNIT_DAYS: Record<TimeUnit, number> = { day: 1, week: 7 };

/** A fitted purchase-count model, whichever it is, with what a prediction needs of it. */
export interface CountModel {
  name: CountModelName;
  /** r, alpha and a, b (BG/NBD) or s, beta (Pareto/NBD). */
  params: Record<string, number>;
  logLikelihood: number;
  pAlive(x: number, tx: number, T: number): number;
  /** Expected purchases in the next t units. */
  expected(t: number, x: number, tx: number, T: number): number;
  /** The same if still alive: expected = pAlive × expectedIfAlive (NaN where it cannot say). */
  expectedIfAlive(t: number, x: number, T: number): number;
}

/** Wraps parameters (fitted now or read from a stored fit) as a {@link CountModel}. */
export function countModel(
  name: CountModelName,
  params: Record<string, number>,
  logLikelihood: number,
): CountModel {
  if (name === 'bgnbd') {
    const p = params as unknown as BgnbdParams;
    return {
      name,
      params,
      logLikelihood,
      pAlive: (x, tx, T) => bgnbdPAlive(p, x, tx, T),
      expected: (t, x, tx, T) => bgnbdExpected(p, t, x, tx, T),
      expectedIfAlive: (t, x, T) => bgnbdExpectedIfAlive(p, t, x, T),
    };
  }
  const p = params as unknown as ParetoNbdParams;
  return {
    name,
    params,
    logLikelihood,
    pAlive: (x, tx, T) => paretoPAlive(p, x, tx, T),
    expected: (t, x, tx, T) => paretoExpected(p, t, x, tx, T),
    expectedIfAlive: (t, x, T) => paretoExpectedIfAlive(p, t, x, T),
  };
}

// Above this many triples the search starts from a fit on a sample of them.
const SAMPLE_TRIPLES = 20_000;

/**
 * Fits the named model by maximum likelihood. With many distinct triples (daily data over years:
 * half a million at a million customers) the search first runs on an evenly spaced sample of them,
 * then polishes from there on all (BG/NBD's BFGS keeps the sample's inverse Hessian), so most
 * evaluations are cheap.
 */
export function fitCountModel(name: CountModelName, data: Triples): CountModel {
  const sampled = data.length > SAMPLE_TRIPLES ? sampleTriples(data, SAMPLE_TRIPLES) : null;
  if (name === 'bgnbd') {
    const first = sampled ? fitBgnbd(sampled) : null;
    const result = fitBgnbd(data, first?.params, first?.inverseHessian);
    return countModel(name, { ...result.params }, result.logLikelihood);
  }
  const start = sampled ? fitParetoNbd(sampled).params : undefined;
  const result = fitParetoNbd(data, start);
  return countModel(name, { ...result.params }, result.logLikelihood);
}

/** The log-likelihood of given parameters on the data (to compare fits, or a published one). */
export function countLogLikelihood(
  name: CountModelName,
  params: Record<string, number>,
  data: Triples,
): number {
  return name === 'bgnbd'
    ? bgnbdLogLikelihood(params as unknown as BgnbdParams, data)
    : paretoLogLikelihood(params as unknown as ParetoNbdParams, data);
}
