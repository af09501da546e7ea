import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { cohortRetention } from '../src/metrics/cohort-retention.ts';
import { historicalClv } from '../src/metrics/historical-clv.ts';
import { periodMetrics } from '../src/metrics/period-metrics.ts';
import { LIFECYCLE_STAGES } from '../src/segments/lifecycle-stage.ts';
import { computeSegmentation, rfmRows } from '../src/segments/rfm-service.ts';
import { segmentMovement } from '../src/segments/segment-movement.ts';
import { recordStageChanges } from '../src/segments/stage-changes.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { expectedMonthlyMetrics } from './independent-metrics.ts';
import { expectedLifecycle, expectedRfm, type SimpleOrder } from './independent-rfm.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

/**
 * Orders that sit on every edge of PRODUCT.md §3 in an Asia/Shanghai workspace. Each row carries
 * the local date and net amount worked out by hand, which is what the independent computation reads.
 */
const ROWS: Array<
  [
    order: string,
    customer: string,
    time: string,
    amount: string,
    refunded: string,
    status: string,
    localDate: string,
    validNet: number,
  ]
> = [
  // 23:59:59 local on Jan 31 and 00:00:00 local on Feb 1 fall in different months.
  ['E1', 'A', '2024-01-31 23:59:59', '100', '', '交易成功', '2024-01-31', 10000],
  ['E2', 'A', '2024-01-31T16:00:00Z', '50', '', '交易成功', '2024-02-01', 5000],
  // The same instant written with an offset: 2024-02-29 15:30 UTC is Mar 1 local.
  ['E3', 'B', '2024-02-29T23:30:00+08:00', '30', '', 'completed', '2024-02-29', 3000],
  ['E4', 'B', '2024-02-29T15:30:00Z', '30', '', 'paid', '2024-02-29', 3000],
  ['E5', 'B', '2024-02-29T16:30:00Z', '30', '', 'paid', '2024-03-01', 3000],
  // Refund that zeroes the order, partial refund, cancelled and pending orders.
  ['E6', 'C', '2024-03-10 10:00', '80', '80', '交易成功', '2024-03-10', 0],
  ['E7', 'C', '2024-03-11 10:00', '80', '30', '交易成功', '2024-03-11', 5000],
  ['E8', 'C', '2024-03-12 10:00', '80', '', '交易关闭', '2024-03-12', 0],
  ['E9', 'C', '2024-03-13 10:00', '80', '', '待付款', '2024-03-13', 0],
  // A customer whose only orders are invalid: a prospect, never scored.
  ['E10', 'D', '2024-03-05 10:00', '60', '', '已取消', '2024-03-05', 0],
  ['E11', 'D', '2024-03-06 10:00', '60', '60', '已完成', '2024-03-06', 0],
  // Guest orders: sales, never buyers.
  ['E12', '', '2024-03-15 12:00', '200', '', '交易成功', '2024-03-15', 20000],
  ['E13', '', '2024-02-15 12:00', '10', '', '交易成功', '2024-02-15', 1000],
  // Several orders on one day count separately; ties in R, F and M with customer F.
  ['E14', 'E', '2024-03-20 09:00', '40', '', '交易成功', '2024-03-20', 4000],
  ['E15', 'E', '2024-03-20 18:00', '40', '', '交易成功', '2024-03-20', 4000],
  ['E16', 'F', '2024-03-20 10:00', '40', '', '交易成功', '2024-03-20', 4000],
  ['E17', 'F', '2024-03-20 11:00', '40', '', '交易成功', '2024-03-20', 4000],
  // Orders after the as-of dates used below.
  ['E18', 'A', '2024-04-02 10:00', '70', '', '交易成功', '2024-04-02', 7000],
  ['E19', 'G', '2024-04-03 01:00', '90', '', '交易成功', '2024-04-03', 9000],
  // A new customer days before the as-of date, and a long-tenure loyal one.
  ['E20', 'H', '2024-03-28 10:00', '20', '', '交易成功', '2024-03-28', 2000],
  ['E21', 'L', '2023-06-01 10:00', '10', '', '交易成功', '2023-06-01', 1000],
  ['E22', 'L', '2024-01-15 10:00', '10', '', '交易成功', '2024-01-15', 1000],
  ['E23', 'L', '2024-02-15 10:00', '10', '', '交易成功', '2024-02-15', 1000],
  ['E24', 'L', '2024-03-15 10:00', '10', '', '交易成功', '2024-03-15', 1000],
];

