import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { backtestJourney } from '../src/journeys/journey-backtest.ts';
import type { Journey, Trigger } from '../src/journeys/journey-model.ts';
import { applyJourney, findJourney, setJourneyStatus } from '../src/journeys/journey-service.ts';
import { customerReplenishment, intervalPage, learnIntervals } from '../src/products/product-intervals.ts';
import { setProduct } from '../src/products/product-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Learned repurchase intervals and the `replenishment` trigger, against figures computed here from
// the very rows imported: per customer and product the days between purchase days ÷ the quantity
// bought on the first, their median and quartiles (as percentile_cont interpolates), the category's
// when a product has fewer than five, and the hand-set interval over both.

afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

interface Line {
  order: string;
  customer: string;
  day: string;
  sku: string;
  qty: number;
  status: 'paid' | 'refunded';
}

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * DAY).toISOString().slice(0, 10);
const daysFrom = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY);
const CATEGORY: Record<string, string> = { 'TEA-A': 'tea', 'TEA-B': 'tea' };
const HAND_SET: Record<string, number> = { WINE: 40 };

/** The data: a seeded generator, so every run imports the same rows. */
function makeLines(): Line[] {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const lines: Line[] = [];
  let n = 0;
  const buy = (customer: string, day: string, sku: string, qty: number, status: Line['status'] = 'paid') =>
    lines.push({ order: `O${++n}`, customer, day, sku, qty, status });
  const series = (customer: string, sku: string, start: string, count: number, perUnit: number) => {
    let day = start;
    // Nothing after November 2025: a pass on any later day learns from every purchase.
    for (let i = 0; i < count && day <= '2025-11-30'; i++) {
      const qty = 1 + rand(3);
      buy(customer, day, sku, qty);
      day = addDays(day, qty * perUnit + rand(7) - 3);
    }
  };
  // MILK: eight customers, plenty of repeats (learned from its own).
  for (let c = 1; c <= 8; c++) series(`M${c}`, 'MILK', addDays('2025-06-01', rand(20)), 3 + rand(3), 25);
  // Two orders on one day are one purchase of their summed quantity; a refunded one is no purchase.
  buy('M1', '2025-05-01', 'MILK', 1);
  buy('M1', '2025-05-01', 'MILK', 2);
  buy('M2', '2025-05-20', 'MILK', 1, 'refunded');
  // TEA-A and TEA-B: too few repeats each (2 and 3), five together (their category's).
  series('T1', 'TEA-A', '2025-03-01', 2, 30);
  series('T2', 'TEA-A', '2025-03-05', 2, 30);
  series('T3', 'TEA-B', '2025-02-01', 2, 45);
  series('T4', 'TEA-B', '2025-02-03', 2, 45);
  series('T5', 'TEA-B', '2025-02-07', 2, 45);
  // SOAP: two repeats and no category: nothing learned.
  series('S1', 'SOAP', '2025-06-01', 3, 20);
  // WINE: learned from six repeats, but set by hand to 40 days.
  for (let c = 1; c <= 6; c++) series(`W${c}`, 'WINE', addDays('2025-09-01', c), 2, 15);
  return lines;
}

