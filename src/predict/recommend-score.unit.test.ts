import { describe, expect, it } from 'vitest';
import { emptyLines } from './item-lines-query.ts';
import { associationIndex, scoreCustomers } from './recommend-score.ts';

describe('scoring customers’ lists', () => {
  it('gives a top of more than ten when asked, best first, for each customer in turn', () => {
    // Thirty products; P0 leads to each other with a confidence that falls with its number.
    const products = Array.from({ length: 30 }, (_, k) => ({
      item: `P${k}`,
      name: `商品${k}`,
      lastSold: 9000,
    }));
    const pairs = products.slice(1).map((_, k) => ({ item: 0, other: k + 1, confidence: 1 - k / 100 }));
    const ix = associationIndex(products, pairs);
    // Two customers, each of whom bought P0 once, long before the last sale.
    const lines = emptyLines(2, false);
    lines.customer.set([7, 8]);
    lines.day.set([8000, 8000]);
    lines.item.set([0, 0]);
    lines.n = 2;
    lines.items = ['P0'];
    const scored = scoreCustomers(lines, ix, { top: 25, seeds: 50, recentDays: 90, notSoldDays: 180 });
    expect(scored.n).toBe(50);
    const first = Array.from(scored.product.subarray(0, 25), (p) => products[p]!.item);
    expect(first).toEqual(products.slice(1, 26).map((p) => p.item));
    expect(Array.from(scored.rank.subarray(0, 25))).toEqual(Array.from({ length: 25 }, (_, r) => r + 1));
    expect(Array.from(scored.customer.subarray(0, scored.n))).toEqual([
      ...Array(25).fill(7),
      ...Array(25).fill(8),
    ]);
    expect(scored.score[0]).toBeCloseTo(1, 12);
    expect(scored.score[24]).toBeCloseTo(0.76, 12);
  });
});
