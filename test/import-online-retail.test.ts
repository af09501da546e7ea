import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { importFile } from '../src/importing/import-service.ts';
import { periodMetrics } from '../src/metrics/period-metrics.ts';
import { LIFECYCLE_STAGES } from '../src/segments/lifecycle-stage.ts';
import { computeSegmentation, rfmRows } from '../src/segments/rfm-service.ts';
import { createWorkspace } from '../src/workspaces/workspace-service.ts';
import { expectedMonthlyMetrics } from './independent-metrics.ts';
import { expectedLifecycle, expectedRfm, type SimpleOrder } from './independent-rfm.ts';
import { dropTestSchemas, SHARED_DATA, storesUnderTest } from './stores.ts';

const FILE = `${SHARED_DATA}online-retail/online_retail.csv.gz`;

/**
 * The expected figures, computed here straight from the file without any product code:
 * pence as integers, every line counted (identical lines of one invoice are lines of their own, as
 * the retailer's invoice totals count them), lines with a negative price rejected.
 */
function independentFigures() {
  const rows: string[][] = parse(gunzipSync(readFileSync(FILE)), { from_line: 2 });
  const seen = new Set<string>();
  let identical = 0;
  const invoices = new Map<string, { customer: string; pence: number; date: string }>();
  let negativePrice = 0;
  for (const row of rows) {
    const [invoice, , , qty, date, price, customer] = row as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (price.startsWith('-')) {
      negativePrice++;
      continue;
    }
    // The whole row (its invoice included) seen before: an identical line of the same invoice.
    const key = row.join('\u0001');
    if (seen.has(key)) identical++;
    seen.add(key);
    // price has at most 3 decimals: work in tenths of a penny, round half away from zero once.
    const [whole, frac = ''] = price.split('.');
    const tenths = Number(whole) * 1000 + Number(frac.padEnd(3, '0'));
    const lineTenths = tenths * Number(qty);
    const pence = Math.sign(lineTenths) * Math.floor((Math.abs(lineTenths) + 5) / 10);
    const inv = invoices.get(invoice) ?? {
      customer: customer.replace(/\.0$/, ''),
      pence: 0,
      date: date.slice(0, 10),
    };
    inv.pence += pence;
    invoices.set(invoice, inv);
  }
  const customers = new Map<string, { orders: number; net: number; first: string; last: string }>();
  for (const inv of invoices.values()) {
    if (!inv.customer || inv.pence <= 0) continue;
    const c = customers.get(inv.customer) ?? { orders: 0, net: 0, first: inv.date, last: inv.date };
    c.orders++;
    c.net += inv.pence;
    if (inv.date < c.first) c.first = inv.date;
    if (inv.date > c.last) c.last = inv.date;
    customers.set(inv.customer, c);
  }
  const guests = [...invoices.values()].filter((i) => !i.customer).length;
  const withGuests: SimpleOrder[] = [...invoices.values()].map((i) => ({
    customer: i.customer,
    date: i.date,
    net: i.pence,
  }));
  const orders = withGuests.filter((o) => o.customer);
  return {
    lines: rows.length,
    negativePrice,
    identical,
    invoices: invoices.size,
    guests,
    customers,
    orders,
    withGuests,
  };
}

afterAll(dropTestSchemas);

let expected: ReturnType<typeof independentFigures> | undefined;

