import { describe, expect, it } from 'vitest';
import { csatOf, npsOf } from './survey-stats.ts';

/** A deterministic stream of scores (a linear congruential generator), skewed like real answers. */
function scores(n: number, max: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    return Math.min(max, Math.floor(Math.sqrt(u) * (max + 1)));
  });
}

describe('NPS and CSAT figures', () => {
  it('equal a count by hand on generated answers', () => {
    for (const seed of [1, 7, 42]) {
      const s = scores(1000, 10, seed);
      const tally = new Map<number, number>();
      for (const v of s) tally.set(v, (tally.get(v) ?? 0) + 1);
      const count = (from: number, to: number) => {
        let n = 0;
        for (let v = from; v <= to; v++) n += tally.get(v) ?? 0;
        return n;
      };
      const promoters = count(9, 10);
      const detractors = count(0, 6);
      const nps = ((promoters - detractors) / 1000) * 100;
      // Interval from the sample variance of the +1/0/−1 values, computed as E[x²] − E[x]².
      const mean = (promoters - detractors) / 1000;
      const ex2 = (promoters + detractors) / 1000;
      const half = 1.96 * Math.sqrt((ex2 - mean * mean) / 1000) * 100;
      const f = npsOf(s)!;
      expect(f).toMatchObject({
        responses: 1000,
        promoters,
        detractors,
        passives: 1000 - promoters - detractors,
      });
      expect(f.nps).toBeCloseTo(nps, 1);
      expect(f.low).toBeCloseTo(nps - half, 1);
      expect(f.high).toBeCloseTo(nps + half, 1);
    }
  });

  it('gives CSAT as the mean and the share of 4 and 5', () => {
    const s = scores(777, 4, 3).map((v) => v + 1);
    const c = csatOf(s)!;
    let sum = 0;
    let happy = 0;
    for (const v of s) {
      sum += v;
      if (v === 4 || v === 5) happy++;
    }
    expect(c.mean).toBeCloseTo(sum / 777, 2);
    expect(c.satisfied_percent).toBeCloseTo((happy / 777) * 100, 1);
  });

  it('clips the interval to the scale and has nothing for no answers', () => {
    expect(npsOf([10, 10, 10])).toMatchObject({ nps: 100, low: 100, high: 100 });
    expect(npsOf([])).toBeNull();
    expect(csatOf([])).toBeNull();
  });
});
