import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { addTag, removeTag } from '../src/customers/tag-service.ts';
import type { Database } from '../src/db/database.ts';
import { backtestJourney } from '../src/journeys/journey-backtest.ts';
import type { Journey, Trigger } from '../src/journeys/journey-model.ts';
import { applyJourney, findJourney, setJourneyStatus } from '../src/journeys/journey-service.ts';
import { setProduct } from '../src/products/product-service.ts';
import { createSegment, refreshSegment } from '../src/segments/segment-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Each trigger against an expectation computed here from the rows imported. Journeys are a bare
// `exit`, so the entries they record are exactly who the trigger (and conditions) let in.
afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

interface OrderRow {
  id: string;
  customer: string;
  at: string; // workspace-local 'YYYY-MM-DD HH:MM'
  amount: number;
  refunded?: number;
  status: string;
}
const isValid = (o: OrderRow) =>
  (o.status === 'paid' || o.status === 'completed') && o.amount - (o.refunded ?? 0) > 0 && o.customer !== '';
const orderCsv = (rows: OrderRow[]) =>
  `order_id,customer_id,ordered_at,amount,refunded_amount,status\n${rows
    .map(
      (o) =>
        `${o.id},${o.customer},${o.at},${o.amount.toFixed(2)},${(o.refunded ?? 0).toFixed(2)},${o.status}`,
    )
    .join('\n')}\n`;
const sorted = (xs: Iterable<string>) => [...xs].sort();
/** Is a birthday celebrated on `day`? 29 February falls on 28 February in other years. */
const celebrated = (birthday: string, day: string) => {
  const md = birthday.slice(5);
  if (md === day.slice(5)) return true;
  const year = Number(day.slice(0, 4));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return md === '02-29' && day.slice(5) === '02-28' && !leap;
};

