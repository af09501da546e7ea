import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

type Keys = Awaited<ReturnType<typeof workspaceWithKeys>>['keys'];
type Row = [string, string, string, number, number, string, string | null];

// Test 1's batch: order_id, customer_id ('' = guest), ordered_at, amount, refunded, status ('' = none
// sent) and the local date in Asia/Shanghai worked out by hand (null: the bad item).
const ROWS: Row[] = [
  ['A-1', 'C1', '2024-01-05T10:00:00+08:00', 12900, 0, 'paid', '2024-01-05'],
  ['A-2', 'C1', '2024-01-20 09:30:00', 12345, 0, '', '2024-01-20'],
  ['A-3', 'C2', '2024-01-31T20:00:00Z', 5, 0, 'paid', '2024-02-01'], // 04:00 on Feb 1 locally; ¥0.05
  ['A-4', 'C2', '2024-02-10 12:00:00', 8000, 8000, 'paid', '2024-02-10'], // fully refunded
  ['A-5', 'C3', 'not a date', 100, 0, 'paid', null],
  ['A-6', 'C1', '2024-02-15 18:00:00', 10000, 2500, 'completed', '2024-02-15'],
  ['A-7', '', '2024-02-20 11:00:00', 4000, 0, 'paid', '2024-02-20'], // guest
  ['A-8', 'C3', '2024-02-21 11:00:00', 3000, 0, 'cancelled', '2024-02-21'],
  ['A-9', 'C2', '2024-03-03 08:00:00', 2000, 0, 'paid', '2024-03-03'],
  ['A-10', 'C3', '2024-03-09 08:00:00', 6000, 0, 'pending', '2024-03-09'],
  ['A-11', 'C2', '2024-03-31T16:30:00Z', 1500, 0, 'paid', '2024-04-01'], // April locally: out of range
];
const BAD_INDEX = 4;
const MONTHS = ['2024-01', '2024-02', '2024-03'];

/** PRODUCT.md §3.2 and §3.5, written again over the batch: monthly figures for `months`. */
function expectedMetrics(months: string[]) {
  const valid = ROWS.filter(([, , , amount, refunded, status, local]) => {
    return local !== null && ['paid', 'completed', ''].includes(status) && amount - refunded > 0;
  }).map(([, customer, , amount, refunded, , local]) => ({
    customer,
    month: local!.slice(0, 7),
    net: amount - refunded,
  }));
  const prev = (m: string) =>
    new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 2)).toISOString().slice(0, 7);
  const buyersIn = (m: string) => {
    const counts = new Map<string, number>();
    for (const o of valid)
      if (o.customer && o.month === m) counts.set(o.customer, (counts.get(o.customer) ?? 0) + 1);
    return counts;
  };
  return months.map((m) => {
    const inP = valid.filter((o) => o.month === m);
    const revenue = inP.reduce((s, o) => s + o.net, 0);
    const counts = buyersIn(m);
    const before = buyersIn(prev(m));
    const repeat = [...counts.values()].filter((n) => n >= 2);
    const returning = [...counts.keys()].filter((c) => valid.some((o) => o.customer === c && o.month < m));
    const kept = [...before.keys()].filter((c) => counts.has(c));
    return {
      period_start: `${m}-01`,
      buyers: counts.size,
      orders: inP.length,
      revenue,
      aov: inP.length ? Math.round(revenue / inP.length) : null,
      repurchase_rate: counts.size ? repeat.length / counts.size : null,
      avg_repurchase_frequency: repeat.length ? repeat.reduce((s, n) => s + n - 1, 0) / repeat.length : null,
      returning_rate: counts.size ? returning.length / counts.size : null,
      retention_rate: before.size ? kept.length / before.size : null,
    };
  });
}

