import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import type { Database } from '../src/db/database.ts';
import { refreshPredictions } from '../src/predict/predict-service.ts';
import { setClock } from '../src/shared/clock.ts';
import {
  expectedHistoricalClv,
  expectedReport,
  ordersCsv,
  SEED_SPEND,
  seedOrders,
} from './acquisition-seed.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The CAC report over seeded orders and spend entered through the API, against the same figures
// computed in the test (acquisition-seed.ts) from PRODUCT.md's rules, on every store.
const AS_OF = '2026-04-15';
const orders = seedOrders();

afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

describe.each(storesUnderTest())('acquisition cost ($name)', (store) => {
  let database: Database;
  let api: Api;
  let ws: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    setClock(new Date(`${AS_OF}T12:00:00+08:00`));
    database = await store.open();
    ws = await workspaceWithKeys(database, 'cac-shop');
    await importText(database, ws.workspace, 'orders', ordersCsv(orders));
    api = await startApi(database, { rateLimitPerMinute: 1_000_000 });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const put = (key: string, items: unknown) =>
    api.call('PUT', '/api/v1/acquisition/spend', { key, body: { items } });

  it('lets operators and admins enter spend, and every role read it and the report', async () => {
    const item = { month: '2025-10', channel: '抖音', amount: 1 };
    for (const role of ['viewer', 'service'] as const) {
      const refused = await put(ws.keys[role], [item]);
      expect(refused.status).toBe(403);
    }
    expect((await put(ws.keys.admin, [item])).status).toBe(200);
    const saved = await put(ws.keys.operator, SEED_SPEND);
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ saved: SEED_SPEND.length, removed: 0 });
    for (const role of ['viewer', 'service', 'operator', 'admin'] as const) {
      expect((await api.call('GET', '/api/v1/acquisition/spend', { key: ws.keys[role] })).status).toBe(200);
      expect((await api.call('GET', '/api/v1/acquisition/report', { key: ws.keys[role] })).status).toBe(200);
    }
    const listed = await api.call('GET', '/api/v1/acquisition/spend?from=2025-12&to=2025-12', {
      key: ws.keys.viewer,
    });
    expect(listed.body.map((r: { channel: string; amount: number }) => [r.channel, r.amount]).sort()).toEqual(
      SEED_SPEND.filter((s) => s.month === '2025-12')
        .map((s) => [s.channel, s.amount])
        .sort(),
    );
    const audit = await api.call('GET', '/api/v1/audit?action=spend.', { key: ws.keys.admin });
    expect(audit.body.items.map((e: { action: string; actor_label: string }) => e.action)).toEqual([
      'spend.set',
      'spend.set',
    ]);
  });

  it('refuses bad spend naming the field, and removes a row given amount null', async () => {
    const bad = await put(ws.keys.operator, [{ month: '2026-13', channel: '抖音', amount: 100 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/items\.0\.month/);
    const fraction = await put(ws.keys.operator, [{ month: '2026-01', channel: '抖音', amount: 1.5 }]);
    expect(fraction.status).toBe(400);
    expect(fraction.body.message).toMatch(/items\.0\.amount/);
    const twice = await put(ws.keys.operator, [
      { month: '2026-01', channel: 'x', amount: 1 },
      { month: '2026-01', channel: 'x', amount: 2 },
    ]);
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/items\.1/);
    expect((await put(ws.keys.operator, [{ month: '2026-03', channel: 'gone', amount: 5 }])).status).toBe(
      200,
    );
    const removed = await put(ws.keys.operator, [{ month: '2026-03', channel: 'gone', amount: null }]);
    expect(removed.body).toEqual({ saved: 0, removed: 1 });
  });

  it('reports CAC, CLV : CAC and payback as computed by hand from the orders and spend', async () => {
    const report = await api.call('GET', '/api/v1/acquisition/report', { key: ws.keys.viewer });
    expect(report.status).toBe(200);
    expect(report.body.as_of).toBe(AS_OF);
    expect(report.body.predictions_fitted_at).toBeNull();
    const clv = expectedHistoricalClv(orders, AS_OF);
    expect(clv).not.toBeNull();
    const expected = expectedReport(orders, SEED_SPEND, AS_OF);
    // The seed reaches every case: cohorts paid back at once, later and never; a channel without buyers.
    expect(expected.some((e) => e.newBuyers === 0)).toBe(true);
    expect(expected.some((e) => e.paybackMonth === e.month)).toBe(true);
    expect(expected.some((e) => e.paybackMonth !== null && e.paybackMonth > e.month)).toBe(true);
    expect(expected.some((e) => e.newBuyers > 0 && e.paybackMonth === null)).toBe(true);
    const byKey = new Map(
      report.body.rows.map((r: { month: string; channel: string }) => [`${r.month}|${r.channel}`, r]),
    );
    expect(byKey.size).toBe(expected.length);
    for (const e of expected) {
      const got = byKey.get(`${e.month}|${e.channel}`);
      expect(got, `${e.month} ${e.channel}`).toMatchObject({
        spend: e.spend,
        new_buyers: e.newBuyers,
        revenue_to_date: e.revenue,
        payback_month: e.paybackMonth,
        historical_clv: clv,
      });
      const row = got as { cac: number | null; clv_cac: number | null };
      if (e.cac === null) expect(row.cac).toBeNull();
      else expect(row.cac).toBeCloseTo(e.cac, 6);
      if (e.cac === null) expect(row.clv_cac).toBeNull();
      else expect(row.clv_cac).toBeCloseTo(clv! / e.cac, 9);
    }
  });

  it('sets predicted CLV : CAC from the stored predictions once they exist', async () => {
    await refreshPredictions(database, ws.workspace, { asOf: AS_OF, actor: cliActor() });
    const ids = await customerIds(database.db, ws.workspace.id);
    const stored = await database.db
      .selectFrom('customer_predictions')
      .select(['customer_id', 'predicted_clv'])
      .where('workspace_id', '=', ws.workspace.id)
      .execute();
    const clvOf = new Map(stored.map((p) => [Number(p.customer_id), p.predicted_clv]));
    const report = await api.call('GET', '/api/v1/acquisition/report?from=2025-11&to=2026-01', {
      key: ws.keys.viewer,
    });
    expect(report.body.predictions_fitted_at).not.toBeNull();
    const expected = expectedReport(orders, SEED_SPEND, AS_OF).filter(
      (e) => e.month >= '2025-11' && e.month <= '2026-01',
    );
    expect(report.body.rows).toHaveLength(expected.length);
    let compared = 0;
    for (const e of expected) {
      const got = report.body.rows.find(
        (r: { month: string; channel: string }) => r.month === e.month && r.channel === e.channel,
      );
      const values = e.members.map((m) => clvOf.get(ids[m]!)).filter((v): v is number => v != null);
      if (!values.length) {
        expect(got.predicted_clv).toBeNull();
        continue;
      }
      const mean = values.reduce((a, b) => a + Number(b), 0) / values.length;
      expect(got.predicted_clv).toBeCloseTo(mean, 6);
      expect(got.predicted_clv_cac).toBeCloseTo(mean / e.cac!, 9);
      compared++;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('refuses a reversed month range naming the field', async () => {
    const reversed = await api.call('GET', '/api/v1/acquisition/report?from=2026-02&to=2026-01', {
      key: ws.keys.viewer,
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.message).toMatch(/to/);
  });
});
