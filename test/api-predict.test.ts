import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { bgnbdPAlive } from '../src/predict/bgnbd.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// Five buyers over half a year: enough repeat purchases for a fit, few enough to check by hand.
const ORDERS: [string, string, string, number][] = [
  ['O1', 'C1', '2024-01-05', 10000],
  ['O2', 'C1', '2024-02-05', 12000],
  ['O3', 'C1', '2024-03-05', 8000],
  ['O4', 'C1', '2024-05-20', 9000],
  ['O5', 'C2', '2024-01-10', 30000],
  ['O6', 'C2', '2024-01-25', 20000],
  ['O7', 'C3', '2024-02-01', 5000],
  ['O8', 'C4', '2024-03-01', 7000],
  ['O9', 'C4', '2024-06-10', 7000],
  ['O10', 'C5', '2024-04-01', 0],
  ['O11', 'C1', '2024-06-20', 11000],
];

describe.each(storesUnderTest())('prediction API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    api = await startApi(database);
    const items = ORDERS.map(([order_id, customer_id, date, amount]) => ({
      order_id,
      customer_id,
      ordered_at: `${date}T10:00:00+08:00`,
      amount,
      status: 'paid',
    }));
    expect(
      (await api.call('POST', '/api/v1/orders', { key: a.keys.admin, body: { items } })).body.accepted,
    ).toBe(11);
    for (const c of await database.db.selectFrom('customers').select(['id', 'external_id']).execute())
      ids[c.external_id!] = Number(c.id);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('has no fit and no prediction before the first refresh', async () => {
    expect((await api.call('GET', '/api/v1/predict/fit', { key: a.keys.viewer })).status).toBe(404);
    expect(
      (await api.call('GET', `/api/v1/customers/${ids.C1}/prediction`, { key: a.keys.viewer })).status,
    ).toBe(404);
  });

  it('refreshes, then serves the fit and each customer’s stored prediction', async () => {
    const refreshed = await api.call('POST', '/api/v1/predict/refresh', {
      key: a.keys.operator,
      body: { as_of: '2024-06-30', horizon_days: 180 },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ customers: 5, horizon_days: 180 });
    const fit = (await api.call('GET', '/api/v1/predict/fit', { key: a.keys.viewer })).body;
    expect(fit).toMatchObject({
      id: refreshed.body.fit.id,
      model: 'bgnbd',
      unit: 'week',
      calibration_end: '2024-06-30',
    });
    // C1: purchase days 01-05, 02-05, 03-05, 05-20, 06-20 → x = 4, t_x and T in weeks from 01-05.
    const c1 = await api.call('GET', `/api/v1/customers/${ids.C1}/prediction`, { key: a.keys.viewer });
    expect(c1.status).toBe(200);
    const first = Date.UTC(2024, 0, 5);
    const tx = (Date.UTC(2024, 5, 20) - first) / 7 / 86_400_000;
    const T = (Date.UTC(2024, 5, 30) - first) / 7 / 86_400_000;
    expect(c1.body.p_alive).toBeCloseTo(bgnbdPAlive(fit.params, 4, tx, T), 10);
    expect(c1.body).toMatchObject({ as_of: '2024-06-30', horizon_days: 180, fit_id: fit.id });
    expect(c1.body.expected_purchases_365d).toBeGreaterThan(c1.body.expected_purchases_90d);
    // C5 bought once, for ¥0: a purchase, so a prediction.
    expect(
      (await api.call('GET', `/api/v1/customers/${ids.C5}/prediction`, { key: a.keys.viewer })).status,
    ).toBe(200);
  });

  it('selects customers by their stored prediction in a segment condition', async () => {
    const stored = await database.db
      .selectFrom('customer_predictions')
      .select(['customer_id', 'p_alive', 'expected_purchases_90d'])
      .execute();
    const threshold = stored.map((r) => r.p_alive).sort((x, y) => x - y)[2]!;
    const preview = async (condition: unknown) =>
      (
        await api.call('POST', '/api/v1/segments/preview', {
          key: a.keys.viewer,
          body: { condition, as_of: '2024-06-30', sample: 100 },
        })
      ).body;
    const low = await preview({ prediction: 'p_alive', op: 'lt', value: threshold });
    const expected = stored.filter((r) => r.p_alive < threshold).map((r) => Number(r.customer_id));
    expect(low.count).toBe(expected.length);
    expect(low.sample.map((c: { id: number }) => c.id).sort()).toEqual(expected.sort());
    // Money columns are bigint: a fractional bound still compares, and NOT is the complement.
    const notLow = await preview({ not: { prediction: 'p_alive', op: 'lt', value: threshold } });
    expect(notLow.count).toBe(5 - expected.length);
    expect((await preview({ prediction: 'predicted_clv', op: 'gte', value: 0.5 })).count).toBeGreaterThan(0);
    const bad = await api.call('POST', '/api/v1/segments/preview', {
      key: a.keys.viewer,
      body: { condition: { prediction: 'p_dead', op: 'lt', value: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/prediction/);
  });

  it('fits on a split and compares the holdout per frequency bin', async () => {
    const r = await api.call('POST', '/api/v1/predict/fit', {
      key: a.keys.admin,
      body: { calibration_end: '2024-03-31', model: 'paretonbd', unit: 'day' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ model: 'paretonbd', unit: 'day', customers: 4, repeat_purchases: 3 });
    expect(Object.keys(r.body.params)).toEqual(['r', 'alpha', 's', 'beta']);
    // After 03-31: C1 twice (05-20, 06-20), C4 once (06-10); C5 first bought after the split.
    expect(r.body.holdout).toMatchObject({ end: '2024-06-20', days: 81, actual: 3 });
    expect(r.body.holdout.bins.map((b: { customers: number }) => b.customers)).toEqual([
      2, 1, 1, 0, 0, 0, 0, 0,
    ]);
  });

  it('names the field at fault and refuses roles that may not write', async () => {
    const bad = await api.call('POST', '/api/v1/predict/fit', {
      key: a.keys.admin,
      body: { calibration_end: '2024-02-30' },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/calibration_end/);
    const horizon = await api.call('POST', '/api/v1/predict/refresh', {
      key: a.keys.admin,
      body: { horizon_days: 5 },
    });
    expect(horizon.status).toBe(400);
    expect(JSON.stringify(horizon.body)).toMatch(/horizon_days/);
    const tooEarly = await api.call('POST', '/api/v1/predict/fit', {
      key: a.keys.admin,
      body: { calibration_end: '2023-01-01' },
    });
    expect(tooEarly.status).toBe(400);
    expect(tooEarly.body.message).toMatch(/not enough purchases/);
    expect((await api.call('POST', '/api/v1/predict/refresh', { key: a.keys.viewer, body: {} })).status).toBe(
      403,
    );
    expect((await api.call('POST', '/api/v1/predict/fit', { key: a.keys.service, body: {} })).status).toBe(
      403,
    );
  });
});
