import { describe, expect, it } from 'vitest';
import type { Workspace } from '../workspaces/workspace-service.ts';
import type { CustomerFacts } from './customer-facts.ts';
import { RFM_GROUPS } from './rfm-groups.ts';
import { rfmMoves } from './rfm-movement.ts';
import { segmentFacts } from './rfm-service.ts';

/** Seeded numbers, so a failure repeats. */
function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 4294967296) * n);
  };
}

interface Customer {
  id: number;
  last: number;
  count: number;
  net: number;
}

function factsOf(customers: Customer[]): CustomerFacts {
  const n = customers.length;
  const c = [...customers].sort((a, b) => a.id - b.id);
  return {
    ids: Float64Array.from(c, (x) => x.id),
    labels: c.map((x) => `C${x.id}`),
    firstDays: Int32Array.from(c, (x) => (x.count ? x.last + 400 : -1)),
    lastDays: Int32Array.from(c, (x) => (x.count ? x.last : -1)),
    loyalWindowMet: new Uint8Array(n),
    rfmLastDays: Int32Array.from(c, (x) => (x.count ? x.last : -1)),
    rfmCount: Int32Array.from(c, (x) => x.count),
    rfmNet: Float64Array.from(c, (x) => x.net),
  };
}

/** Scores and group straight from PRODUCT.md §3.3 by counting, one customer at a time. */
function expected(customers: Customer[], split: 'mean' | 'score'): Map<number, number[]> {
  const scored = customers.filter((c) => c.count > 0);
  const n = scored.length;
  const score = (count: number) => Math.floor((5 * count + n - 1) / n);
  const sum = (f: (c: Customer) => number) => scored.reduce((t, c) => t + f(c), 0);
  const [sr, sf, sm] = [sum((c) => c.last), sum((c) => c.count), sum((c) => c.net)];
  const out = new Map<number, number[]>();
  for (const c of scored) {
    const r = score(scored.filter((o) => o.last >= c.last).length);
    const f = score(scored.filter((o) => o.count <= c.count).length);
    const m = score(scored.filter((o) => o.net <= c.net).length);
    const recent = split === 'mean' ? c.last * n < sr : r >= 3;
    const highF = split === 'mean' ? c.count * n > sf : f >= 3;
    const highM = split === 'mean' ? c.net * n > sm : m >= 3;
    const group = RFM_GROUPS.findIndex((g) => g.recent === recent && g.highF === highF && g.highM === highM);
    out.set(c.id, [r, f, m, group]);
  }
  return out;
}

describe.each(['mean', 'score'] as const)('RFM movement (%s split)', (split) => {
  const workspace = { id: 1, settings: { rfm: { split } }, timezone: 'UTC' } as unknown as Workspace;
  it.each([1, 2, 3, 4, 5, 6])(
    'finds exactly the unchanged customers whose scores moved (seed %i)',
    (seed) => {
      const next = random(seed);
      // Few distinct values, so ties sit on the cut points.
      const make = (id: number): Customer => {
        const count = next(6);
        return { id, last: next(40), count, net: count ? 100 * (1 + next(30)) : 0 };
      };
      const before = Array.from({ length: 300 }, (_, i) => make(2 * i + 1));
      const afterById = new Map(before.map((c) => [c.id, c]));
      const changed = new Set<number>();
      for (let k = 0; k < 25; k++) {
        const id = 2 * next(300) + 1;
        changed.add(id);
        if (k % 7 === 0) afterById.delete(id);
        else afterById.set(id, make(id));
      }
      for (let k = 0; k < 12; k++) {
        const id = 2 * (300 + k) + 1;
        changed.add(id);
        afterById.set(id, make(id));
      }
      const after = [...afterById.values()];
      const seg = segmentFacts(factsOf(after), workspace, { asOf: '2024-01-01' });
      const want = expected(after, split);
      const got = new Map<number, number[]>();
      for (let j = 0; j < seg.scored.length; j++) {
        const { r, f, m, group } = seg.scores;
        got.set(seg.facts.ids[seg.scored[j]!]!, [r[j]!, f[j]!, m[j]!, group[j]!]);
      }
      expect(got).toEqual(want);

      const was = expected(before, split);
      const moved = { r: [] as number[], f: [] as number[], m: [] as number[], group: [] as number[] };
      for (const [id, now] of want) {
        if (changed.has(id)) continue;
        (['r', 'f', 'm', 'group'] as const).forEach((key, k) => {
          if (was.get(id)![k] !== now[k]) moved[key].push(id);
        });
      }
      const ids = [...changed].sort((a, b) => a - b);
      const moves = rfmMoves(factsOf(before), seg, seg.basis, ids);
      expect(moves).toEqual(moved);
      expect(moved.r.length + moved.f.length + moved.m.length + moved.group.length).toBeGreaterThan(0);
    },
  );
});
