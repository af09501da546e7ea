import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_COUNT_BOUND } from '../src/customers/customer-contract.ts';
import { countCustomers, searchCustomers } from '../src/customers/customer-search.ts';
import type { Database } from '../src/db/database.ts';
import { type Api, startApi, workspaceWithKeys } from './api-harness.ts';
import { TEXT_MUTANTS } from './fuzz-values.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The customer search (phone tail and prefix, name, nickname, member card, order id) and its total,
// against the same questions asked of the generated rows in plain JavaScript.

interface Row {
  id: number;
  name: string | null;
  phone: string | null;
  nick: string | null;
  card: string | null;
  orders: string[];
}

const N = EXACT_COUNT_BOUND + 2_500;
/** A deterministic shop of N customers: phones scattered over 138…, some nicknames, cards and orders. */
function generate(): Row[] {
  return Array.from({ length: N }, (_, k) => {
    const id = k + 1;
    const tail = String((id * 7919) % 100_000_000).padStart(8, '0');
    return {
      id,
      name: id % 3 === 0 ? null : `顾客${id}`,
      phone: id % 5 === 0 ? null : `13${id % 2 ? 8 : 9}${tail}`,
      nick: id % 4 === 0 ? `小店_${id % 97}_买家` : null,
      card: id % 7 === 0 ? `VIP-${id}` : null,
      orders: id % 11 === 0 ? [`TB${id}0001`, `TB${id}0002`] : [],
    };
  });
}

/** What the search must find, asked of the rows directly. */
function expected(rows: Row[], q: string): number[] {
  const digits = q.replace(/[\s-]/g, '');
  return rows
    .filter(
      (r) =>
        r.name?.toLowerCase().includes(q.toLowerCase()) ||
        r.nick?.toLowerCase().includes(q.toLowerCase()) ||
        r.phone === q ||
        r.card === q ||
        r.orders.includes(q) ||
        (/^\d{4}$/.test(digits) && r.phone?.endsWith(digits)) ||
        (/^\d{3,10}$/.test(digits) && digits.length !== 4 && r.phone?.startsWith(digits)),
    )
    .map((r) => r.id);
}

