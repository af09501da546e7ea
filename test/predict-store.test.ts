import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type BgnbdParams, bgnbdPAlive } from '../src/predict/bgnbd.ts';
import { refreshPredictions } from '../src/predict/predict-service.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// Refreshes one after another, as the worker makes them, on the store itself (the COPY path):
// every customer with a purchase by the as-of date holds exactly one prediction, that refresh's,
// with the P(alive) of the refresh before beside it (none for a customer scored for the first
// time); a customer without a purchase by then holds none. Expected P(alive) from each customer's
// orders, counted here.

afterAll(dropTestSchemas);

const DAY = 86_400_000;
const dayOf = (date: string) => Date.parse(date) / DAY;
const addDays = (date: string, n: number) => new Date(Date.parse(date) + n * DAY).toISOString().slice(0, 10);

/** Customer c's order dates: the first on day 7c mod 330 of 2025, then c mod 6 more, 9 + 13c mod 41 days apart. */
function orderDates(c: number): string[] {
  const dates = [addDays('2025-01-01', (c * 7) % 330)];
  for (let k = 0; k < c % 6; k++) dates.push(addDays(dates.at(-1)!, 9 + ((c * 13) % 41)));
  return dates;
}

const CUSTOMERS = 60;

function ordersCsv(): string {
  const rows: string[] = [];
  for (let c = 1; c <= CUSTOMERS; c++)
    for (const [k, date] of orderDates(c).entries())
      rows.push(`S${c}-${k},C${c},${date} 10:00,${40 + ((c * k) % 90)}.00,paid`);
  return `order_id,customer_id,ordered_at,amount,status\n${rows.join('\n')}\n`;
}

/** (x, t_x, T) in weeks as of `asOf` from the order dates (one order a day), or null before the first. */
function summaryAsOf(c: number, asOf: string) {
  const days = orderDates(c).filter((d) => d <= asOf);
  if (days.length === 0) return null;
  const first = dayOf(days[0]!);
  return { x: days.length - 1, tx: (dayOf(days.at(-1)!) - first) / 7, T: (dayOf(asOf) - first) / 7 };
}

describe.each(storesUnderTest())('stored predictions across refreshes ($name)', (store) => {
  let database: Database;
  let ws: Workspace;

  /** The stored rows by external id. */
  const stored = async () =>
    new Map(
      (
        await sql<{ id: string; p: number; previous: number | null; fit_id: number; as_of: string }>`
          select c.external_id as id, p.p_alive as p, p.previous_p_alive as previous, p.fit_id::int as fit_id,
            p.as_of::text as as_of
          from customer_predictions p join customers c on c.workspace_id = p.workspace_id and c.id = p.customer_id
          where p.workspace_id = ${ws.id}`.execute(database.db)
      ).rows.map((r) => [r.id, r]),
    );

  /** Refreshes as of `asOf` and checks every stored row against the fit and the orders; returns them. */
  const refreshAndCheck = async (asOf: string, before: Map<string, { p: number }>) => {
    const done = await refreshPredictions(database, ws, { asOf, actor: null, horizonDays: 30 });
    const rows = await stored();
    const params = done.fit.params as unknown as BgnbdParams;
    const scored = Array.from({ length: CUSTOMERS }, (_, k) => k + 1).filter((c) => summaryAsOf(c, asOf));
    expect(done.customers).toBe(scored.length);
    expect([...rows.keys()].sort()).toEqual(scored.map((c) => `C${c}`).sort());
    for (const c of scored) {
      const s = summaryAsOf(c, asOf)!;
      const row = rows.get(`C${c}`)!;
      expect(row.fit_id).toBe(done.fit.id);
      expect(row.as_of).toBe(asOf);
      expect(row.p).toBeCloseTo(bgnbdPAlive(params, s.x, s.tx, s.T), 12);
      expect(row.previous).toBe(before.get(`C${c}`)?.p ?? null);
    }
    return rows;
  };

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: `predict-store-${store.name}` });
    await importText(database, ws, 'orders', ordersCsv());
  });
  afterAll(() => database?.close());

  it('updates those scored before, adds those scored first, and drops those no longer scored', async () => {
    const first = await refreshAndCheck('2025-12-31', new Map());
    expect(first.size).toBe(CUSTOMERS);
    // Dated back to midsummer: customers whose first order came later lose their prediction; the
    // rest are read from their orders up to then (they bought after it) and keep December's beside.
    const summer = await refreshAndCheck('2025-06-30', first);
    expect(summer.size).toBeLessThan(CUSTOMERS);
    expect(summer.size).toBeGreaterThan(10);
    // Forward again: the dropped customers come back without a previous P(alive).
    const again = await refreshAndCheck('2025-12-31', summer);
    expect(again.size).toBe(CUSTOMERS);
    expect([...again.values()].filter((r) => r.previous === null)).toHaveLength(CUSTOMERS - summer.size);
  });

  it('leaves the rows of one refresh whole when two run at once', async () => {
    // Midsummer scores fewer customers than December: whichever commits last, its customers hold
    // its prediction and no one holds the other's.
    const [summer, december] = await Promise.all([
      refreshPredictions(database, ws, { asOf: '2025-06-30', actor: null, horizonDays: 30 }),
      refreshPredictions(database, ws, { asOf: '2025-12-31', actor: null, horizonDays: 30 }),
    ]);
    const rows = await stored();
    const fits = new Set([...rows.values()].map((r) => r.fit_id));
    expect(fits.size).toBe(1);
    const last = fits.has(summer.fit.id) ? summer : december;
    expect(rows.size).toBe(last.customers);
    // A refresh after them both finds every row it holds and drops none it should keep.
    await refreshAndCheck('2025-12-31', rows);
  });

  it('drops the prediction of a customer deleted between refreshes and keeps the rest', async () => {
    const before = await refreshAndCheck('2025-12-31', await stored());
    await sql`delete from customers where workspace_id = ${ws.id} and external_id = 'C7'`.execute(
      database.db,
    );
    const after = await refreshPredictions(database, ws, {
      asOf: '2025-12-31',
      actor: null,
      horizonDays: 30,
    });
    const rows = await stored();
    expect(after.customers).toBe(CUSTOMERS - 1);
    expect(rows.has('C7')).toBe(false);
    expect(rows.size).toBe(CUSTOMERS - 1);
    for (const [id, row] of rows) {
      expect(row.fit_id).toBe(after.fit.id);
      expect(row.previous).toBe(before.get(id)!.p);
    }
  });
});