describe.each(storesUnderTest())('API data ($name)', (store) => {
  let database: Database;
  let api: Api;
  const ws: Record<'shop' | 'files' | 'rfm' | 'list' | 'merge', Keys> = {} as never;
  const post = (key: string, path: string, body: unknown) =>
    api.call('POST', `/api/v1${path}`, { key, body });
  const get = (key: string, path: string) => api.call('GET', `/api/v1${path}`, { key });
  const idOf = async (key: string, q: string): Promise<number> => {
    const found = await get(key, `/customers?q=${encodeURIComponent(q)}`);
    expect(found.body.items).toHaveLength(1);
    return found.body.items[0].id;
  };
  const values = (rows: Record<string, string>[], field: string) => rows.map((r) => r[field]).sort();
  const metricsOf = async (key: string) =>
    (await get(key, '/metrics?from=2024-01-01&to=2024-04-01&period=month')).body;

  beforeAll(async () => {
    database = await store.open();
    for (const name of ['shop', 'files', 'rfm', 'list', 'merge'] as const)
      ws[name] = (await workspaceWithKeys(database, name)).keys;
    api = await startApi(database);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('names every field at fault in a refused journey, and saves nothing', async () => {
    const reply = await api.call('PUT', '/api/v1/journeys', {
      key: ws.shop.admin,
      body: {
        name: 'two-faults',
        trigger: { event: 'quiz_done' },
        start: 'wait',
        steps: { wait: { type: 'wait', next: 'done' }, done: { type: 'exit' } },
        attribution_days: 0,
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(/^body: (attribution_days|steps\.wait\.duration): /);
    expect(reply.body.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'attribution_days',
      'steps.wait.duration',
    ]);
    expect((await get(ws.shop.admin, '/journeys')).body).toEqual([]);
  });

  it('takes a batch of orders, rejects the bad item by index and field, is idempotent and metrics agree', async () => {
    const key = ws.shop.operator;
    const items = ROWS.map(([order_id, customer, ordered_at, amount, refunded, status]) => {
      const item: Record<string, string | number> = { order_id, ordered_at, amount };
      if (customer) item.customer_id = customer;
      if (customer === 'C1') item.phone = '13800000011';
      if (refunded) item.refunded_amount = refunded;
      if (status) item.status = status;
      return item;
    });
    const first = await post(key, '/orders', { items });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: items.length - 1, rejected: 1, inserted: items.length - 1 });
    const rejected = first.body.items.filter((i: { status: string }) => i.status === 'rejected');
    const error = { field: 'ordered_at', message: expect.stringContaining('not a date') };
    expect(rejected).toEqual([{ index: BAD_INDEX, status: 'rejected', error }]);
    for (const [orderId, , , amount, refunded, status, local] of ROWS) {
      const order = await get(ws.shop.viewer, `/orders/${orderId}`);
      expect(order.status, orderId).toBe(local === null ? 404 : 200);
      if (local === null) continue;
      const want = { amount, refunded_amount: refunded, status: status || 'completed', local_date: local };
      expect(order.body, orderId).toMatchObject({ ...want, currency: 'CNY' });
    }
    const expected = expectedMetrics(MONTHS);
    expect(await metricsOf(ws.shop.viewer)).toEqual(expected);

    const again = await post(key, '/orders', { items });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: items.length - 1, rejected: 1 });
    expect(await metricsOf(ws.shop.viewer)).toEqual(expected);
    const c1 = await get(ws.shop.viewer, `/customers/${await idOf(ws.shop.viewer, 'C1')}`);
    expect(c1.body.order_total).toBe(3);
  });

  it('keeps an event sent twice once, and gives its properties back', async () => {
    const key = ws.shop.operator;
    const event = (who: object, type: string, occurred_at: string, properties: object) => {
      return { ...who, type, occurred_at, properties };
    };
    const cart = { sku: 'MILK-900G', store: '杭州西湖店' };
    const items = [
      event({ customer_id: 'C1' }, 'add_to_cart', '2024-03-02T10:00:00+08:00', cart),
      event({ phone: '138 0000 0011' }, 'page_view', '2024-03-02 10:05:00', { url: '/p/milk' }),
    ];
    const first = await post(key, '/events', { items });
    expect(first.body).toMatchObject({ accepted: 2, rejected: 0, inserted: 2 });
    expect((await post(key, '/events', { items })).body).toMatchObject({ accepted: 2, inserted: 0 });
    // The same event naming the person by phone instead of customer id is still the same event.
    const byPhone = event({ phone: '13800000011' }, 'add_to_cart', '2024-03-02T10:00:00+08:00', cart);
    const renamed = await post(key, '/events', { items: [byPhone] });
    expect(renamed.body).toMatchObject({ accepted: 1, inserted: 0 });
    const profile = await get(ws.shop.admin, `/customers/${await idOf(ws.shop.admin, 'C1')}`);
    expect(profile.body.events).toEqual([
      { type: 'page_view', occurred_at: '2024-03-02T02:05:00.000Z', properties: { url: '/p/milk' } },
      { type: 'add_to_cart', occurred_at: '2024-03-02T02:00:00.000Z', properties: cart },
    ]);
  });

  // Files carry properties as text; the API's JSON keeps numbers, booleans and nulls as sent.
  it('gives typed event properties back as they were sent, and segments match them', async () => {
    const properties = { qty: 2, price: 12.5, gift: false, note: null };
    const sent = await post(ws.shop.operator, '/events', {
      items: [{ customer_id: 'C2', type: 'checkout', occurred_at: '2024-03-05 09:00:00', properties }],
    });
    expect(sent.body).toMatchObject({ accepted: 1, inserted: 1 });
    const profile = await get(ws.shop.admin, `/customers/${await idOf(ws.shop.admin, 'C2')}`);
    const checkout = { type: 'checkout', occurred_at: '2024-03-05T01:00:00.000Z', properties };
    expect(profile.body.events).toEqual([checkout]);
    const condition = { event: 'checkout', within_days: 30, properties: { qty: '2' } };
    const preview = await post(ws.shop.operator, '/segments/preview', { condition, as_of: '2024-03-10' });
    expect(preview.body.count).toBe(1);
    const other = { ...condition, properties: { qty: '3' } };
    expect(
      (await post(ws.shop.operator, '/segments/preview', { condition: other, as_of: '2024-03-10' })).body
        .count,
    ).toBe(0);
    // The sample carries the phone the segment builder shows, masked for roles without personal data.
    const carted = { condition: { event: 'add_to_cart', within_days: 30 }, as_of: '2024-03-10' };
    const sample = async (key: string) =>
      (await post(key, '/segments/preview', carted)).body.sample.map((c: { phone: string }) => c.phone);
    expect(await sample(ws.shop.admin)).toEqual(['13800000011']);
    expect(await sample(ws.shop.viewer)).toEqual(['138****0011']);
  });

  it('imports an uploaded CSV in the background and serves the rejected rows with line and reason', async () => {
    const key = ws.files.operator;
    const csv = [
      'order_id,customer_id,ordered_at,amount,status',
      'F-1,D1,2024-03-10 10:00:00,88.00,paid',
      'F-2,D1,next tuesday,1.00,paid',
      'F-3,D2,2024-03-11 11:00:00,¥19.90,completed',
    ];
    const form = new FormData();
    form.append('file', new Blob([csv.join('\n')], { type: 'text/csv' }), 'orders.csv');
    const started = await api.call('POST', '/api/v1/imports?kind=orders', { key, raw: form });
    expect(started.status).toBe(202);
    let job = started.body;
    for (let i = 0; i < 400 && job.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await get(key, `/imports/${started.body.id}`)).body;
    }
    expect(job.status).toBe('completed');
    expect(job.stats).toMatchObject({ read: 3, inserted: 2, rejected: 1 });
    const rejects = await get(key, `/imports/${job.id}/rejects`);
    expect(rejects.status).toBe(200);
    expect(rejects.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = rejects.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('line,order_id,customer_id,ordered_at,amount,status,reason');
    expect(lines[1]).toMatch(/^3,F-2,D1,next tuesday,.*not a date/);
    expect((await get(key, '/orders/F-3')).body.amount).toBe(1990);
    expect((await get(key, '/orders/F-2')).status).toBe(404);
  });

  it('scores RFM and lifecycle as PRODUCT.md §3.3–3.4 say, on a hand-made data set', async () => {
    const key = ws.rfm.operator;
    const order = (order_id: string, customer_id: string, date: string, amount: number, status = 'paid') => {
      return { order_id, customer_id, ordered_at: `${date} 12:00:00`, amount, status };
    };
    const items = [
      ...[order('R-1a', 'R1', '2024-05-01', 10000), order('R-1b', 'R1', '2024-06-01', 10000)],
      ...[order('R-1c', 'R1', '2024-06-29', 10000), order('R-2a', 'R2', '2024-06-20', 5000)],
      ...[order('R-3a', 'R3', '2024-03-01', 50000), order('R-3b', 'R3', '2024-04-01', 20000)],
      ...[order('R-4a', 'R4', '2024-01-10', 2000), order('R-5a', 'R5', '2024-06-29', 3000)],
      order('R-5b', 'R5', '2024-06-30', 99999, 'cancelled'),
      order('R-5c', 'R5', '2024-07-05', 88888), // after the as-of date
      order('R-6a', 'R6', '2024-06-15', 7000, 'refunded'), // R6: no valid order
    ];
    expect((await post(key, '/orders', { items })).body.rejected).toBe(0);
    // As of 2024-06-30, by hand. R (days) = 1, 10, 90, 172, 1; F = 3, 1, 2, 1, 1;
    // M = 30000, 5000, 70000, 2000, 3000 (5 scored; R6 has no valid order).
    // r = ⌈5·#{R ≥ r}/5⌉ → 5, 3, 2, 1, 5; f = #{F ≤ f} → 5, 3, 4, 3, 3; m = #{M ≤ m} → 4, 3, 5, 1, 2.
    // Means: R 54.8, F 1.6, M 22000 → recent R1 R2 R5; high F R1 R3; high M R1 R3.
    // Lifecycle: R1 first 60 days ago, last 1 → active; R2 first 10 → active; R3 last 90 → silent;
    // R4 last 172 → lost; R5 first 1 → new; R6 → prospect.
    // Split by score (≥ 3) instead, every F score is ≥ 3: everyone is "high F".
    // name, recency, frequency, monetary, r, f, m, group (mean split), lifecycle, group (score split)
    const expected = [
      ['R1', 1, 3, 30000, 5, 5, 4, 'important_value', 'active', 'important_value'],
      ['R2', 10, 1, 5000, 3, 3, 3, 'general_develop', 'active', 'important_value'],
      ['R3', 90, 2, 70000, 2, 4, 5, 'important_keep', 'silent', 'important_keep'],
      ['R4', 172, 1, 2000, 1, 3, 1, 'general_retain', 'lost', 'general_keep'],
      ['R5', 1, 1, 3000, 5, 3, 2, 'general_develop', 'new', 'general_value'],
    ] as const;
    for (const row of expected) {
      const [name, recency, frequency, monetary, r_score, f_score, m_score, rfm_group, lifecycle, split] =
        row;
      const scores = { recency, frequency, monetary, r_score, f_score, m_score, rfm_group, lifecycle };
      const id = await idOf(key, name);
      const got = await get(ws.rfm.viewer, `/rfm/customers/${id}?as_of=2024-06-30`);
      expect(got.body, name).toMatchObject({ ...scores, scored: true, customer_id: id });
      const byScore = await get(ws.rfm.viewer, `/rfm/customers/${id}?as_of=2024-06-30&split=score`);
      expect(byScore.body.rfm_group, name).toBe(split);
    }
    const r6 = await get(ws.rfm.viewer, `/rfm/customers/${await idOf(key, 'R6')}?as_of=2024-06-30`);
    expect(r6.body).toMatchObject({ scored: false, lifecycle: 'prospect' });

    const summary = (await get(ws.rfm.viewer, '/rfm/summary?as_of=2024-06-30')).body;
    expect(summary.scored).toBe(5);
    type Group = { rfm_group: string; customers: number; revenue: number; aov: number | null };
    const groups = Object.fromEntries(
      summary.groups.map((g: Group) => [g.rfm_group, [g.customers, g.revenue, g.aov]]),
    );
    expect(groups).toEqual({
      important_value: [1, 30000, 10000],
      important_develop: [0, 0, null],
      important_keep: [1, 70000, 35000],
      important_retain: [0, 0, null],
      general_value: [0, 0, null],
      general_develop: [2, 8000, 4000],
      general_keep: [0, 0, null],
      general_retain: [1, 2000, 2000],
    });
  });

  it('searches customers by phone and name, filters by tag and segment, and pages with a cursor', async () => {
    const key = ws.list.admin;
    const people = [
      { external_id: 'L1', name: '张伟', phone: '13900000001', tags: ['vip'] },
      { external_id: 'L2', name: '张小明', phone: '13900000002', city: '杭州' },
      { external_id: 'L3', name: '李娜', phone: '13900000003', tags: ['vip'], city: '杭州' },
      { external_id: 'L4', name: 'Zhang Wei', email: 'zw@example.com' },
      { external_id: 'L5', name: '50% off 王' },
    ];
    for (const p of people) expect((await post(key, '/customers', p)).body.created).toBe(true);
    const list = async (query: string) =>
      values((await get(key, `/customers?${query}`)).body.items, 'external_id');
    expect(await list(`q=${encodeURIComponent('+86 139-0000-0002')}`)).toEqual(['L2']);
    expect(await list(`q=${encodeURIComponent('张')}`)).toEqual(['L1', 'L2']);
    expect(await list('q=zhang')).toEqual(['L4']);
    expect(await list('q=%25')).toEqual(['L5']);
    expect(await list('q=ZW%40Example.com')).toEqual(['L4']);
    expect(await list('tag=vip')).toEqual(['L1', 'L3']);
    const segment = await post(key, '/segments', {
      name: 'hangzhou',
      condition: { attribute: 'city', op: 'eq', value: '杭州' },
    });
    expect(segment.status).toBe(201);
    expect(await list('segment=hangzhou')).toEqual(['L2', 'L3']);
    expect(await list('segment=hangzhou&tag=vip')).toEqual(['L3']);
    expect((await get(key, '/customers?segment=nope')).status).toBe(404);

    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const reply = await get(key, `/customers?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(reply.body.items).toHaveLength(1);
      seen.push(reply.body.items[0].external_id);
      cursor = reply.body.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
    expect(cursor).toBeNull();
  });

  it('exports a customer’s personal data, then erases it without changing any figure', async () => {
    const key = ws.shop.admin;
    const id = await idOf(key, '13800000011');
    const named = await post(key, '/customers', { external_id: 'C1', name: '陈一', city: '杭州' });
    expect(named.body.id).toBe(id);
    const exported = await get(key, `/customers/${id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.body.customer).toMatchObject({ name: '陈一', city: '杭州' });
    expect(values(exported.body.identities, 'value')).toEqual(['13800000011', 'C1']);
    expect(values(exported.body.orders, 'order_id')).toEqual(['A-1', 'A-2', 'A-6']);
    expect(exported.body.events).toHaveLength(2);

    const before = await metricsOf(key);
    const erased = await api.call('DELETE', `/api/v1/customers/${id}`, { key });
    expect(erased.body).toEqual({ erased: true, identities_removed: 2 });
    expect((await get(key, '/customers?q=13800000011')).body.items).toEqual([]);
    expect((await get(key, '/customers?q=C1')).body.items).toEqual([]);
    const profile = (await get(key, `/customers/${id}`)).body;
    expect(profile.customer).toMatchObject({ name: null, city: null, external_id: null, order_count: 3 });
    expect(profile.identities).toEqual([]);
    expect(profile.events.map((e: { properties: object }) => e.properties)).toEqual([{}, {}]);
    expect(await metricsOf(key)).toEqual(before);
    expect(before).toEqual(expectedMetrics(MONTHS));
    const audit = (await get(key, '/audit?action=customer.erase')).body.items;
    expect(audit).toHaveLength(1);
    expect(String(audit[0].object_id)).toBe(String(id));
    expect((await api.call('DELETE', `/api/v1/customers/${id}`, { key })).status).toBe(404);
  });

  it('merges one customer into another: orders and identities move, the other id is gone', async () => {
    const key = ws.merge.admin;
    const order = (order_id: string, who: object, day: string, amount: number, status = 'paid') => {
      return { order_id, ...who, ordered_at: `2024-05-${day} 10:00:00`, amount, status };
    };
    const phone = { phone: '13700000003' };
    const items = [
      order('M-1', { customer_id: 'M1' }, '01', 1000),
      order('M-2', { customer_id: 'M1' }, '02', 2000),
      order('M-3', phone, '03', 4000),
      order('M-4', phone, '04', 500, 'cancelled'),
    ];
    expect((await post(key, '/orders', { items })).body.inserted).toBe(4);
    const survivor = await idOf(key, 'M1');
    const other = await idOf(key, '13700000003');
    const month = async () => (await get(key, '/metrics?from=2024-05-01&to=2024-06-01')).body[0];
    expect(await month()).toMatchObject({ buyers: 2, orders: 3, revenue: 7000, repurchase_rate: 0.5 });
    const merged = await post(key, `/customers/${survivor}/merge`, { other_id: other });
    expect(merged.status).toBe(200);
    expect(merged.body.customer).toMatchObject({ id: survivor, order_count: 3, net_total: 7000 });
    expect(merged.body.order_total).toBe(4);
    expect(values(merged.body.identities, 'value')).toEqual(['13700000003', 'M1']);
    expect((await get(key, `/customers/${other}`)).status).toBe(404);
    expect((await get(key, '/orders/M-3')).body.customer_id).toBe(survivor);
    expect(await idOf(key, '13700000003')).toBe(survivor);
    const after = { buyers: 1, orders: 3, revenue: 7000, repurchase_rate: 1, avg_repurchase_frequency: 2 };
    expect(await month()).toMatchObject(after);
    expect((await post(key, `/customers/${survivor}/merge`, { other_id: survivor })).status).toBe(400);
    expect((await post(key, `/customers/${survivor}/merge`, { other_id: other })).status).toBe(404);
  });
});

describe('CLI users and API keys, then the API on the same data directory', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'retain-api-cli-')), 'data');
  const retain = (...args: string[]) => {
    const r = spawnSync(process.execPath, [new URL('../bin/retain.js', import.meta.url).pathname, ...args], {
      encoding: 'utf8',
      env: { ...process.env, RETAIN_DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
  };

  it('creates a user with a printed password (an existing account only with --add-existing), resets it, and a viewer key; all work against the API', async () => {
    const user = retain(...'users create --email Owner@Example.com --role admin -w shopname'.split(' '));
    expect(user.code).toBe(0);
    const password = /password: (\S+)/.exec(user.stdout)?.[1];
    expect(password).toBeDefined();
    const key = retain(...'apikeys create --role viewer -w shopname'.split(' '));
    expect(key.code).toBe(0);
    const secret = key.stdout.split('\n').find((l) => l.startsWith('rk_'));
    expect(secret).toBeDefined();
    const bad = retain(...'apikeys create --role boss -w shopname'.split(' '));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^retain: .*unknown role "boss"/);
    expect(bad.stdout).toBe('');

    // An account of another workspace is not added silently: the CLI says so and needs a flag.
    const silent = retain(...'users create --email owner@example.com --role viewer -w other'.split(' '));
    expect(silent.code).not.toBe(0);
    expect(silent.stderr).toMatch(/already has an account.*--add-existing/);
    const reset = retain('users', 'reset-password', 'OWNER@example.com', '-w', 'shopname');
    expect(reset.code).toBe(0);
    const fresh = /password: (\S+)/.exec(reset.stdout)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(password);

    const invited = retain(
      ...'users invite --email newbie@example.com --role operator -w shopname'.split(' '),
    );
    expect(invited.code).toBe(0);
    const token = /accept link \(shown once\): \S*\/invite\/(\S+)/.exec(invited.stdout)?.[1];
    expect(token).toMatch(/^ri_/);

    const database = await openDatabase({ dataDir });
    const api = await startApi(database);
    try {
      const joined = await api.call('POST', '/api/v1/invitations/accept', {
        body: { token, password: 'newbie long password' },
      });
      expect(joined.body).toMatchObject({ role: 'operator', workspace: { name: 'shopname' } });
      const old = await api.call('POST', '/api/v1/auth/login', {
        body: { email: 'owner@example.com', password },
      });
      expect(old.status).toBe(401);
      const login = await api.call('POST', '/api/v1/auth/login', {
        body: { email: 'owner@example.com', password: fresh },
      });
      expect(login.status).toBe(200);
      expect(login.body).toMatchObject({ role: 'admin', workspace: { name: 'shopname' } });
      const me = await api.call('GET', '/api/v1/auth/me', { key: secret });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({
        role: 'viewer',
        workspace: { name: 'shopname', timezone: 'Asia/Shanghai' },
      });
      const write = await api.call('POST', '/api/v1/customers', { key: secret, body: { external_id: 'x' } });
      expect(write.status).toBe(403);
    } finally {
      await api.close();
      await database.close();
    }
  });
});
