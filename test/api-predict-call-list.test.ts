import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import { createUser } from '../src/access/user-service.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { BODY_MUTANTS, POLLUTING, TEXT_MUTANTS } from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const AS_OF = '2024-06-30';
// Seven buyers over half a year, each with a rhythm easy to check by hand.
const ORDERS: [string, string, string, number][] = [
  ['O1', 'C1', '2024-01-05', 10000],
  ['O2', 'C1', '2024-02-05', 12000],
  ['O3', 'C1', '2024-03-05', 8000],
  ['O4', 'C1', '2024-05-20', 9000],
  ['O11', 'C1', '2024-06-20', 11000],
  ['O5', 'C2', '2024-01-10', 30000],
  ['O6', 'C2', '2024-01-25', 20000],
  ['O7', 'C3', '2024-02-01', 5000],
  ['O8', 'C4', '2024-03-01', 7000],
  ['O9', 'C4', '2024-06-10', 7000],
  ['O10', 'C5', '2024-04-01', 0],
  ['O12', 'C6', '2024-01-02', 40000],
  ['O13', 'C6', '2024-01-09', 45000],
  ['O14', 'C6', '2024-01-16', 38000],
  ['O15', 'C7', '2024-02-10', 15000],
  ['O16', 'C7', '2024-03-10', 16000],
  ['O17', 'C7', '2024-04-10', 14000],
];

const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/** Each customer's purchase days, straight from the list above (no database, no product code). */
function purchaseDays(id: string): number[] {
  return [...new Set(ORDERS.filter((o) => o[1] === id).map((o) => day(o[2])))].sort((a, b) => a - b);
}

interface Entry {
  customer_id: number;
  p_alive: number;
  predicted_clv: number;
  value_at_risk: number;
  rhythm_days: number;
  rhythm_source: string;
  overdue_ratio: number;
  days_since_last_order: number;
  last_order_date: string;
  reason: string;
  rank: number;
  name: string | null;
  phone: string | null;
}

