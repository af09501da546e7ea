import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { computeSegmentation } from '../src/segments/rfm-service.ts';
import { recordStageChanges } from '../src/segments/stage-changes.ts';
import { stageCounts } from '../src/segments/stage-history.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { importText } from './fixtures.ts';
import { expectedLifecycle, expectedRfm, type SimpleOrder } from './independent-rfm.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

/**
 * The daily recording over several days of a generated base, checked against states worked out
 * independently (test/independent-rfm.ts) from the same orders: the events written, the
 * day's counts and the recorded states. Once through the whole store (binary COPY, typed arrays)
 * and once through its Kysely only (plain rows), which must agree.
 */
afterAll(dropTestSchemas);

/** A small deterministic generator (LCG), so the base is the same on every run. */
function generator(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x % n;
  };
}

const DAY = 86_400_000;
const dateOf = (start: string, days: number) =>
  new Date(Date.parse(`${start}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

interface Row {
  order: string;
  customer: string;
  date: string;
  cents: number;
  status: 'paid' | 'cancelled';
}

/** Up to 150 customers (those with 1–6 orders; 0 drawn: none) over 2023-07-01…2024-06-30, one in ten cancelled. */
function baseOrders(): Row[] {
  const next = generator(17);
  const rows: Row[] = [];
  for (let c = 1; c <= 150; c++) {
    const count = next(7);
    for (let k = 0; k < count; k++)
      rows.push({
        order: `B${c}-${k}`,
        customer: `K${c}`,
        date: dateOf('2023-07-01', next(366)),
        cents: 1000 + next(49_000),
        status: next(10) === 0 ? 'cancelled' : 'paid',
      });
  }
  // One customer whose only order was cancelled: a prospect with no group.
  rows.push({ order: 'P1', customer: 'K151', date: '2024-05-01', cents: 5000, status: 'cancelled' });
  return rows;
}

/** Orders of 2025-03-03: five known customers come back, and one new customer buys. */
const LATER: Row[] = [
  ...['K3', 'K10', 'K42', 'K77', 'K151'].map(
    (customer, k): Row => ({
      order: `L${k}`,
      customer,
      date: '2025-03-03',
      cents: 20_000 + k * 1000,
      status: 'paid',
    }),
  ),
  { order: 'L9', customer: 'K200', date: '2025-03-03', cents: 3000, status: 'paid' },
];

const csv = (rows: Row[]) =>
  `order_id,customer_id,ordered_at,amount,status\n${rows
    .map((r) => `${r.order},${r.customer},${r.date} 12:00,${(r.cents / 100).toFixed(2)},${r.status}`)
    .join('\n')}\n`;

const simple = (rows: Row[]): SimpleOrder[] =>
  rows.map((r) => ({ customer: r.customer, date: r.date, net: r.status === 'paid' ? r.cents : 0 }));

type State = { stage: string; group: string | null };

/** Every customer's expected state on `asOf`, computed independently from the orders. */
function expectedStates(rows: Row[], asOf: string): Map<string, State> {
  const orders = simple(rows);
  const customers = [...new Set(rows.map((r) => r.customer))];
  const stages = expectedLifecycle(orders, customers, asOf);
  const groups = expectedRfm(orders, asOf);
  return new Map(
    customers.map((c) => [c, { stage: stages.get(c)!, group: groups.get(c)?.rfm_group ?? null }]),
  );
}

/** The events a recording from `before` to `after` must write, by `type:customer`. */
function expectedEvents(before: Map<string, State>, after: Map<string, State>) {
  const out = new Map<string, [string | null, string | null]>();
  for (const [c, now] of after) {
    const was = before.get(c);
    if (!was || was.stage !== now.stage) out.set(`lifecycle_changed:${c}`, [was?.stage ?? null, now.stage]);
    if (was ? was.group !== now.group : now.group !== null)
      out.set(`rfm_group_changed:${c}`, [was?.group ?? null, now.group]);
  }
  return out;
}

function tally(states: Map<string, State>): string[] {
  const n = new Map<string, number>();
  for (const s of states.values()) {
    n.set(`lifecycle ${s.stage}`, (n.get(`lifecycle ${s.stage}`) ?? 0) + 1);
    if (s.group) n.set(`rfm_group ${s.group}`, (n.get(`rfm_group ${s.group}`) ?? 0) + 1);
  }
  return [...n].map(([k, v]) => `${k} ${v}`).sort();
}

describe.each(storesUnderTest())(
  'daily stage recording against an independent computation ($name)',
  (store) => {
    let database: Database;
    const workspaces: Record<'store' | 'kysely', Workspace> = {} as never;
    const recorded: Record<'store' | 'kysely', Map<string, State>> = { store: new Map(), kysely: new Map() };
    let rows = baseOrders();

    beforeAll(async () => {
      database = await store.open();
      for (const via of ['store', 'kysely'] as const) {
        workspaces[via] = await createWorkspace(database.db, {
          name: `recording-${via}`,
          timezone: 'Asia/Shanghai',
          currency: 'CNY',
        });
        await importText(database, workspaces[via], 'orders', csv(rows));
      }
    });
    afterAll(() => database?.close());

    const written = async (ws: Workspace, asOf: string) => {
      const r = await sql<{
        type: string;
        ext: string;
        properties: { from: string | null; to: string | null };
      }>`
      select e.type, c.external_id as ext, e.properties from events e
      join customers c on c.workspace_id = e.workspace_id and c.id = e.customer_id
      where e.workspace_id = ${ws.id} and e.type in ('lifecycle_changed', 'rfm_group_changed')
        and e.properties->>'as_of' = ${asOf}`.execute(database.db);
      return new Map(r.rows.map((e) => [`${e.type}:${e.ext}`, [e.properties.from, e.properties.to]]));
    };
    const states = async (ws: Workspace) => {
      const r = await sql<{ ext: string; lifecycle: string; rfm_group: string | null }>`
      select c.external_id as ext, s.lifecycle, s.rfm_group from customer_states s
      join customers c on c.workspace_id = s.workspace_id and c.id = s.customer_id
      where s.workspace_id = ${ws.id}`.execute(database.db);
      return new Map(r.rows.map((s) => [s.ext, { stage: s.lifecycle, group: s.rfm_group }]));
    };

    /** Records `asOf` both ways and checks events, counts and states; returns the changes expected. */
    const recordDay = async (asOf: string, storeVia: 'store' | 'kysely' = 'store') => {
      const want = expectedStates(rows, asOf);
      const events = expectedEvents(recorded.store, want);
      for (const via of ['store', 'kysely'] as const) {
        const ws = workspaces[via];
        const target = via === 'store' && storeVia === 'store' ? database : database.db;
        const counts = await recordStageChanges(target, ws, await computeSegmentation(target, ws, { asOf }));
        const kinds = [...events.keys()].map((k) => k.split(':')[0]);
        expect(counts).toEqual({
          lifecycle: kinds.filter((k) => k === 'lifecycle_changed').length,
          rfm_group: kinds.filter((k) => k === 'rfm_group_changed').length,
        });
        expect(await written(ws, asOf)).toEqual(events);
        expect(await states(ws)).toEqual(want);
        const day = await stageCounts(database.db, ws.id, { from: asOf, to: dateOf(asOf, 1) });
        expect(day.map((d) => `${d.kind} ${d.code} ${d.customers}`).sort()).toEqual(tally(want));
        recorded[via] = want;
      }
      return events.size;
    };

    it('records every customer on the first day, and nothing when the same day is recorded again', async () => {
      const customers = new Set(rows.map((r) => r.customer)).size;
      expect(await recordDay('2024-07-01')).toBe(customers + expectedRfm(simple(rows), '2024-07-01').size);
      for (const via of ['store', 'kysely'] as const) {
        const ws = workspaces[via];
        const target = via === 'store' ? database : database.db;
        const again = await recordStageChanges(
          target,
          ws,
          await computeSegmentation(target, ws, { asOf: '2024-07-01' }),
        );
        expect(again).toEqual({ lifecycle: 0, rfm_group: 0 });
      }
    });

    it('records only the customers whose stage or group moved on a later day', async () => {
      expect(await recordDay('2024-07-25')).toBeGreaterThan(0);
      // Everyone lost by the spring: most stages change at once.
      expect(await recordDay('2025-03-01')).toBeGreaterThan(50);
    });

    it('writes no event on a day nothing changed, and still counts the day', async () => {
      // Independently: the next day nobody moves (all lost, the RFM ranks shift together).
      expect(
        expectedEvents(expectedStates(rows, '2025-03-01'), expectedStates(rows, '2025-03-02')).size,
      ).toBe(0);
      expect(await recordDay('2025-03-02')).toBe(0);
    });

    it('records the customers who came back and a new customer after new orders', async () => {
      rows = [...rows, ...LATER];
      for (const ws of Object.values(workspaces)) await importText(database, ws, 'orders', csv(LATER));
      const events = expectedEvents(recorded.store, expectedStates(rows, '2025-03-03'));
      expect(events.get('lifecycle_changed:K200')).toEqual([null, 'new']);
      expect(events.get('lifecycle_changed:K151')).toEqual(['prospect', 'new']);
      expect(await recordDay('2025-03-03')).toBe(events.size);
    });

    it('does not trust the kept states once another writer recorded (their version moved on)', async () => {
      // The store's workspace recorded once through its Kysely alone: the kept states go stale.
      expect(await recordDay('2025-06-10', 'kysely')).toBeGreaterThan(0);
      const back: Row = { order: 'L20', customer: 'K3', date: '2025-06-12', cents: 4000, status: 'paid' };
      rows = [...rows, back];
      for (const ws of Object.values(workspaces)) await importText(database, ws, 'orders', csv([back]));
      // K3 was active in the kept states and is active again: only the recorded rows say lost.
      const events = expectedEvents(recorded.store, expectedStates(rows, '2025-06-12'));
      expect(events.get('lifecycle_changed:K3')).toEqual(['lost', 'active']);
      expect(await recordDay('2025-06-12')).toBe(events.size);
    });

    it('does not trust the kept states after any write of a recorded row, even one that forgets the version', async () => {
      const ws = workspaces.store;
      expect(recorded.store.get('K3')?.stage).toBe('active');
      // A hand-made fix that moves nothing on itself: the table's trigger must.
      await sql`update customer_states set lifecycle = 'silent' where workspace_id = ${ws.id}
        and customer_id = (select id from customers where workspace_id = ${ws.id} and external_id = 'K3')`.execute(
        database.db,
      );
      const again = await recordStageChanges(
        database,
        ws,
        await computeSegmentation(database, ws, { asOf: '2025-06-12' }),
      );
      expect(again).toEqual({ lifecycle: 1, rfm_group: 0 });
      expect(await states(ws)).toEqual(recorded.store);
    });
  },
);