const orders: SimpleOrder[] = ROWS.map(([, customer, , , , , date, net]) => ({ customer, date, net }));
const identified = orders.filter((o) => o.customer);
const customers = [...new Set(identified.map((o) => o.customer))];

afterAll(dropTestSchemas);

describe.each(storesUnderTest())(
  'segmentation and metrics on the edges of the definitions ($name)',
  (store) => {
    let database: Database;
    let ws: Workspace;

    beforeAll(async () => {
      database = await store.open();
      ws = await createWorkspace(database.db, { name: 'edges', timezone: 'Asia/Shanghai', currency: 'CNY' });
      const dir = mkdtempSync(join(tmpdir(), 'retain-edges-'));
      const file = join(dir, 'orders.csv');
      const csv = [
        '订单号,客户编号,下单时间,实付金额,退款金额,订单状态',
        ...ROWS.map((r) => r.slice(0, 6).join(',')),
      ];
      // An exact duplicate row is the same order.
      csv.push(csv[1]!);
      writeFileSync(file, csv.join('\n'));
      const stats = await importFile(database, { kind: 'orders', file, workspace: ws });
      expect(stats).toMatchObject({
        read: ROWS.length + 1,
        inserted: ROWS.length,
        unchanged: 1,
        rejected: 0,
        guest: 2,
      });
    });
    afterAll(async () => {
      await database?.close();
    });

    it.each([
      ['2024-03-31', undefined],
      ['2024-04-05', undefined],
      ['2024-03-20', undefined],
      ['2024-03-31', 30],
    ])('scores RFM and lifecycle as of %s (window %s) exactly as defined', async (asOf, windowDays) => {
      for (const split of ['mean', 'score'] as const) {
        const seg = await computeSegmentation(split === 'mean' ? database : database.db, ws, {
          asOf,
          windowDays,
          split,
        });
        const actual = new Map(
          [...rfmRows(seg)].map(({ customer_id, lifecycle, ...rest }) => [customer_id, rest]),
        );
        expect(actual).toEqual(expectedRfm(identified, asOf, windowDays, split));
        const stages = new Map(seg.facts.labels.map((label, i) => [label, LIFECYCLE_STAGES[seg.stages[i]!]]));
        expect(stages).toEqual(expectedLifecycle(identified, customers, asOf));
      }
    });

    it('counts moves between RFM groups and lifecycle stages from one date to another', async () => {
      const [d0, d1] = ['2024-03-01', '2024-04-05'];
      const movement = segmentMovement(
        await computeSegmentation(database.db, ws, { asOf: d0 }),
        await computeSegmentation(database.db, ws, { asOf: d1 }),
      );
      const g0 = expectedRfm(identified, d0);
      const g1 = expectedRfm(identified, d1);
      const l0 = expectedLifecycle(identified, customers, d0);
      const l1 = expectedLifecycle(identified, customers, d1);
      const want = (labels: string[], a: (c: string) => string, b: (c: string) => string) => {
        const m = labels.map(() => labels.map(() => 0));
        for (const c of customers) m[labels.indexOf(a(c))]![labels.indexOf(b(c))]!++;
        return m;
      };
      const group = (g: Map<string, { rfm_group: string }>) => (c: string) =>
        g.get(c)?.rfm_group ?? 'unscored';
      expect(movement.rfm.matrix).toEqual(want(movement.rfm.labels, group(g0), group(g1)));
      expect(movement.lifecycle.matrix).toEqual(
        want(
          movement.lifecycle.labels,
          (c) => l0.get(c)!,
          (c) => l1.get(c)!,
        ),
      );
      expect(movement.lifecycle.matrix.flat().reduce((a, b) => a + b, 0)).toBe(customers.length);
    });

    it('records lifecycle and RFM group changes as events, once', async () => {
      const record = async (asOf: string) =>
        recordStageChanges(database.db, ws, await computeSegmentation(database.db, ws, { asOf }));
      // First recording: every customer gets a stage, every scored customer a group.
      expect(await record('2024-03-01')).toEqual({
        lifecycle: customers.length,
        rfm_group: expectedRfm(identified, '2024-03-01').size,
      });
      expect(await record('2024-03-01')).toEqual({ lifecycle: 0, rfm_group: 0 });
      const l0 = expectedLifecycle(identified, customers, '2024-03-01');
      const l1 = expectedLifecycle(identified, customers, '2024-03-31');
      const g0 = expectedRfm(identified, '2024-03-01');
      const g1 = expectedRfm(identified, '2024-03-31');
      const stageChanges = customers.filter((c) => l0.get(c) !== l1.get(c));
      const groupChanges = customers.filter((c) => g0.get(c)?.rfm_group !== g1.get(c)?.rfm_group);
      expect(stageChanges.length).toBeGreaterThan(0);
      expect(await record('2024-03-31')).toEqual({
        lifecycle: stageChanges.length,
        rfm_group: groupChanges.length,
      });
      const events = await sql<{ ext: string; properties: { from: string | null; to: string } }>`
      select c.external_id as ext, e.properties from events e join customers c on c.workspace_id = e.workspace_id and c.id = e.customer_id
      where e.workspace_id = ${ws.id} and e.type = 'lifecycle_changed' and e.properties->>'as_of' = '2024-03-31'`.execute(
        database.db,
      );
      expect(new Map(events.rows.map((e) => [e.ext, [e.properties.from, e.properties.to]]))).toEqual(
        new Map(stageChanges.map((c) => [c, [l0.get(c), l1.get(c)]])),
      );
    });

    it('computes historical CLV from the year up to the as-of date', async () => {
      // Year (2023-07-02, 2024-07-01]: 16 valid identified orders of 8 buyers, ¥660 → AOV ¥41.25, 2 orders each.
      // Previous year holds only L's 2023-06-01 order, and L bought again: retention 1, lifetime capped at 10.
      expect(await historicalClv(database.db, ws.id, '2024-07-01')).toEqual({
        as_of: '2024-07-01',
        aov: 4125,
        orders_per_customer: 2,
        annual_retention: 1,
        expected_lifetime_years: 10,
        clv: 82500,
      });
      // Nobody bought in the year before 2023-03-31's year, so retention (and CLV) are undefined.
      expect(await historicalClv(database.db, ws.id, '2023-03-31')).toMatchObject({
        annual_retention: null,
        clv: null,
      });
    });

    it('computes monthly metrics exactly as defined, guests in sales but not in buyers', async () => {
      const rows = await periodMetrics(database.db, ws.id, {
        from: '2024-01-01',
        to: '2024-05-01',
        period: 'month',
      });
      const wanted = expectedMonthlyMetrics(orders, '2024-01-01', '2024-05-01');
      expect(rows).toHaveLength(4);
      rows.forEach((row, i) => {
        expect(row).toEqual(wanted[i]);
      });
    });

    it('starts weeks on Monday and days at local midnight', async () => {
      const days = await periodMetrics(database.db, ws.id, {
        from: '2024-01-31',
        to: '2024-02-02',
        period: 'day',
      });
      expect(days.map((d) => [d.period_start, d.orders, d.revenue])).toEqual([
        ['2024-01-31', 1, 10000],
        ['2024-02-01', 1, 5000],
      ]);
      // 2024-03-18 is a Monday; E14–E17 (Wednesday 2024-03-20) fall in its week.
      const weeks = await periodMetrics(database.db, ws.id, {
        from: '2024-03-18',
        to: '2024-03-25',
        period: 'week',
      });
      expect(weeks).toEqual([
        expect.objectContaining({
          period_start: '2024-03-18',
          buyers: 2,
          orders: 4,
          repurchase_rate: 1,
          avg_repurchase_frequency: 1,
        }),
      ]);
    });

    it('builds the monthly cohort matrix from first valid orders', async () => {
      const cohorts = await cohortRetention(database.db, ws.id, { from: '2024-01-01', to: '2024-04-01' });
      // Jan: A (also Feb, but not Mar: E18 is April) and L (Feb, Mar) — L's first order is 2023, so not here.
      // Feb: B (Mar too). Mar: C, E, F, H. D never had a valid order.
      expect(cohorts).toEqual([
        { cohort: '2024-01', customers: 1, retention: [1, 1, 0] },
        { cohort: '2024-02', customers: 1, retention: [1, 1] },
        { cohort: '2024-03', customers: 4, retention: [1] },
      ]);
    });
  },
);
