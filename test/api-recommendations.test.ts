import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { expectedAssociations, expectedTopN } from './independent-associations.ts';
import { importBabyShop, NAMES, PLAIN_ORDERS } from './recommendation-fixture.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const RULES = { top: 10, recentDays: 90, notSoldDays: 180, seeds: 50 };
const ASSOCIATIONS = expectedAssociations(PLAIN_ORDERS, { minPairs: 2, maxBasket: 50, maxBuyer: 100 });
const X_TOP = expectedTopN(PLAIN_ORDERS, ASSOCIATIONS, NAMES, 'X', RULES);

describe.each(storesUnderTest())('recommendation API ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let ids: Record<string, number>;
  const get = (path: string, key = a.keys.viewer) => api.call('GET', `/api/v1${path}`, { key });

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'baby-a');
    b = await workspaceWithKeys(database, 'baby-b');
    api = await startApi(database);
    ids = await importBabyShop(database, a.workspace);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('answers an empty list, saying it was never computed, before the first refresh', async () => {
    const r = await get(`/customers/${ids.X}/recommendations`);
    expect([r.status, r.body]).toEqual([200, { customer_id: ids.X, refreshed: null, items: [] }]);
  });

  it('lets operators refresh but not viewers, then serves the customer’s top-N with reasons', async () => {
    const refresh = (key: string) =>
      api.call('POST', '/api/v1/predict/associations/refresh', { key, body: { as_of: '2024-06-01' } });
    expect((await refresh(a.keys.viewer)).status).toBe(403);
    const done = await refresh(a.keys.operator);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      as_of: '2024-06-01',
      orders: 14,
      customers: 7,
      products: 6,
      source: 'manual',
    });
    const r = await get(`/customers/${ids.X}/recommendations`);
    expect(r.status).toBe(200);
    expect(r.body.refreshed.as_of).toBe('2024-06-01');
    expect(r.body.items.map((i: { name: string }) => i.name)).toEqual(X_TOP.map((e) => e.name));
    for (const [i, item] of r.body.items.entries()) {
      expect(item.rank).toBe(i + 1);
      expect(item.score).toBeCloseTo(X_TOP[i]!.score, 9);
      // The reason is one of X's own products.
      expect(['有机牛奶', '纸尿裤']).toContain(item.because);
    }
    const one = await get(`/customers/${ids.X}/recommendations?top=1`);
    expect(one.body.items.map((i: { name: string }) => i.name)).toEqual([X_TOP[0]!.name]);
  });

  it('lists a product’s associations with support, confidence and lift, strongest first', async () => {
    const r = await get('/predict/associations?product=MILK&kind=together');
    expect(r.status).toBe(200);
    const expected = ASSOCIATIONS.filter((x) => x.item === 'MILK' && x.kind === 'together').sort(
      (x, y) =>
        y.confidence * y.lift - x.confidence * x.lift || (NAMES.get(x.other)! < NAMES.get(y.other)! ? -1 : 1),
    );
    expect(r.body.name).toBe('有机牛奶');
    expect(r.body.associations.map((x: { item: string }) => x.item)).toEqual(expected.map((x) => x.other));
    for (const [i, x] of r.body.associations.entries()) {
      expect(x.support).toBeCloseTo(expected[i]!.support, 12);
      expect(x.confidence).toBeCloseTo(expected[i]!.confidence, 12);
      expect(x.lift).toBeCloseTo(expected[i]!.lift, 12);
    }
    // 手工皂 is sold without a SKU: its name is the product.
    const soap = await get(`/predict/associations?product=${encodeURIComponent('手工皂')}`);
    expect(soap.body.name).toBe('手工皂');
    const unknown = await get('/predict/associations?product=NOPE');
    expect([unknown.status, unknown.body.name, unknown.body.associations]).toEqual([200, null, []]);
  });

  it('renders {{ recommendations }} in the template preview route', async () => {
    await saveTemplates(database.db, a.workspace.id, [
      {
        name: 'reco-list',
        channel: 'webhook',
        purpose: 'marketing',
        body: { 'zh-CN': '{% for r in recommendations limit: 3 %}{{ forloop.index }}.{{ r }} {% endfor %}' },
      },
    ]);
    const preview = await api.call('POST', '/api/v1/templates/reco-list/preview', {
      key: a.keys.viewer,
      body: { customer_id: ids.X },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.body).toBe(
      X_TOP.slice(0, 3)
        .map((e, i) => `${i + 1}.${e.name} `)
        .join(''),
    );
    const given = await api.call('POST', '/api/v1/templates/reco-list/preview', {
      key: a.keys.viewer,
      body: { customer_id: ids.X, variables: { recommendations: ['奶粉'] } },
    });
    expect(given.body.body).toBe('1.奶粉 ');
  });

  it('keeps other workspaces’ customers out and refuses bad query values naming the field', async () => {
    expect((await get(`/customers/${ids.X}/recommendations`, b.keys.admin)).status).toBe(404);
    expect((await get('/customers/999999999/recommendations')).status).toBe(404);
    for (const top of ['0', '101', '-1', '1.5', 'abc', '1e308', '%00', '__proto__'])
      expect(await get(`/customers/${ids.X}/recommendations?top=${top}`)).toMatchObject({ status: 400 });
    const bad = await get(`/customers/${ids.X}/recommendations?top=abc`);
    expect(bad.text).toContain('top');
    for (const q of ['', 'product=', `product=${'x'.repeat(600)}`, 'product=a%00b', 'product=M&kind=later'])
      expect([q, (await get(`/predict/associations?${q}`)).status]).toEqual([q, 400]);
    // Bytes that are no UTF-8 arrive as U+FFFD: an unknown product, not an error.
    expect((await get('/predict/associations?product=%ED%A0%80')).body.associations).toEqual([]);
    // A __proto__ key in the query is refused as a whole, never merged into an object.
    const polluting = await get('/predict/associations?product=MILK&__proto__=1');
    expect(polluting.status).toBe(400);
    expect(({} as Record<string, unknown>)['1']).toBeUndefined();
  });
});
