import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

describe.each(storesUnderTest())('batch item errors in the caller’s language ($name)', (store) => {
  let database: Database;
  let api: Api;
  let shop: Awaited<ReturnType<typeof workspaceWithKeys>>;

  beforeAll(async () => {
    database = await store.open();
    shop = await workspaceWithKeys(database, `batch-lang-${store.name}`);
    api = await startApi(database);
  });
  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  const orders = [
    { order_id: 'B1', phone: '13800138000', ordered_at: '2024-03-01 10:00:00', amount: 1000 },
    { order_id: 'B2', phone: '13800138000', ordered_at: 'yesterday', amount: 1000 },
    {
      order_id: 'B3',
      phone: '13800138000',
      ordered_at: '2024-03-01 10:00:00',
      amount: 1000,
      refunded_amount: 2000,
    },
  ];
  const events = [
    { phone: '13800138000', type: 'page_view', occurred_at: '2024-03-01 10:00:00' },
    { phone: '13800138000', type: 'page_view', occurred_at: 'soon' },
  ];
  const errorsOf = (body: { items: { index: number; error?: { field: string; message: string } }[] }) =>
    body.items.filter((i) => i.error).map((i) => [i.index, i.error!.field, i.error!.message]);

  it('writes /orders and /events item errors in Chinese for lang=zh-CN or a Chinese Accept-Language, else English', async () => {
    const key = shop.keys.admin;
    const zh = await api.call('POST', '/api/v1/orders?lang=zh-CN', { key, body: { items: orders } });
    expect(zh.status).toBe(200);
    expect(errorsOf(zh.body)).toEqual([
      [1, 'ordered_at', 'ordered_at「yesterday」不是日期时间'],
      [2, 'refunded_amount', 'refunded_amount大于订单金额'],
    ]);
    const header = await api.call('POST', '/api/v1/orders', {
      key,
      body: { items: orders },
      headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    });
    expect(errorsOf(header.body)).toEqual(errorsOf(zh.body));
    const en = await api.call('POST', '/api/v1/orders', { key, body: { items: orders } });
    expect(errorsOf(en.body)).toEqual([
      [1, 'ordered_at', 'ordered_at "yesterday" is not a date and time'],
      [2, 'refunded_amount', 'refunded_amount is larger than the amount'],
    ]);
    const chosen = await api.call('POST', '/api/v1/orders?lang=en', {
      key,
      body: { items: orders },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(errorsOf(chosen.body)).toEqual(errorsOf(en.body));

    const zhEvents = await api.call('POST', '/api/v1/events', {
      key,
      body: { items: events },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(errorsOf(zhEvents.body)).toEqual([[1, 'occurred_at', 'occurred_at「soon」不是日期时间']]);
    const enEvents = await api.call('POST', '/api/v1/events', { key, body: { items: events } });
    expect(errorsOf(enEvents.body)).toEqual([
      [1, 'occurred_at', 'occurred_at "soon" is not a date and time'],
    ]);
    expect((await api.call('POST', '/api/v1/events?lang=fr', { key, body: { items: events } })).status).toBe(
      400,
    );
  });
});
