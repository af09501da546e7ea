import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { renderForCustomer } from '../src/messaging/message-render.ts';
import { saveTemplates } from '../src/messaging/template-service.ts';
import { LineWorkers } from '../src/predict/line-workers.ts';
import { refreshAssociations } from '../src/predict/product-associations.ts';
import { recommendFor, refreshAndRecommendAll, topRecommendation } from '../src/predict/recommendation.ts';
import { runDailyTasks } from '../src/worker/daily-tasks.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { expectedAssociations, expectedTopN, type PlainAssociation } from './independent-associations.ts';
import { importBabyShop, NAMES, PLAIN_ORDERS } from './recommendation-fixture.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

// The rules as the README states them (not read from the code): pairs seen twice or more, orders
// of at most 50 products and buyers of at most 100, recent = within 90 days of the customer's
// last order, not sold any more = no sale in the 180 days up to the shop's last sale, the score
// summed from the customer's 50 most recently bought products.
const RULES = { top: 10, recentDays: 90, notSoldDays: 180, seeds: 50 };
const EXPECTED = expectedAssociations(PLAIN_ORDERS, { minPairs: 2, maxBasket: 50, maxBuyer: 100 });
const key = (a: { kind: string; item: string; other: string }) => `${a.kind} ${a.item}→${a.other}`;

