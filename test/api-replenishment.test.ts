import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { setProduct } from '../src/products/product-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

// Two milk buyers whose five repeat intervals per unit are, by hand: C1 20 (1 tin, 20 days),
// 20 (2 tins, 40 days), 30 (1 tin, 30 days); C2 30 and 40 — median 30, quartiles 20 and 30.
// C1 last bought 2 tins on 31 March: out on 31 March + 60 days = 30 May. Soap is set to 10 days.
const LINES = `order_id,customer_id,ordered_at,sku,product_name,quantity,unit_price,status
A1,C1,2024-01-01 10:00,MILK,奶粉 900g,1,200,paid
A2,C1,2024-01-21 10:00,MILK,奶粉 900g,2,200,paid
A3,C1,2024-03-01 10:00,MILK,奶粉 900g,1,200,paid
A4,C1,2024-03-31 10:00,MILK,奶粉 900g,2,200,paid
A4,C1,2024-03-31 10:00,SOAP,香皂,3,10,paid
B1,C2,2024-01-10 10:00,MILK,奶粉 900g,1,200,paid
B2,C2,2024-02-09 10:00,MILK,奶粉 900g,1,200,paid
B3,C2,2024-03-20 10:00,MILK,奶粉 900g,1,200,paid
`;

describe.each(storesUnderTest())('replenishment API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  let other: number;

  beforeAll(async () => {
    setClock(new Date('2024-05-25T09:00:00+08:00'));
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    b = await workspaceWithKeys(database, 'shop-b');
    await importText(database, a.workspace, 'order-lines', LINES);
    await importText(database, b.workspace, 'order-lines', LINES);
    await setProduct(database.db, a.workspace.id, 'SOAP', { repurchase_days: 10 });
    ids = await customerIds(database.db, a.workspace.id);
    other = (await customerIds(database.db, b.workspace.id)).C1!;
    api = await startApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('learns on demand for those who may, and lists hand-set and learned intervals side by side', async () => {
    const before = await api.call('GET', '/api/v1/products/intervals', { key: a.keys.viewer });
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([
      expect.objectContaining({ sku: 'SOAP', repurchase_days: 10, learned: null, source: 'set' }),
    ]);
    const path = '/api/v1/products/intervals/refresh';
    expect((await api.call('POST', path, { key: a.keys.viewer, body: {} })).status).toBe(403);
    expect((await api.call('POST', path, { key: a.keys.service, body: {} })).status).toBe(403);
    const learned = await api.call('POST', path, { key: a.keys.operator, body: { as_of: '2024-05-25' } });
    expect(learned.status).toBe(200);
    expect(learned.body).toEqual({ as_of: '2024-05-25', by_sku: 1, by_category: 0 });
    const list = await api.call('GET', '/api/v1/products/intervals', { key: a.keys.viewer });
    expect(list.body).toEqual({
      items: [
        {
          sku: 'MILK',
          name: '奶粉 900g',
          category: null,
          repurchase_days: null,
          learned: {
            basis: 'sku',
            intervals: 5,
            customers: 2,
            median_days: 30,
            p25_days: 20,
            p75_days: 30,
            as_of: '2024-05-25',
          },
          effective_days: 30,
          source: 'sku',
        },
        {
          sku: 'SOAP',
          name: '香皂',
          category: null,
          repurchase_days: 10,
          learned: null,
          effective_days: 10,
          source: 'set',
        },
      ],
      next_cursor: null,
    });
    const first = await api.call('GET', '/api/v1/products/intervals?limit=1', { key: a.keys.viewer });
    expect(first.body.items.map((i: { sku: string }) => i.sku)).toEqual(['MILK']);
    expect(first.body.next_cursor).toBe('1');
  });

  it('tells a customer’s expected dates of need, soonest first, to every role', async () => {
    for (const role of ['viewer', 'service', 'operator', 'admin'] as const) {
      const r = await api.call('GET', `/api/v1/customers/${ids.C1}/replenishment`, { key: a.keys[role] });
      expect(r.status, role).toBe(200);
      expect(r.body).toEqual({
        as_of: '2024-05-25',
        items: [
          {
            sku: 'SOAP',
            name: '香皂',
            last_purchase_date: '2024-03-31',
            quantity: 3,
            interval_days: 10,
            interval_source: 'set',
            need_date: '2024-04-30',
            days_left: -25,
          },
          {
            sku: 'MILK',
            name: '奶粉 900g',
            last_purchase_date: '2024-03-31',
            quantity: 2,
            interval_days: 30,
            interval_source: 'sku',
            need_date: '2024-05-30',
            days_left: 5,
          },
        ],
      });
    }
  });

  it('answers 404 for a customer of another workspace or none, and names a bad input', async () => {
    const get = (id: string | number) =>
      api.call('GET', `/api/v1/customers/${id}/replenishment`, { key: a.keys.viewer });
    expect((await get(other)).status).toBe(404);
    expect((await get(999_999)).status).toBe(404);
    const bad = await get('abc');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/customerId/);
    const date = await api.call('POST', '/api/v1/products/intervals/refresh', {
      key: a.keys.admin,
      body: { as_of: '2024-02-30' },
    });
    expect(date.status).toBe(400);
    expect(JSON.stringify(date.body)).toMatch(/as_of/);
    const extra = await api.call('POST', '/api/v1/products/intervals/refresh', {
      key: a.keys.admin,
      body: { as_of: '2024-05-01', sku: 'MILK' },
    });
    expect(extra.status).toBe(400);
    const limit = await api.call('GET', '/api/v1/products/intervals?limit=0', { key: a.keys.viewer });
    expect(limit.status).toBe(400);
    expect(JSON.stringify(limit.body)).toMatch(/limit/);
  });
});