describe.each(storesUnderTest())('customer search and total ($name)', (store) => {
  let database: Database;
  let ws: number;
  let other: number;
  let api: Api;
  let key: string;
  const rows = generate();

  const insert = async (workspaceId: number, data: Row[]) => {
    const db = database.db;
    await sql`insert into customers (workspace_id, id, name)
      select ${workspaceId}, * from unnest(${data.map((r) => r.id)}::bigint[], ${data.map((r) => r.name)}::text[])`.execute(
      db,
    );
    const ids: [string, string, number][] = data.flatMap((r) => [
      ...(r.phone ? [['phone', r.phone, r.id] as [string, string, number]] : []),
      ...(r.nick ? [['platform_id', `${r.nick}#${r.id}`, r.id] as [string, string, number]] : []),
      ...(r.card ? [['member_card', r.card, r.id] as [string, string, number]] : []),
    ]);
    await sql`insert into identities (workspace_id, type, value, customer_id)
      select ${workspaceId}, * from unnest(${ids.map((i) => i[0])}::text[], ${ids.map((i) => i[1])}::text[], ${ids.map((i) => i[2])}::bigint[])`.execute(
      db,
    );
    const orders = data.flatMap((r) => r.orders.map((o) => [o, r.id] as const));
    await sql`insert into orders (workspace_id, order_id, customer_id, ordered_at, local_date, amount, status, currency)
      select ${workspaceId}, o, c, now(), current_date, 100, 'completed', 'CNY'
      from unnest(${orders.map((o) => o[0])}::text[], ${orders.map((o) => o[1])}::bigint[]) as u(o, c)`.execute(
      db,
    );
    await sql`analyze customers, identities, orders`.execute(db);
  };

  /** Every id the search returns, page after page. */
  const all = async (q: string, limit = 400) => {
    const ids: number[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await searchCustomers(database.db, ws, { q, after, limit });
      ids.push(...page.items.map((c) => c.id));
      if (!page.nextCursor) return ids;
      after = Number(page.nextCursor);
    }
  };

  beforeAll(async () => {
    database = await store.open();
    const keyed = await workspaceWithKeys(database, 'search');
    ws = keyed.workspace.id;
    key = keyed.keys.viewer;
    other = (await workspaceWithKeys(database, 'other')).workspace.id;
    await insert(ws, rows);
    // The other workspace holds the same phones, names and orders: none may leak into ws's answers.
    await insert(
      other,
      rows.slice(0, 500).map((r) => ({ ...r, id: r.id + N })),
    );
    api = await startApi(database);
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await database?.close();
    await dropTestSchemas();
  });

  const sample = rows[1233]!;
  const cases: [string, string][] = [
    ['phone tail', sample.phone!.slice(-4)],
    ['phone prefix (7 digits)', sample.phone!.slice(0, 7)],
    ['phone prefix (3 digits, many)', '139'],
    ['full phone', sample.phone!],
    ['phone with spaces', `${sample.phone!.slice(-4, -2)} ${sample.phone!.slice(-2)}`],
    ['name', '顾客1234'],
    ['nickname', '小店_42_'],
    ['nickname, any case', '买家'],
    ['member card', 'VIP-1239'],
    ['order id', 'TB12100002'],
    ['nothing', 'zzz-none'],
    ['like wildcards taken literally', '%_%'],
  ];

  it.each(cases)('finds by %s exactly the customers an independent filter finds', async (_, q) => {
    const want = expected(rows, q);
    const got = await all(q);
    expect(got).toEqual(want);
    const count = await countCustomers(database.db, ws, { q });
    if (want.length <= EXACT_COUNT_BOUND) expect(count).toEqual({ total: want.length, exact: true });
    else expect(count.exact).toBe(false);
  });

  it('sanity: the cases are not empty by accident', () => {
    for (const [name, q] of cases.slice(0, 10)) expect(expected(rows, q).length, name).toBeGreaterThan(0);
    expect(expected(rows, sample.phone!.slice(-4)).length).toBeLessThan(10);
  });

  it('counts exactly up to the bound, estimates above it without going under the bound', async () => {
    const named = expected(rows, '顾客1');
    expect(named.length).toBeLessThan(EXACT_COUNT_BOUND);
    expect(await countCustomers(database.db, ws, { q: '顾客1' })).toEqual({
      total: named.length,
      exact: true,
    });
    const everyone = await countCustomers(database.db, ws, {});
    expect(everyone.exact).toBe(false);
    expect(everyone.total).toBeGreaterThan(EXACT_COUNT_BOUND);
    // The planner's estimate after ANALYZE is close to the true count (within a fifth).
    expect(Math.abs(everyone.total - N) / N).toBeLessThan(0.2);
    // A smaller bound: counted exactly when under it, estimated above it.
    expect(await countCustomers(database.db, ws, { q: '顾客1' }, named.length)).toEqual({
      total: named.length,
      exact: true,
    });
    const over = await countCustomers(database.db, ws, { q: '顾客1' }, named.length - 1);
    expect(over.exact).toBe(false);
    expect(over.total).toBeGreaterThanOrEqual(named.length);
  });

  it('answers GET /customers with the page, the total and whether it is exact', async () => {
    const q = sample.phone!.slice(-4);
    const reply = await api.call('GET', `/api/v1/customers?q=${q}&limit=2`, { key });
    expect(reply.status).toBe(200);
    const want = expected(rows, q);
    expect(reply.body.total).toBe(want.length);
    expect(reply.body.total_exact).toBe(true);
    expect(reply.body.items.map((c: { id: number }) => c.id)).toEqual(want.slice(0, 2));
    // A viewer sees masked phones, even when found by one.
    expect(reply.body.items[0].phone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const everyone = await api.call('GET', '/api/v1/customers?limit=1', { key });
    expect(everyone.body.total_exact).toBe(false);
    expect(everyone.body.total).toBeGreaterThan(EXACT_COUNT_BOUND);
  });

  it('answers any search text with 200 and a well-formed total, or 400 naming q', async () => {
    const texts = [
      ...TEXT_MUTANTS.map((m) => String(m.value)),
      ...['%', '_', '\\', "'; drop table customers; --", '0000', '+86 138', '１３８０', '😀', ' 8000 '].map(
        encodeURIComponent,
      ),
    ];
    for (const q of texts) {
      const reply = await api.call('GET', `/api/v1/customers?q=${q}&limit=5`, { key });
      const label = q.slice(0, 40);
      // 431: a URL longer than the server takes, refused before any route.
      expect([200, 400, 431], label).toContain(reply.status);
      if (reply.status === 200) expect(Number.isInteger(reply.body.total), label).toBe(true);
      if (reply.status === 400) expect(reply.text, label).toMatch(/q/);
    }
  });
});
