import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const SAMPLES = new URL('./fixtures/platforms/', import.meta.url).pathname;
const sample = (file: string) => new Uint8Array(readFileSync(`${SAMPLES}${file}`));

async function post(api: Api, key: string, path: string, name: string, bytes: Uint8Array) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return api.call('POST', path, { key, raw: form });
}

type Field = { field: string; column: string | null };
const columnsOf = (fields: Field[]) =>
  Object.fromEntries(fields.filter((f) => f.column).map((f) => [f.field, f.column]));

describe.each(storesUnderTest())('platform detection and saved mappings over the API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let other: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `platforms-${store.name}`);
    other = await workspaceWithKeys(database, `platforms-other-${store.name}`);
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const finished = async (started: { status: number; body: { id: string } }) => {
    expect(started.status).toBe(202);
    for (;;) {
      const job = await api.call('GET', `/api/v1/imports/${started.body.id}`, { key: shop.keys.admin });
      if (job.body.status !== 'running') return job.body;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it.each([
    [
      'youzan-order-lines.csv',
      'order-lines',
      { platform: 'youzan', export: 'orders', kinds: ['order-lines'] },
    ],
    ['tmall-orders.csv', 'orders', { platform: 'tmall', export: 'orders', kinds: ['orders'] }],
    ['jd-order-lines.csv', 'orders', { platform: 'jd', export: 'orders', kinds: ['order-lines'] }],
    ['pinduoduo-orders.csv', 'orders', { platform: 'pinduoduo', export: 'orders', kinds: ['orders'] }],
    ['douyin-order-lines.csv', 'orders', { platform: 'douyin', export: 'orders', kinds: ['order-lines'] }],
    ['weimob-orders.csv', 'orders', { platform: 'weimob', export: 'orders', kinds: ['orders'] }],
    [
      'weimob-order-items.csv',
      'order-lines',
      { platform: 'weimob', export: 'order-items', kinds: ['order-lines'] },
    ],
    ['weimob-members.csv', 'customers', { platform: 'weimob', export: 'members', kinds: ['customers'] }],
    [
      'shopify-orders.csv',
      'orders',
      { platform: 'shopify', export: 'orders', kinds: ['orders', 'order-lines'] },
    ],
    [
      'shopify-customers.csv',
      'customers',
      { platform: 'shopify', export: 'customers', kinds: ['customers'] },
    ],
  ])('recognises %s', async (file, kind, platform) => {
    const reply = await post(
      api,
      shop.keys.operator,
      `/api/v1/imports/columns?kind=${kind}`,
      file,
      sample(file),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.platform).toEqual(platform);
    expect(reply.body.saved_mapping).toBe(false);
  });

  it('recognises no platform in a file of its own, and reads Shopify’s Name as the order number only in Shopify’s export', async () => {
    const own = new TextEncoder().encode('Name,Order ID,Date,Amount\nJane,A1,2024-03-01,10\n');
    const reply = await post(api, shop.keys.operator, '/api/v1/imports/columns?kind=orders', 'own.csv', own);
    expect(reply.body.platform).toBeNull();
    expect(columnsOf(reply.body.fields)).toMatchObject({ order_id: 'Order ID', name: 'Name' });
    const shopify = await post(
      api,
      shop.keys.operator,
      '/api/v1/imports/columns?kind=orders',
      'orders_export.csv',
      sample('shopify-orders.csv'),
    );
    expect(columnsOf(shopify.body.fields)).toMatchObject({
      order_id: 'Name',
      name: 'Billing Name',
      amount: 'Total',
      status: 'Financial Status',
      fulfillment_status: 'Fulfillment Status',
      cancelled_at: 'Cancelled at',
    });
  });

  it('remembers the mapping an upload of a platform’s export was confirmed with, for that workspace only', async () => {
    const file = sample('weimob-orders.csv');
    const detect = (key: string) =>
      post(api, key, '/api/v1/imports/columns?kind=orders', 'weimob.csv', file).then((r) => r.body);
    const first = await detect(shop.keys.admin);
    expect(columnsOf(first.fields)).toMatchObject({ phone: '会员手机号', channel: '订单来源' });
    // The operator reads the phone from the consignee's column and leaves the channel out.
    const map = { phone: '收货人手机号', channel: '' };
    const job = await finished(
      await post(
        api,
        shop.keys.admin,
        `/api/v1/imports?kind=orders&map=${encodeURIComponent(JSON.stringify(map))}`,
        'weimob.csv',
        file,
      ),
    );
    expect(job.stats.rejected).toBe(0);
    const next = await detect(shop.keys.admin);
    expect(next.saved_mapping).toBe(true);
    expect(columnsOf(next.fields)).toMatchObject({ phone: '收货人手机号', order_id: '订单编号' });
    expect(columnsOf(next.fields).channel).toBeUndefined();
    // Another workspace, and another kind, start from the dictionary.
    const elsewhere = await detect(other.keys.admin);
    expect([elsewhere.saved_mapping, columnsOf(elsewhere.fields).phone]).toEqual([false, '会员手机号']);
    const lines = await post(api, shop.keys.admin, '/api/v1/imports/columns?kind=order-lines', 'w.csv', file);
    expect(lines.body.saved_mapping).toBe(false);

    // A plain upload next time is read with the saved mapping: still no channel, nothing changes.
    const again = await finished(
      await post(api, shop.keys.admin, '/api/v1/imports?kind=orders', 'w.csv', file),
    );
    expect(again.stats).toMatchObject({ rejected: 0, inserted: 0, updated: 0, unchanged: 7 });
    const channels = await sql<{ n: number }>`
      select count(*)::int as n from orders where workspace_id = ${shop.workspace.id} and channel is not null`.execute(
      database.db,
    );
    expect(channels.rows[0]!.n).toBe(0);
  });
});