describe.each(storesUnderTest())('prediction call list ($name)', (store) => {
  let database: Database;
  let api: Api;
  let a: Awaited<ReturnType<typeof workspaceWithKeys>>;
  let b: Awaited<ReturnType<typeof workspaceWithKeys>>;
  const ids: Record<string, number> = {};
  const external: Record<number, string> = {};
  const users: Record<string, number> = {};

  beforeAll(async () => {
    database = await store.open();
    a = await workspaceWithKeys(database, 'shop-a');
    b = await workspaceWithKeys(database, 'shop-b');
    api = await startApi(database);
    for (const name of ['s1', 's2']) {
      const { user } = await createUser(database.db, a.workspace.id, cliActor(), {
        email: `${name}@shop.cn`,
        password: 'a long enough secret',
        role: 'service',
      });
      users[name] = user.id;
    }
    for (const id of new Set(ORDERS.map((o) => o[1]))) {
      const r = await api.call('POST', '/api/v1/customers', {
        key: a.keys.admin,
        body: {
          external_id: id,
          name: `顾客${id}`,
          phone: `1380013800${id.slice(1)}`,
          tags: ['C2', 'C6'].includes(id) ? ['vip'] : [],
        },
      });
      expect(r.status).toBe(200);
      ids[id] = r.body.id;
      external[r.body.id] = id;
    }
    const items = ORDERS.map(([order_id, customer_id, date, amount]) => ({
      order_id,
      customer_id,
      ordered_at: `${date}T10:00:00+08:00`,
      amount,
      status: 'paid',
    }));
    expect((await api.call('POST', '/api/v1/orders', { key: a.keys.admin, body: { items } })).status).toBe(
      200,
    );
    expect(
      (
        await api.call('POST', '/api/v1/segments', {
          key: a.keys.admin,
          body: { name: 'vips', condition: { tag: 'vip' } },
        })
      ).status,
    ).toBe(201);
  });

  afterAll(async () => {
    await api?.close();
    await database?.close();
  });

  it('is empty before the first refresh, and in another workspace', async () => {
    const empty = await api.call('GET', '/api/v1/predict/call-list', { key: a.keys.viewer });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ as_of: null, fit_id: null, horizon_days: null, items: [] });
    const dist = await api.call('GET', '/api/v1/predict/distribution', { key: a.keys.viewer });
    expect(dist.body).toMatchObject({ customers: 0, predicted_clv: [], total_clv: 0 });
  });

  it('ranks by predicted CLV × (1 − P(alive)) and says why in words', async () => {
    const refreshed = await api.call('POST', '/api/v1/predict/refresh', {
      key: a.keys.operator,
      body: { as_of: AS_OF, horizon_days: 180 },
    });
    expect(refreshed.status).toBe(200);
    const stored = await database.db
      .selectFrom('customer_predictions')
      .select(['customer_id', 'p_alive', 'predicted_clv'])
      .where('workspace_id', '=', a.workspace.id)
      .execute();
    // The independent order: value at risk from the stored figures, ties by id.
    const expected = stored
      .map((s) => ({ id: Number(s.customer_id), risk: Number(s.predicted_clv) * (1 - s.p_alive) }))
      .filter((s) => Math.round(s.risk) > 0)
      .sort((x, y) => y.risk - x.risk || x.id - y.id);
    const r = await api.call('GET', '/api/v1/predict/call-list?top=100&lang=zh-CN', { key: a.keys.viewer });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ as_of: AS_OF, horizon_days: 180, fit_id: refreshed.body.fit.id });
    const items = r.body.items as Entry[];
    expect(items.map((e) => e.customer_id)).toEqual(expected.map((e) => e.id));
    expect(items.map((e) => e.rank)).toEqual(items.map((_, i) => i + 1));
    for (const [i, e] of items.entries()) expect(e.value_at_risk).toBe(Math.round(expected[i]!.risk));
    // The rhythm and how overdue, from the orders above.
    const fit = (await api.call('GET', '/api/v1/predict/fit', { key: a.keys.viewer })).body;
    for (const e of items) {
      const days = purchaseDays(external[e.customer_id]!);
      const last = days.at(-1)!;
      expect(e.last_order_date).toBe(new Date(last * 86_400_000).toISOString().slice(0, 10));
      expect(e.days_since_last_order).toBe(day(AS_OF) - last);
      const rhythm =
        days.length > 1
          ? (last - days[0]!) / (days.length - 1)
          : (7 * (fit.params.alpha + (day(AS_OF) - days[0]!) / 7)) / fit.params.r;
      expect(e.rhythm_source).toBe(days.length > 1 ? 'own' : 'model');
      expect(e.rhythm_days).toBeCloseTo(rhythm, 2);
      expect(e.overdue_ratio).toBeCloseTo((day(AS_OF) - last) / rhythm, 2);
    }
    // C2 bought on 01-10 and 01-25 (every 15 days) and not since: 157 days, 10.5 times over.
    const c2 = items.find((e) => e.customer_id === ids.C2)!;
    expect(c2.reason).toBe('已超出其自身购买节奏 10.5 倍（平均每 15 天购买一次，已 157 天未购买）');
    expect(c2.name).toBe('顾***'); // a viewer sees names masked
    const en = await api.call('GET', '/api/v1/predict/call-list?top=100', {
      key: a.keys.viewer,
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.body.items.find((e: Entry) => e.customer_id === ids.C2).reason).toBe(
      '10.5× overdue against their own rhythm (buys every 15 days; 157 days since the last order)',
    );
    const top2 = await api.call('GET', '/api/v1/predict/call-list?top=2', { key: a.keys.viewer });
    expect(top2.body.items.map((e: Entry) => e.customer_id)).toEqual(expected.slice(0, 2).map((e) => e.id));
  });

  it('filters by a saved segment and masks phones for roles without personal data', async () => {
    const r = await api.call('GET', '/api/v1/predict/call-list?segment=vips', { key: a.keys.operator });
    expect(r.status).toBe(200);
    expect(new Set(r.body.items.map((e: Entry) => e.customer_id))).toEqual(new Set([ids.C2, ids.C6]));
    expect(r.body.items[0].phone).not.toMatch(/^1380013800\d$/);
    const open = await api.call('GET', '/api/v1/predict/call-list?segment=vips', { key: a.keys.service });
    expect(open.body.items.map((e: Entry) => e.phone).sort()).toEqual(['13800138002', '13800138006']);
    const unknown = await api.call('GET', '/api/v1/predict/call-list?segment=nope', { key: a.keys.viewer });
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/nope/);
    const other = await api.call('GET', '/api/v1/predict/call-list', { key: b.keys.viewer });
    expect(other.body.items).toEqual([]);
  });

  it('counts the distribution in the database, as the stored predictions spread', async () => {
    const stored = await database.db
      .selectFrom('customer_predictions')
      .select(['p_alive', 'predicted_clv'])
      .where('workspace_id', '=', a.workspace.id)
      .execute();
    const d = (await api.call('GET', '/api/v1/predict/distribution', { key: a.keys.viewer })).body;
    expect(d.customers).toBe(stored.length);
    expect(d.p_alive).toHaveLength(10);
    const alive = Array.from(
      { length: 10 },
      (_, k) => stored.filter((s) => Math.min(9, Math.floor(s.p_alive * 10)) === k).length,
    );
    expect(d.p_alive.map((bin: { customers: number }) => bin.customers)).toEqual(alive);
    const clv = stored.filter((s) => s.predicted_clv !== null).map((s) => Number(s.predicted_clv));
    expect(d.without_clv).toBe(stored.length - clv.length);
    for (const v of clv) {
      const bin = d.predicted_clv.find(
        (x: { from: number; to: number | null }) => v >= x.from && (x.to === null || v < x.to),
      );
      expect(bin, `a bar for ${v}`).toBeDefined();
    }
    expect(d.predicted_clv.reduce((t: number, x: { customers: number }) => t + x.customers, 0)).toBe(
      clv.length,
    );
    // Bars in whole yuan: every edge a multiple of 100 fen.
    for (const x of d.predicted_clv) expect(x.from % 100).toBe(0);
    expect(d.total_clv).toBe(clv.reduce((t, v) => t + v, 0));
  });

  it('creates call-back tasks for the chosen customers, assigned by the rule, once per day’s list', async () => {
    const chosen = [ids.C2!, ids.C6!];
    const r = await api.call('POST', '/api/v1/predict/call-list/tasks', {
      key: a.keys.operator,
      body: {
        customer_ids: chosen,
        kind: 'winback_call',
        assign: { rule: 'round_robin', role: 'service' },
        lang: 'zh-CN',
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.created).toBe(2);
    expect(r.body.skipped).toBe(0);
    // Round robin over the two service users with no open tasks: one each.
    expect(r.body.by_assignee.map((x: { assignee_id: number }) => x.assignee_id).sort()).toEqual(
      [users.s1, users.s2].sort(),
    );
    const tasks = (await api.call('GET', '/api/v1/tasks?kind=winback_call', { key: a.keys.viewer })).body
      .items;
    expect(tasks.map((t: { customer_id: number }) => t.customer_id).sort()).toEqual([...chosen].sort());
    const c2 = tasks.find((t: { customer_id: number }) => t.customer_id === ids.C2);
    expect(c2.title).toMatch(/^回访：流失风险价值 ¥[\d,.]+，已超出其自身购买节奏 10\.5 倍/);
    expect(c2.source).toBe('bulk');
    expect(c2.status).toBe('open');
    expect([users.s1, users.s2]).toContain(c2.assignee_id);
    // Pressed again: nothing doubles.
    const again = await api.call('POST', '/api/v1/predict/call-list/tasks', {
      key: a.keys.operator,
      body: { customer_ids: chosen, kind: 'winback_call' },
    });
    expect(again.body).toEqual({ created: 0, skipped: 2, by_assignee: [] });
    // The top three, to one user: the chosen two are skipped, the third is new.
    const top = await api.call('POST', '/api/v1/predict/call-list/tasks', {
      key: a.keys.service,
      body: { top: 3, assign: { rule: 'user', user_id: users.s1 } },
    });
    expect(top.status).toBe(200);
    const list = (await api.call('GET', '/api/v1/predict/call-list?top=3', { key: a.keys.viewer })).body
      .items;
    const fresh = list.filter((e: Entry) => !chosen.includes(e.customer_id)).length;
    expect(top.body).toEqual({
      created: fresh,
      skipped: 3 - fresh,
      by_assignee: fresh ? [{ assignee_id: users.s1, tasks: fresh }] : [],
    });
    const callbacks = (await api.call('GET', '/api/v1/tasks?kind=callback', { key: a.keys.viewer })).body
      .items;
    expect(callbacks).toHaveLength(fresh);
    for (const t of callbacks) expect(t.assignee_id).toBe(users.s1);
  });

  it('refuses what is not on the list, unknown assignees, bad input and roles without tasks', async () => {
    const post = (key: string, body: unknown) =>
      api.call('POST', '/api/v1/predict/call-list/tasks', { key, body });
    const notListed = await post(a.keys.admin, { customer_ids: [ids.C2, 987654] });
    expect(notListed.status).toBe(400);
    expect(notListed.body.message).toMatch(/customer_ids: customer 987654 is not on the call list/);
    const outside = await post(a.keys.admin, { customer_ids: [ids.C1], segment: 'vips' });
    expect(outside.status).toBe(400);
    const stranger = await post(a.keys.admin, { top: 1, assign: { rule: 'user', user_id: 99999 } });
    expect(stranger.status).toBe(400);
    expect(stranger.body.message).toMatch(/assign\.user_id/);
    expect((await post(a.keys.viewer, { top: 1 })).status).toBe(403);
    for (const body of [
      { top: 0 },
      { top: 1001 },
      { top: '5' },
      { kind: 'complaint' },
      { customer_ids: [] },
      { customer_ids: Array.from({ length: 1001 }, (_, i) => i + 1) },
      { customer_ids: [1.5] },
      { customer_ids: 'all' },
      { segment: 'a\u0000b' },
      { segment: 'x'.repeat(201) },
      { due_in_hours: -1 },
      JSON.parse('{"__proto__": {"admin": true}, "top": 1}'),
      { top: 1, extra: true },
      { lang: 'fr' },
    ]) {
      const r = await post(a.keys.admin, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error).toBe('invalid_input');
    }
    for (const query of ['top=0', 'top=abc', 'top=1e9', 'segment=a%00b', 'lang=xx', 'extra=1']) {
      const r = await api.call('GET', `/api/v1/predict/call-list?${query}`, { key: a.keys.viewer });
      expect(r.status, query).toBe(400);
    }
    // Every hostile value in every field and parameter: a clear 4xx, never a 500.
    const valid = {
      customer_ids: [ids.C2],
      top: 2,
      segment: 'vips',
      kind: 'callback',
      due_in_hours: 4,
      priority: 'high',
    };
    for (const field of Object.keys(valid))
      for (const m of BODY_MUTANTS) {
        const r = await post(a.keys.admin, { ...valid, [field]: m.value });
        expect(r.status, `${field}: ${m.label}`).toBeLessThan(500);
      }
    for (const m of POLLUTING) {
      const r = await post(a.keys.admin, { ...valid, ...(m.value as object) });
      expect(r.status, m.label).toBe(400);
    }
    for (const param of ['top', 'segment', 'lang'])
      for (const m of TEXT_MUTANTS) {
        const r = await api.call('GET', `/api/v1/predict/call-list?${param}=${m.value}`, {
          key: a.keys.viewer,
        });
        expect(r.status, `${param}: ${m.label}`).toBeLessThan(500);
        expect(r.status, `${param}: ${m.label}`).not.toBe(200);
      }
  });
});