describe.each(storesUnderTest())('recommendations ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let ids: Record<string, number>;

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'baby', timezone: 'Asia/Shanghai', currency: 'CNY' });
    ids = await importBabyShop(database, ws);
  });
  afterAll(() => database?.close());

  it('reads nothing before the first refresh: reads never compute associations', async () => {
    expect(await recommendFor(database.db, ws.id)).toEqual([]);
    expect(await topRecommendation(database.db, ws.id, ids.X!)).toBeNull();
  });

  it('stores support, confidence and lift of both kinds as a plain count over the orders gives them', async () => {
    const done = await refreshAssociations(database, ws, { asOf: '2024-06-01', actor: null });
    // 14 valid orders of 7 buyers; the gift was only in cancelled orders.
    expect(done).toMatchObject({ orders: 14, customers: 7, products: 6, associations: EXPECTED.length });
    const stored = (
      await sql<PlainAssociation>`select kind, item, other, pairs, support, confidence, lift
        from product_associations where workspace_id = ${ws.id}`.execute(database.db)
    ).rows;
    const byKey = new Map(stored.map((a) => [key(a), a]));
    expect([...byKey.keys()].sort()).toEqual(EXPECTED.map(key).sort());
    for (const e of EXPECTED) {
      const s = byKey.get(key(e))!;
      expect([key(e), s.pairs]).toEqual([key(e), e.pairs]);
      for (const m of ['support', 'confidence', 'lift'] as const)
        expect(s[m], `${key(e)} ${m}`).toBeCloseTo(e[m], 12);
    }
    // Hand check of one of each: milk and the old teat in 2 of milk's 8 orders, of 14, the teat in
    // 2; nappies after milk for A, B, C and X (4 of milk's 6 buyers; nappies' 5 of 7).
    expect(byKey.get('together MILK→OLD')).toMatchObject({ pairs: 2, support: 2 / 14, confidence: 2 / 8 });
    expect(byKey.get('together MILK→OLD')!.lift).toBeCloseTo(2 / 8 / (2 / 14), 12);
    expect(byKey.get('after MILK→DIAPER')).toMatchObject({ pairs: 4, confidence: 4 / 6 });
    expect(byKey.get('after MILK→DIAPER')!.lift).toBeCloseTo(4 / 6 / (5 / 7), 12);
  });

  it('ranks each customer’s top-N by the summed confidence, leaving out recent buys and products no longer sold', async () => {
    const all = await recommendFor(database.db, ws.id);
    for (const customer of ['A', 'B', 'C', 'D', 'E', 'F', 'X']) {
      const mine = all.filter((r) => r.customer_id === ids[customer]);
      const expected = expectedTopN(PLAIN_ORDERS, EXPECTED, NAMES, customer, RULES);
      expect([customer, mine.map((r) => r.name)]).toEqual([customer, expected.map((e) => e.name)]);
      for (const [i, r] of mine.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 9);
    }
    // Without the two rules, X would be offered nappies (bought on 05-01) and the old teat (last
    // sold in September 2023): both have scores, and neither is offered.
    const loose = expectedTopN(PLAIN_ORDERS, EXPECTED, NAMES, 'X', {
      ...RULES,
      recentDays: 0,
      notSoldDays: 1e6,
    });
    expect(loose.map((e) => e.name)).toEqual(expect.arrayContaining(['纸尿裤', '旧款奶嘴']));
    const x = all.filter((r) => r.customer_id === ids.X).map((r) => r.name);
    expect(x).not.toContain('纸尿裤');
    expect(x).not.toContain('旧款奶嘴');
    // Milk was bought 121 days before X's last order: no longer recent, so it may come back.
    expect(x).toContain('有机牛奶');
    expect(
      (await recommendFor(database.db, ws.id, { customerIds: [ids.X!], top: 2 })).map((r) => r.rank),
    ).toEqual([1, 2]);
    expect(await topRecommendation(database.db, ws.id, ids.X!)).toBe(x[0]);
  });

  it('renders {{ recommendation }} and the {{ recommendations }} list in a template preview', async () => {
    const x = expectedTopN(PLAIN_ORDERS, EXPECTED, NAMES, 'X', RULES).map((e) => e.name);
    await saveTemplates(database.db, ws.id, [
      {
        name: 'reco',
        channel: 'webhook',
        purpose: 'marketing',
        body: {
          'zh-CN':
            '猜你喜欢：{{ recommendation }}｜{{ recommendations | join: "、" }}｜{% for r in recommendations limit: 2 %}[{{ r }}]{% endfor %}',
        },
      },
    ]);
    const preview = await renderForCustomer(database.db, ws, { template: 'reco', customerId: ids.X! });
    expect(preview.body).toBe(`猜你喜欢：${x[0]}｜${x.join('、')}｜[${x[0]}][${x[1]}]`);
    // Given by the sender, they win.
    const given = await renderForCustomer(database.db, ws, {
      template: 'reco',
      customerId: ids.X!,
      variables: { recommendations: ['奶粉', '辅食'] },
    });
    expect(given.body).toBe('猜你喜欢：奶粉｜奶粉、辅食｜[奶粉][辅食]');
    // A customer with nothing to recommend renders empty, not an error.
    const lone = await createWorkspace(database.db, {
      name: 'lone',
      timezone: 'Asia/Shanghai',
      currency: 'CNY',
    });
    await saveTemplates(database.db, lone.id, [
      {
        name: 'reco',
        channel: 'webhook',
        purpose: 'marketing',
        body: { 'zh-CN': '猜你喜欢：{{ recommendation }}|{{ recommendations | join: "、" }}' },
      },
    ]);
    const c = await database.db
      .insertInto('customers')
      .values({ workspace_id: lone.id, external_id: 'L1' } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    const empty = await renderForCustomer(database.db, lone, { template: 'reco', customerId: Number(c.id) });
    expect(empty.body).toBe('猜你喜欢：|');
  });

  it('refreshes and lists everyone from one read of the lines, as the plain count gives them', async () => {
    const all = await refreshAndRecommendAll(database, ws, { asOf: '2024-06-01', actor: null });
    expect(all.refresh).toMatchObject({
      orders: 14,
      customers: 7,
      products: 6,
      associations: EXPECTED.length,
    });
    for (const customer of ['A', 'B', 'C', 'D', 'E', 'F', 'X']) {
      const mine = all.recommendations.filter((r) => r.customer_id === ids[customer]);
      const expected = expectedTopN(PLAIN_ORDERS, EXPECTED, NAMES, customer, RULES);
      expect([customer, mine.map((r) => r.name)]).toEqual([customer, expected.map((e) => e.name)]);
      for (const [i, r] of mine.entries()) expect(r.score).toBeCloseTo(expected[i]!.score, 9);
    }
    // As of 2024-04-22 the associations count only the orders up to that day (the lines read
    // include the later ones, which still count as the customers' purchases).
    const earlier = PLAIN_ORDERS.filter((o) => o.at.slice(0, 10) <= '2024-04-22');
    const expected = expectedAssociations(earlier, { minPairs: 2, maxBasket: 50, maxBuyer: 100 });
    const split = await refreshAndRecommendAll(database, ws, { asOf: '2024-04-22', actor: null });
    expect(split.refresh).toMatchObject({ orders: earlier.length, associations: expected.length });
    const stored = (
      await sql<PlainAssociation>`select kind, item, other, pairs, support, confidence, lift
        from product_associations where workspace_id = ${ws.id}`.execute(database.db)
    ).rows;
    expect(stored.map(key).sort()).toEqual(expected.map(key).sort());
    const products = await sql<{ item: string; orders: number }>`
      select item, orders from association_products where workspace_id = ${ws.id} order by item`.execute(
      database.db,
    );
    // Bottles were last bought on 2024-05-01 by F alone: F's bottle counts as of then, not before.
    expect(products.rows.find((p) => p.item === 'BOTTLE')).toMatchObject({ orders: 2 });
  });

  it('counts and scores on two threads as on one', async () => {
    const request = { asOf: '2024-06-01', actor: null };
    const one = await refreshAndRecommendAll(database, ws, request);
    const storedRows = async () =>
      (
        await sql<PlainAssociation>`select kind, item, other, pairs, support, confidence, lift
          from product_associations where workspace_id = ${ws.id} order by kind, item, other`.execute(
          database.db,
        )
      ).rows;
    const storedByOne = await storedRows();
    // A thread for any number of lines: this shop's customers are split between the two.
    const workers = LineWorkers.start(1);
    try {
      const two = await refreshAndRecommendAll(database, ws, request, () => {}, workers);
      expect(workers.threaded).toBe(true);
      expect(two.recommendations).toEqual(one.recommendations);
      expect(two.refresh).toMatchObject({ orders: 14, customers: 7, associations: EXPECTED.length });
    } finally {
      await workers.close();
    }
    expect(await storedRows()).toEqual(storedByOne);
    expect(storedByOne.map(key).sort()).toEqual(EXPECTED.map(key).sort());
  });

  it('vacuums the replaced rows after each refresh on the embedded store, which never vacuums on its own', async () => {
    const vacuums = async () => {
      await sql`select pg_stat_force_next_flush()`.execute(database.db);
      const tables = await sql<{ relname: string; vacuums: number }>`
        select relname, vacuum_count::int as vacuums from pg_stat_user_tables
        where schemaname = current_schema() and relname in ('product_associations', 'association_products')
        order by relname`.execute(database.db);
      return tables.rows;
    };
    const before = await vacuums();
    expect(before.map((t) => t.relname)).toEqual(['association_products', 'product_associations']);
    await refreshAssociations(database, ws, { asOf: '2024-06-01', actor: null });
    await refreshAndRecommendAll(database, ws, { asOf: '2024-06-01', actor: null });
    // A server's autovacuum comes when it comes; the embedded store's vacuum follows each refresh.
    const added = store.name === 'pglite' ? 2 : 0;
    expect(await vacuums()).toEqual(before.map((t) => ({ ...t, vacuums: t.vacuums + added })));
  });

  it('is refreshed by the worker’s daily tasks', async () => {
    await sql`delete from product_associations where workspace_id = ${ws.id}`.execute(database.db);
    const daily = await runDailyTasks(database, ws, new Date('2026-03-01T02:00:00Z'));
    expect(daily.recommendations).toEqual({ products: 6, associations: EXPECTED.length });
    expect((await recommendFor(database.db, ws.id, { customerIds: [ids.X!] })).length).toBeGreaterThan(0);
  });
});
