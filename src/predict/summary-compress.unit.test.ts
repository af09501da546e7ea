import { describe, expect, it } from 'vitest';
import { emptySummaries, type PurchaseSummaries } from './purchase-summary.ts';
import { summarySpend, tripleIndex } from './summary-compress.ts';

/** Customers with a few distinct histories each, from a fixed sequence (no randomness between runs). */
function summaries(n: number, endDay: number): PurchaseSummaries {
  const s = emptySummaries(n, endDay, null);
  for (let i = 0; i < n; i++) {
    const h = (i * 2654435761) % 4294967296;
    s.customerId[i] = i + 1;
    s.firstDay[i] = endDay - 1 - (h % 700);
    s.days[i] = 1 + (h % 9);
    s.lastDay[i] =
      s.days[i] === 1 ? s.firstDay[i]! : s.firstDay[i]! + ((h >>> 8) % (endDay - s.firstDay[i]!));
    s.repeatNet[i] = s.days[i] === 1 ? 0 : 100 * ((h >>> 4) % 50);
  }
  return s;
}

describe('compressing purchase summaries', () => {
  it('groups customers by their (x, t_x, T) as a plain grouping by text key does, in first-seen order', () => {
    const s = summaries(60_000, 20_000);
    const index = tripleIndex(s);
    const plain = new Map<string, { first: number; count: number; position: number }>();
    const of: number[] = [];
    for (let i = 0; i < 60_000; i++) {
      const key = `${s.days[i]! - 1} ${s.lastDay[i]! - s.firstDay[i]!} ${s.endDay - s.firstDay[i]!}`;
      const seen = plain.get(key) ?? { first: i, count: 0, position: plain.size };
      seen.count++;
      plain.set(key, seen);
      of.push(seen.position);
    }
    const groups = [...plain.values()];
    // Enough distinct triples that the table grew several times.
    expect(groups.length).toBeGreaterThan(10_000);
    expect(index.first).toEqual(groups.map((g) => g.first));
    expect(index.count).toEqual(groups.map((g) => g.count));
    expect(Array.from(index.of)).toEqual(of);
  });

  it('pairs repeat buyers’ (x, mean spend) with their counts, leaving out one-time buyers', () => {
    const s = summaries(20_000, 20_000);
    const spend = summarySpend(s, 100);
    const plain = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const x = s.days[i]! - 1;
      if (x > 0 && s.repeatNet[i]! > 0)
        plain.set(`${x} ${s.repeatNet[i]}`, (plain.get(`${x} ${s.repeatNet[i]}`) ?? 0) + 1);
    }
    expect(spend.length).toBe(plain.size);
    const found = Array.from({ length: spend.length }, (_, k) => spend.count[k]!);
    expect(found.reduce((a, b) => a + b, 0)).toBe([...plain.values()].reduce((a, b) => a + b, 0));
    expect(found).toEqual([...plain.values()]);
  });
});