describe.each(storesUnderTest())('Online Retail as order lines ($name)', (store) => {
  it('loads every invoice and matches an independent computation for every customer', async () => {
    // Computed once for both stores (reading the 541,909 lines is seconds of the test's time).
    expected ??= independentFigures();
    expect(expected.customers.size).toBe(4338);
    const database = await store.open();
    try {
      const ws = await createWorkspace(database.db, {
        name: 'uk',
        timezone: 'Europe/London',
        currency: 'GBP',
      });
      const stats = await importFile(database, { kind: 'order-lines', file: FILE, workspace: ws });
      expect(stats.read).toBe(expected.lines);
      expect(stats.rejected).toBe(expected.negativePrice);
      expect(stats.errors.map((e) => e.column)).toEqual(stats.errors.map(() => 'UnitPrice'));
      expect(stats.inserted).toBe(expected.invoices);
      expect(stats.guest).toBe(expected.guests);
      // Every line but the negative-price ones is stored, identical lines of an invoice included.
      expect(expected.lines).toBe(541_909);
      expect(expected.identical).toBe(5_268);
      expect(stats.identical_lines).toBe(expected.identical);
      const stored = await sql<{ n: number }>`
        select count(*)::int as n from order_lines where workspace_id = ${ws.id}`.execute(database.db);
      expect(stored.rows[0]?.n).toBe(expected.lines - expected.negativePrice);

      const rows = await sql<{
        external_id: string;
        order_count: number;
        net_total: number;
        first_order_date: string;
        last_order_date: string;
      }>`
        select external_id, order_count, net_total, first_order_date, last_order_date from customers
        where workspace_id = ${ws.id} and order_count > 0`.execute(database.db);
      const actual = new Map(
        rows.rows.map((r) => [
          r.external_id,
          { orders: r.order_count, net: r.net_total, first: r.first_order_date, last: r.last_order_date },
        ]),
      );
      expect(actual).toEqual(expected.customers);

      const again = await importFile(database, { kind: 'order-lines', file: FILE, workspace: ws });
      expect([again.inserted, again.updated, again.unchanged]).toEqual([0, 0, expected.invoices]);
      expect(again.identical_lines).toBe(expected.identical);
      const storedAgain = await sql<{ n: number }>`
        select count(*)::int as n from order_lines where workspace_id = ${ws.id}`.execute(database.db);
      expect(storedAgain.rows[0]?.n).toBe(expected.lines - expected.negativePrice);

      // RFM from the aggregates (as of the day after the data), from orders (a past date, a window),
      // and with the score split, each equal to the independent computation for every customer.
      const cases = [
        { asOf: '2011-12-10', windowDays: undefined, split: 'mean' as const },
        { asOf: '2011-06-30', windowDays: undefined, split: 'mean' as const },
        { asOf: '2011-12-10', windowDays: 90, split: 'mean' as const },
        { asOf: '2011-12-10', windowDays: undefined, split: 'score' as const },
      ];
      for (const c of cases) {
        // Through COPY (the CLI's path) here; the lifecycle check below reads rows as objects.
        const seg = await computeSegmentation(database, ws, c);
        const actual = new Map(
          [...rfmRows(seg)].map(({ customer_id, lifecycle, ...rest }) => [customer_id, rest]),
        );
        const wanted = expectedRfm(expected.orders, c.asOf, c.windowDays, c.split);
        expect(actual.size, `${c.asOf} ${c.windowDays}`).toBe(wanted.size);
        expect(actual).toEqual(wanted);
      }
      expect(expectedRfm(expected.orders, '2011-12-10').size).toBe(4338);

      const seg = await computeSegmentation(database.db, ws, { asOf: '2011-12-10' });
      const stages = new Map(seg.facts.labels.map((label, i) => [label, LIFECYCLE_STAGES[seg.stages[i]!]]));
      const allCustomers = new Set(expected.orders.map((o) => o.customer));
      expect(stages).toEqual(expectedLifecycle(expected.orders, allCustomers, '2011-12-10'));

      // Monthly metrics over the whole year (guest invoices count as orders and revenue, not buyers).
      const metrics = await periodMetrics(database.db, ws.id, {
        from: '2010-12-01',
        to: '2012-01-01',
        period: 'month',
      });
      const wantedMetrics = expectedMonthlyMetrics(expected.withGuests, '2010-12-01', '2012-01-01');
      expect(metrics).toHaveLength(13);
      for (const [i, row] of metrics.entries()) {
        const want = wantedMetrics[i]!;
        for (const key of Object.keys(want) as (keyof typeof want)[]) {
          if (typeof want[key] === 'number' && !Number.isInteger(want[key]))
            expect(row[key], `${want.period_start} ${key}`).toBeCloseTo(want[key] as number, 12);
          else expect(row[key], `${want.period_start} ${key}`).toBe(want[key]);
        }
      }
    } finally {
      await database.close();
    }
    // Two imports of 541,909 lines and five segmentations: about a minute per store alone, longer
    // beside another test file on two cores (the suite's 180 s default is for ordinary tests).
  }, 600_000);
});