/** percentile_cont: linear interpolation between the sorted values around p × (n − 1). */
function percentile(sorted: number[], p: number): number {
  const at = p * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Per customer and product: purchase days (valid lines only, same day summed), in order. */
function purchases(lines: Line[]): Map<string, { day: string; qty: number }[]> {
  const byKey = new Map<string, Map<string, number>>();
  for (const l of lines.filter((l) => l.status === 'paid')) {
    const key = `${l.customer}|${l.sku}`;
    const days = byKey.get(key) ?? new Map<string, number>();
    days.set(l.day, (days.get(l.day) ?? 0) + l.qty);
    byKey.set(key, days);
  }
  const out = new Map<string, { day: string; qty: number }[]>();
  for (const [key, days] of byKey)
    out.set(
      key,
      [...days].map(([day, qty]) => ({ day, qty })).sort((a, b) => a.day.localeCompare(b.day)),
    );
  return out;
}

interface Expected {
  basis: 'sku' | 'category';
  intervals: number;
  median: number;
  p25: number;
  p75: number;
}

/** The learned interval of every product, computed here. */
function expectedIntervals(lines: Line[]): Map<string, Expected> {
  const perSku = new Map<string, number[]>();
  for (const [key, days] of purchases(lines)) {
    const sku = key.split('|')[1]!;
    for (let i = 0; i + 1 < days.length; i++) {
      const list = perSku.get(sku) ?? [];
      list.push(daysFrom(days[i]!.day, days[i + 1]!.day) / days[i]!.qty);
      perSku.set(sku, list);
    }
  }
  const stats = (xs: number[], basis: Expected['basis']): Expected => {
    const s = [...xs].sort((a, b) => a - b);
    return {
      basis,
      intervals: s.length,
      median: percentile(s, 0.5),
      p25: percentile(s, 0.25),
      p75: percentile(s, 0.75),
    };
  };
  const out = new Map<string, Expected>();
  const skus = new Set(lines.map((l) => l.sku));
  for (const sku of skus) {
    const own = perSku.get(sku) ?? [];
    const category = CATEGORY[sku];
    const pooled = category
      ? [...skus].filter((s) => CATEGORY[s] === category).flatMap((s) => perSku.get(s) ?? [])
      : [];
    if (own.length >= 5) out.set(sku, stats(own, 'sku'));
    else if (pooled.length >= 5) out.set(sku, stats(pooled, 'category'));
  }
  return out;
}

/** Days per unit each product goes by: hand-set first, else learned. */
function effective(lines: Line[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [sku, e] of expectedIntervals(lines)) out.set(sku, e.median);
  for (const [sku, days] of Object.entries(HAND_SET)) out.set(sku, days);
  return out;
}

/** Each customer's expected date of need per product: last purchase + interval × its quantity. */
function expectedNeeds(lines: Line[]): { customer: string; sku: string; need: string }[] {
  const days = effective(lines);
  const out: { customer: string; sku: string; need: string }[] = [];
  for (const [key, list] of purchases(lines)) {
    const [customer, sku] = key.split('|') as [string, string];
    const perUnit = days.get(sku);
    if (perUnit === undefined) continue;
    const last = list[list.length - 1]!;
    out.push({ customer, sku, need: addDays(last.day, Math.max(1, Math.round(perUnit * last.qty))) });
  }
  return out;
}

const csv = (lines: Line[]) =>
  `order_id,customer_id,ordered_at,sku,quantity,unit_price,status\n${lines
    .map((l) => `${l.order},${l.customer},${l.day} 10:00,${l.sku},${l.qty},30,${l.status}`)
    .join('\n')}\n`;

describe.each(storesUnderTest())('replenishment ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let ids: Record<string, number> = {};
  const lines = makeLines();

  const pass = async (when: string) => {
    setClock(new Date(when));
    return (await runOnce(database.db, [ws.name]))[0]!;
  };
  const entered = async (name: string) => {
    const j = await findJourney(database.db, ws.id, name);
    const rows = await database.db
      .selectFrom('journey_entries as je')
      .innerJoin('customers as c', (j) =>
        j.onRef('c.workspace_id', '=', 'je.workspace_id').onRef('c.id', '=', 'je.customer_id'),
      )
      .select('c.external_id')
      .where('je.workspace_id', '=', ws.id)
      .where('je.journey_id', '=', j.id)
      .execute();
    return rows.map((r) => r.external_id!).sort();
  };
  const journey = (name: string, trigger: Trigger) =>
    applyJourney(database.db, ws.id, {
      name,
      trigger,
      reentry: 'always',
      attribution_days: 7,
      start: 'done',
      steps: { done: { type: 'exit' } },
    } as Journey);

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date('2026-01-01T09:00:00+08:00'));
    ws = await createWorkspace(database.db, { name: `replenish-${store.name}` });
    await importText(database, ws, 'order-lines', csv(lines));
    ids = await customerIds(database.db, ws.id);
    for (const [sku, category] of Object.entries(CATEGORY))
      await setProduct(database.db, ws.id, sku, { category });
  });
  afterAll(() => database?.close());

  it('learns each product’s interval per unit (its own, or its category’s when sparse) in the daily pass', async () => {
    const result = await pass('2026-01-02T09:00:00+08:00');
    const expected = expectedIntervals(lines);
    expect(result.daily.product_intervals).toEqual({
      by_sku: [...expected.values()].filter((e) => e.basis === 'sku').length,
      by_category: [...expected.values()].filter((e) => e.basis === 'category').length,
    });
    expect(expected.get('TEA-A')?.basis).toBe('category');
    expect(expected.has('SOAP')).toBe(false);
    const page = await intervalPage(database.db, ws.id, { offset: 0, limit: 100 });
    expect(page.items.map((p) => p.sku)).toEqual([...expected.keys()].sort());
    for (const p of page.items) {
      const e = expected.get(p.sku)!;
      expect(p.learned?.basis, p.sku).toBe(e.basis);
      expect(p.learned?.intervals, p.sku).toBe(e.intervals);
      expect(p.learned?.median_days, p.sku).toBeCloseTo(e.median, 9);
      expect(p.learned?.p25_days, p.sku).toBeCloseTo(e.p25, 9);
      expect(p.learned?.p75_days, p.sku).toBeCloseTo(e.p75, 9);
      expect(p.learned?.as_of).toBe('2026-01-02');
    }
  });

  it('lets a hand-set interval override the learned one', async () => {
    await setProduct(database.db, ws.id, 'WINE', { repurchase_days: HAND_SET.WINE });
    const page = await intervalPage(database.db, ws.id, { offset: 0, limit: 100 });
    const wine = page.items.find((p) => p.sku === 'WINE')!;
    expect(wine.repurchase_days).toBe(40);
    expect(wine.learned?.median_days).toBeCloseTo(expectedIntervals(lines).get('WINE')!.median, 9);
    expect(wine).toMatchObject({ effective_days: 40, source: 'set' });
    const milk = page.items.find((p) => p.sku === 'MILK')!;
    expect(milk.source).toBe('sku');
    expect(milk.effective_days).toBeCloseTo(expectedIntervals(lines).get('MILK')!.median, 9);
  });

  it('gives each customer the expected date of need: last purchase + interval × quantity', async () => {
    const today = '2026-01-02';
    for (const customer of ['M1', 'T3', 'W2', 'S1']) {
      const mine = expectedNeeds(lines)
        .filter((n) => n.customer === customer)
        .sort((a, b) => a.need.localeCompare(b.need) || a.sku.localeCompare(b.sku));
      const got = await customerReplenishment(database.db, ws.id, ids[customer]!, today);
      expect(
        got.items.map((i) => ({ customer, sku: i.sku, need: i.need_date })),
        customer,
      ).toEqual(mine);
      for (const i of got.items) expect(i.days_left).toBe(daysFrom(today, i.need_date));
    }
  });

  it('fires `replenishment` N days before the need, and not after a repurchase', async () => {
    const needs = expectedNeeds(lines);
    const m1 = needs.find((n) => n.customer === 'M1' && n.sku === 'MILK')!;
    const day = addDays(m1.need, -3);
    expect(day > '2025-12-01').toBe(true);
    const on = (d: string, list: typeof needs) =>
      [...new Set(list.filter((n) => addDays(n.need, -3) === d).map((n) => n.customer))].sort();
    setClock(new Date(`${day}T08:00:00+08:00`));
    await journey('restock', { date: 'replenishment', days_before: 3 });
    await pass(`${day}T10:00:00+08:00`);
    expect(await entered('restock')).toEqual(on(day, needs));
    expect(await entered('restock')).toContain('M1');
    await setJourneyStatus(database.db, ws.id, 'restock', 'paused');

    // M1 buys milk again the week before: the old date no longer fires for M1.
    const again: Line = {
      order: 'AGAIN',
      customer: 'M1',
      day: addDays(m1.need, -10),
      sku: 'MILK',
      qty: 1,
      status: 'paid',
    };
    await importText(database, ws, 'order-lines', csv([again]));
    setClock(new Date(`${day}T08:00:00+08:00`));
    await journey('restock-after', { date: 'replenishment', days_before: 3 });
    await pass(`${day}T11:00:00+08:00`);
    const now = expectedNeeds([...lines, again]);
    expect(await entered('restock-after')).toEqual(on(day, now));
    expect(await entered('restock-after')).not.toContain('M1');
    await setJourneyStatus(database.db, ws.id, 'restock-after', 'paused');
    lines.push(again);
  });

  it('backtests `replenishment` from every past purchase not followed by another in time', async () => {
    const from = '2025-07-01';
    const to = '2026-02-01';
    const days = effective(lines);
    const fired = new Set<string>();
    for (const [key, list] of purchases(lines)) {
      const [customer, sku] = key.split('|') as [string, string];
      const perUnit = days.get(sku);
      if (perUnit === undefined) continue;
      list.forEach((p, i) => {
        const fire = addDays(p.day, Math.max(1, Math.round(perUnit * p.qty)) - 3);
        const next = list[i + 1];
        if (fire >= from && fire < to && !(next && next.day <= fire)) fired.add(`${customer}|${fire}`);
      });
    }
    const result = await backtestJourney(
      database.db,
      ws,
      {
        name: 'bt',
        trigger: { date: 'replenishment', days_before: 3 },
        reentry: 'always',
        attribution_days: 7,
        start: 'done',
        steps: { done: { type: 'exit' } },
      } as Journey,
      { from, to },
    );
    expect(fired.size).toBeGreaterThan(5);
    expect(result.triggered).toBe(fired.size);
  });

  it('learns on demand as of a date, leaving out later purchases', async () => {
    const asOf = '2025-10-01';
    const r = await learnIntervals(database.db, ws.id, { asOf, actor: null });
    const expected = expectedIntervals(lines.filter((l) => l.day <= asOf));
    expect(r).toEqual({
      as_of: asOf,
      by_sku: [...expected.values()].filter((e) => e.basis === 'sku').length,
      by_category: [...expected.values()].filter((e) => e.basis === 'category').length,
    });
    const milk = (await intervalPage(database.db, ws.id, { offset: 0, limit: 100 })).items.find(
      (p) => p.sku === 'MILK',
    );
    expect(milk?.learned?.median_days).toBeCloseTo(expected.get('MILK')!.median, 9);
  });
});
