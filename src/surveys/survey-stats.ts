import { npsGroup } from './survey-codes.ts';

/** NPS of a set of 0–10 scores, with its 95% interval. */
export interface NpsFigures {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Promoters' share minus detractors' share, in points (−100 … 100). */
  nps: number;
  /** 95% interval (normal approximation of the difference of two shares of one sample). */
  low: number;
  high: number;
}

/**
 * NPS = 100 × (promoters − detractors) / n. Each answer is +1, 0 or −1, so the score's variance
 * is (p + d − (p − d)²) / n with p and d the two shares; the interval is ±1.96 standard errors,
 * clipped to [−100, 100].
 *
 * @example npsOf([10, 9, 8, 3]) // nps 25: 2 promoters, 1 passive, 1 detractor
 */
export function npsOf(scores: readonly number[]): NpsFigures | null {
  const n = scores.length;
  if (n === 0) return null;
  let promoters = 0;
  let detractors = 0;
  for (const s of scores) {
    const g = npsGroup(s);
    if (g === 'promoter') promoters++;
    else if (g === 'detractor') detractors++;
  }
  const p = promoters / n;
  const d = detractors / n;
  const half = 1.96 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / n) * 100;
  const nps = (p - d) * 100;
  return {
    responses: n,
    promoters,
    passives: n - promoters - detractors,
    detractors,
    nps: round1(nps),
    low: round1(Math.max(-100, nps - half)),
    high: round1(Math.min(100, nps + half)),
  };
}

/** CSAT of 1–5 scores: the mean and the share satisfied (4 or 5), in percent. */
export interface CsatFigures {
  responses: number;
  mean: number;
  satisfied_percent: number;
}

/** CSAT figures of 1–5 scores (null for none). */
export function csatOf(scores: readonly number[]): CsatFigures | null {
  const n = scores.length;
  if (n === 0) return null;
  const sum = scores.reduce((a, b) => a + b, 0);
  const satisfied = scores.filter((s) => s >= 4).length;
  return { responses: n, mean: round2(sum / n), satisfied_percent: round1((satisfied / n) * 100) };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