describe.each(storesUnderTest())('journey triggers ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};
  const orders: OrderRow[] = [];
  const load = (kind: 'customers' | 'orders' | 'events' | 'order-lines', text: string) =>
    importText(database, ws, kind, text);
  const loadOrders = async (rows: OrderRow[]) => {
    orders.push(...rows);
    await load('orders', orderCsv(rows));
  };
  const pass = async (when: string) => {
    setClock(new Date(when));
    return (await runOnce(database.db, [ws.name]))[0]!;
  };
  const journey = (name: string, trigger: Trigger, more: Partial<Journey> = {}) =>
    applyJourney(database.db, ws.id, {
      name,
      trigger,
      reentry: 'always',
      attribution_days: 7,
      start: 'done',
      steps: { done: { type: 'exit' } },
      ...more,
    } as Journey);
  /** External ids of a journey's entries (one per entry, so repeats show). */
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
    return sorted(rows.map((r) => r.external_id!));
  };

  const birthdays: Record<string, string> = {
    B0228: '1990-02-28',
    B0229: '1992-02-29',
    B0301: '1991-03-01',
    B0227: '1993-02-27',
  };
  const people = [
    'PRE',
    'V1',
    'V2',
    'P1',
    'X1',
    'R0',
    'RF',
    'E1',
    'E2',
    'E3',
    'S1',
    'S2',
    'S3',
    'RE',
    'K1',
    'K2',
    'K3',
    'K4',
    'K5',
  ];

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date('2026-03-09T10:00:00+08:00'));
    ws = await createWorkspace(database.db, { name: `triggers-${store.name}` });
    const all = [
      ...people,
      ...Object.keys(birthdays),
      'L1',
      'L2',
      'L3',
      'A1',
      'A2',
      'A3',
      'M1',
      'M2',
      'M3',
      'M4',
    ];
    await load(
      'customers',
      `customer_id,name,birthday\n${all.map((p) => `${p},客户${p},${birthdays[p] ?? ''}`).join('\n')}\n`,
    );
    Object.assign(ids, await customerIds(database.db, ws.id));
    // History before any journey: PRE has bought; L*, A* and M* are for the date triggers.
    await loadOrders([
      { id: 'H1', customer: 'PRE', at: '2026-03-01 12:00', amount: 50, status: 'paid' },
      { id: 'H2', customer: 'L1', at: '2026-03-10 08:00', amount: 80, status: 'completed' },
      { id: 'H3', customer: 'L2', at: '2026-03-09 23:30', amount: 80, status: 'paid' },
      { id: 'H4', customer: 'L3', at: '2026-03-10 09:00', amount: 80, refunded: 80, status: 'paid' },
      { id: 'H5', customer: 'L3', at: '2026-02-01 09:00', amount: 80, status: 'paid' },
      { id: 'H6', customer: 'A1', at: '2025-03-10 09:00', amount: 60, status: 'paid' },
      { id: 'H7', customer: 'A2', at: '2024-03-10 09:00', amount: 60, status: 'paid' },
      { id: 'H8', customer: 'A3', at: '2024-02-29 09:00', amount: 60, status: 'paid' },
    ]);
  });
  afterAll(() => database?.close());

  it('fires order_placed and first_order for valid orders of known customers only, after apply', async () => {
    await journey('orders', { order_placed: {} });
    await journey('firsts', { first_order: {} });
    // Imported before the journeys existed: the pass enters no one for PRE's old order.
    expect((await pass('2026-03-10T10:00:00+08:00')).entered).toBe(0);
    const batch: OrderRow[] = [
      { id: 'N1', customer: 'V1', at: '2026-03-10 10:01', amount: 100, status: 'paid' },
      { id: 'N2', customer: 'V1', at: '2026-03-10 10:05', amount: 30, status: 'completed' },
      { id: 'N3', customer: 'V2', at: '2026-03-10 10:02', amount: 100, refunded: 40, status: 'paid' },
      { id: 'N4', customer: 'P1', at: '2026-03-10 10:03', amount: 100, status: 'pending' },
      { id: 'N5', customer: 'X1', at: '2026-03-10 10:03', amount: 100, status: 'cancelled' },
      { id: 'N6', customer: 'R0', at: '2026-03-10 10:03', amount: 100, refunded: 100, status: 'paid' },
      { id: 'N7', customer: 'RF', at: '2026-03-10 10:03', amount: 100, status: 'refunded' },
      { id: 'N8', customer: '', at: '2026-03-10 10:04', amount: 100, status: 'paid' },
      { id: 'N9', customer: 'PRE', at: '2026-03-10 10:04', amount: 70, status: 'paid' },
    ];
    await loadOrders(batch);
    await pass('2026-03-10T10:10:00+08:00');
    // Independently: one entry per valid order with a customer; first orders are customers whose
    // earliest valid order (over everything imported) is in this batch.
    const valid = batch.filter(isValid);
    expect(await entered('orders')).toEqual(sorted(valid.map((o) => o.customer)));
    const earliest = new Map<string, string>();
    for (const o of orders.filter(isValid))
      if (!earliest.has(o.customer) || o.at < earliest.get(o.customer)!) earliest.set(o.customer, o.at);
    const firsts = valid.filter((o) => earliest.get(o.customer) === o.at).map((o) => o.customer);
    expect(await entered('firsts')).toEqual(sorted(firsts));

    // A pending order that is paid later fires then (its first valid order for P1).
    await loadOrders([{ id: 'N4', customer: 'P1', at: '2026-03-10 10:03', amount: 100, status: 'paid' }]);
    await pass('2026-03-10T10:20:00+08:00');
    expect(await entered('orders')).toEqual(sorted([...valid.map((o) => o.customer), 'P1']));
    expect(await entered('firsts')).toEqual(sorted([...firsts, 'P1']));
    // Seen again, nothing enters twice.
    await pass('2026-03-10T10:30:00+08:00');
    expect((await entered('orders')).length).toBe(valid.length + 1);
    for (const name of ['orders', 'firsts']) await setJourneyStatus(database.db, ws.id, name, 'paused');
  });

  it('does not enter customers for an old order imported after the journey was applied', async () => {
    // journey-service.ts: "triggers before it was applied do not enter anyone". A history import
    // after setting up journeys must not thank K1 for an order placed nine months earlier.
    await journey('orders-late', { order_placed: {} });
    await loadOrders([{ id: 'OLD1', customer: 'K1', at: '2025-06-01 12:00', amount: 90, status: 'paid' }]);
    await pass('2026-03-10T10:32:00+08:00');
    await setJourneyStatus(database.db, ws.id, 'orders-late', 'paused');
    expect(await entered('orders-late')).toEqual([]);
  });

  it('fires event triggers with property filters, and lifecycle and tier changes', async () => {
    await journey('milk-views', { event: 'viewed', properties: { category: 'milk' } });
    await journey('gone-lost', { lifecycle_changed: { to: 'lost' } });
    await journey('active-to-silent', { lifecycle_changed: { from: 'active', to: 'silent' } });
    await journey('to-gold', { tier_changed: { to: 'gold' } });
    const events = [
      ['E1', 'viewed', 'milk', '', ''],
      ['E2', 'viewed', 'tea', '', ''],
      ['E3', 'clicked', 'milk', '', ''],
      ['E1', 'lifecycle_changed', '', 'silent', 'lost'],
      ['E2', 'lifecycle_changed', '', 'lost', 'active'],
      ['E3', 'lifecycle_changed', '', 'active', 'silent'],
      ['E2', 'tier_changed', '', 'silver', 'gold'],
      ['E3', 'tier_changed', '', 'gold', 'platinum'],
    ];
    await load(
      'events',
      `customer_id,type,occurred_at,category,from,to\n${events.map((e) => [e[0], e[1], '2026-03-10 10:35', ...e.slice(2)].join(',')).join('\n')}\n`,
    );
    await pass('2026-03-10T10:40:00+08:00');
    const who = (f: (e: string[]) => boolean) => sorted(events.filter(f).map((e) => e[0]!));
    expect(await entered('milk-views')).toEqual(who((e) => e[1] === 'viewed' && e[2] === 'milk'));
    expect(await entered('gone-lost')).toEqual(who((e) => e[1] === 'lifecycle_changed' && e[4] === 'lost'));
    expect(await entered('active-to-silent')).toEqual(
      who((e) => e[1] === 'lifecycle_changed' && e[3] === 'active' && e[4] === 'silent'),
    );
    expect(await entered('to-gold')).toEqual(who((e) => e[1] === 'tier_changed' && e[4] === 'gold'));
    for (const name of ['milk-views', 'gone-lost', 'active-to-silent', 'to-gold'])
      await setJourneyStatus(database.db, ws.id, name, 'paused');
  });

  it('fires segment entered and exited on refresh', async () => {
    await createSegment(database.db, ws, 'vips', { tag: 'vip' }, { actor: cliActor() });
    await journey('vip-in', { segment: 'vips', on: 'entered' });
    await journey('vip-out', { segment: 'vips', on: 'exited' });
    await addTag(database.db, ws.id, 'vip', [ids.S1!, ids.S2!, ids.S3!]);
    await refreshSegment(database.db, ws, 'vips', { actor: cliActor() });
    await pass('2026-03-10T11:00:00+08:00');
    expect(await entered('vip-in')).toEqual(['S1', 'S2', 'S3']);
    expect(await entered('vip-out')).toEqual([]);
    await removeTag(database.db, ws.id, 'vip', [ids.S2!]);
    await refreshSegment(database.db, ws, 'vips', { actor: cliActor() });
    await pass('2026-03-10T11:10:00+08:00');
    expect(await entered('vip-out')).toEqual(['S2']);
    expect(await entered('vip-in')).toEqual(['S1', 'S2', 'S3']);
  });

  it('applies re-entry policies, entry conditions and the entry cap', async () => {
    await journey('re-once', { event: 'again' }, { reentry: 'once' });
    await journey('re-every3', { event: 'again' }, { reentry: { every_days: 3 } });
    await journey('re-always', { event: 'again' }, { reentry: 'always' });
    await journey('vip-only', { event: 'knock' }, { entry: { tag: 'vip' } });
    await journey('capped', { event: 'knock' }, { reentry: 'once', max_entries: 3 });
    const again = (day: string, times: number) =>
      load(
        'events',
        `customer_id,type,occurred_at,n\n${Array.from({ length: times }, (_, i) => `RE,again,${day} 09:0${i},${i}`).join('\n')}\n`,
      );
    await again('2026-03-11', 2);
    await pass('2026-03-11T10:00:00+08:00');
    await again('2026-03-12', 1);
    await pass('2026-03-12T10:00:00+08:00');
    await again('2026-03-14', 1);
    await pass('2026-03-14T10:00:00+08:00');
    expect((await entered('re-once')).length).toBe(1);
    // Entered on the 11th; not again on the 12th (within 3 days), again on the 14th (3 days on).
    expect((await entered('re-every3')).length).toBe(2);
    expect((await entered('re-always')).length).toBe(4);

    const knockers = ['S1', 'S2', 'S3', 'K1', 'K2', 'K3', 'K4', 'K5'];
    await load(
      'events',
      `customer_id,type,occurred_at\n${knockers.map((k) => `${k},knock,2026-03-15 10:30`).join('\n')}\n`,
    );
    const r = await pass('2026-03-15T11:00:00+08:00');
    // S2 left the vip tag earlier; S1 and S3 still have it.
    expect(await entered('vip-only')).toEqual(['S1', 'S3']);
    expect((await entered('capped')).length).toBe(3);
    expect(r.capped).toBe(knockers.length - 3);
    expect((await findJourney(database.db, ws.id, 'capped')).capped).toBe(knockers.length - 3);
    for (const name of ['re-once', 're-every3', 're-always', 'vip-only', 'capped', 'vip-in', 'vip-out'])
      await setJourneyStatus(database.db, ws.id, name, 'paused');
  });

  it('backtests `every_days` re-entry as the live run applies it', async () => {
    // The live run let RE in on the 11th and again on the 14th, 3 days later (see above); the
    // backtest replays the same events (09:00 on the 11th twice, 12th and 14th).
    expect((await entered('re-every3')).length).toBe(2);
    const every3 = (await findJourney(database.db, ws.id, 're-every3')).definition;
    const bt = await backtestJourney(database.db, ws, every3, { from: '2026-03-11', to: '2026-03-15' });
    expect(bt).toMatchObject({ triggered: 4, entered: 2 });
  });

  /** Applies a date journey, runs one pass on `day` at 10:00 local, pauses it. */
  const onDay = async (name: string, trigger: Trigger, day: string) => {
    await journey(name, trigger);
    await pass(`${day}T10:00:00+08:00`);
    await setJourneyStatus(database.db, ws.id, name, 'paused');
    return entered(name);
  };
  const lastValidDay = () => {
    const last = new Map<string, string>();
    for (const o of orders.filter(isValid)) {
      const d = o.at.slice(0, 10);
      if (!last.has(o.customer) || d > last.get(o.customer)!) last.set(o.customer, d);
    }
    return last;
  };

  it('fires days_after_last_order and days_without_order on the right local day', async () => {
    const day = '2026-04-09';
    const target = '2026-03-10'; // 30 days before
    const expected = sorted([...lastValidDay()].filter(([, d]) => d === target).map(([c]) => c));
    expect(expected.length).toBeGreaterThan(1);
    expect(await onDay('after-30', { date: 'days_after_last_order', days: 30 }, day)).toEqual(expected);
    expect(await onDay('quiet-30', { date: 'days_without_order', days: 30 }, day)).toEqual(expected);
    // A day earlier only L2 (23:30 on the 9th, local) would have been due.
    expect(await onDay('after-31', { date: 'days_after_last_order', days: 31 }, day)).toEqual(
      sorted([...lastValidDay()].filter(([, d]) => d === '2026-03-09').map(([c]) => c)),
    );
  });

  it('fires replenishment from products with a repurchase interval', async () => {
    await load(
      'order-lines',
      'order_id,customer_id,ordered_at,sku,quantity,unit_price,status\n' +
        'RL1,M1,2026-03-10 09:00,MILK,1,30,paid\nRL2,M2,2026-03-01 09:00,MILK,1,30,paid\n' +
        'RL3,M2,2026-03-10 09:00,MILK,1,30,paid\nRL4,M3,2026-03-07 09:00,MILK,1,30,paid\n' +
        'RL5,M4,2026-03-10 09:00,SOAP,1,30,paid\n',
    );
    for (const [id, customer, at] of [
      ['RL1', 'M1', '2026-03-10 09:00'],
      ['RL2', 'M2', '2026-03-01 09:00'],
      ['RL3', 'M2', '2026-03-10 09:00'],
      ['RL4', 'M3', '2026-03-07 09:00'],
      ['RL5', 'M4', '2026-03-10 09:00'],
    ] as const)
      orders.push({ id, customer, at, amount: 30, status: 'paid' });
    await setProduct(database.db, ws.id, 'MILK', { repurchase_days: 20 });
    await expect(setProduct(database.db, ws.id, 'NOPE', { repurchase_days: 20 })).rejects.toThrow(
      'no product with SKU "NOPE" (products come from imported order lines)',
    );
    // Last MILK purchase + 20 days − 3 = 27 March for M1 and M2 (whose last is the 10th).
    expect(await onDay('restock', { date: 'replenishment', days_before: 3 }, '2026-03-27')).toEqual([
      'M1',
      'M2',
    ]);
  });

  it('fires birthdays, with 29 February on 28 February in non-leap years', async () => {
    for (const day of ['2027-02-28', '2028-02-28', '2028-02-29', '2027-03-01']) {
      const expected = sorted(
        Object.entries(birthdays)
          .filter(([, b]) => celebrated(b, day))
          .map(([c]) => c),
      );
      expect(await onDay(`birthday-${day}`, { date: 'birthday' }, day), day).toEqual(expected);
    }
  });

  const firstValidDay = () => {
    const first = new Map<string, string>();
    for (const o of orders.filter(isValid)) {
      const d = o.at.slice(0, 10);
      if (!first.has(o.customer) || d < first.get(o.customer)!) first.set(o.customer, d);
    }
    return first;
  };
  const anniversaries = (day: string) =>
    sorted([...firstValidDay()].filter(([, d]) => d < day && d.slice(5) === day.slice(5)).map(([c]) => c));

  it('fires first-order anniversaries, not on the first order’s own day', async () => {
    const day = '2027-03-10';
    expect(anniversaries(day).length).toBeGreaterThan(2);
    expect(await onDay(`anniversary-${day}`, { date: 'first_order_anniversary' }, day)).toEqual(
      anniversaries(day),
    );
  });

  it('celebrates a 29 February first order on 28 February in other years, like a birthday', async () => {
    const day = '2027-02-28';
    // A3's first order was on 29 February 2024; birthdays on that date are celebrated today.
    const due = sorted([...firstValidDay()].filter(([, d]) => d < day && celebrated(d, day)).map(([c]) => c));
    expect(due).toContain('A3');
    expect(await onDay(`anniversary-${day}`, { date: 'first_order_anniversary' }, day)).toEqual(due);
  });
});
