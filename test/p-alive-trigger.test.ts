import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { backtestJourney } from '../src/journeys/journey-backtest.ts';
import { scanTrigger } from '../src/journeys/journey-enter.ts';
import type { Journey } from '../src/journeys/journey-model.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { countModel, UNIT_DAYS } from '../src/predict/count-model.ts';
import { latestFit, refreshPredictions } from '../src/predict/predict-service.ts';
import { setClock } from '../src/shared/clock.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The `p_alive_below` trigger: a customer enters when a prediction refresh takes their P(alive)
// from at or above the threshold to below it — once per crossing, however often the predictions
// are refreshed while they stay below. Who crossed is read here from each refresh's stored
// values; the backtest is checked against a day-by-day replay written here.

afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(day) + n * DAY).toISOString().slice(0, 10);

/** 100 customers, seeded: a first order in the first half of 2025 and 0–7 more before December. */
function ordersCsv(): string {
  let seed = 11;
  // mulberry32: the low bits of a plain LCG repeat too soon for `% n`.
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) % n;
  };
  const rows: string[] = [];
  for (let c = 1; c <= 100; c++) {
    let day = addDays('2025-01-01', rand(180));
    const more = rand(8);
    for (let k = 0; k <= more && day < '2025-12-01'; k++) {
      rows.push(`P${c}-${k},C${c},${day} 10:00,${50 + rand(100)}.00,paid`);
      day = addDays(day, 5 + rand(60));
    }
  }
  return `order_id,customer_id,ordered_at,amount,status\n${rows.join('\n')}\n`;
}

describe.each(storesUnderTest())('P(alive) trigger ($name)', (store) => {
  let database: Database;
  let ws: Workspace;

  /** Every customer's stored P(alive), by external id. */
  const stored = async () =>
    new Map(
      (
        await sql<{
          id: string;
          p: number;
        }>`select c.external_id as id, p.p_alive as p from customer_predictions p
          join customers c on c.workspace_id = p.workspace_id and c.id = p.customer_id
          where p.workspace_id = ${ws.id}`.execute(database.db)
      ).rows.map((r) => [r.id, r.p]),
    );
  const refresh = async (asOf: string) => {
    // A short CLV horizon: only P(alive) matters here, and each month of it costs a computation.
    await refreshPredictions(database.db, ws, { asOf, actor: null, horizonDays: 30 });
    return stored();
  };
  const scan = async (name: string) =>
    scanTrigger(database.db, ws, await findJourney(database.db, ws.id, name), new Date());
  /** External ids of a journey's entries, one per entry (repeats show). */
  const entries = async (name: string) =>
    (
      await sql<{ id: string }>`select c.external_id as id from journey_entries je
        join customers c on c.workspace_id = je.workspace_id and c.id = je.customer_id
        join journeys j on j.workspace_id = je.workspace_id and j.id = je.journey_id
        where je.workspace_id = ${ws.id} and j.name = ${name}`.execute(database.db)
    ).rows
      .map((r) => r.id)
      .sort();
  const crossed = (before: Map<string, number>, after: Map<string, number>, t: number) =>
    [...after]
      .filter(([id, p]) => p < t && (before.get(id) ?? -1) >= t)
      .map(([id]) => id)
      .sort();
  const slipping = (threshold: number): Journey =>
    ({
      name: 'slipping',
      trigger: { p_alive_below: { threshold } },
      reentry: 'always',
      attribution_days: 7,
      start: 'done',
      steps: { done: { type: 'exit' } },
    }) as Journey;

  beforeAll(async () => {
    database = await store.open();
    setClock(new Date('2026-01-01T09:00:00+08:00'));
    ws = await createWorkspace(database.db, { name: `p-alive-${store.name}` });
    await importText(database, ws, 'orders', ordersCsv());
  });
  afterAll(() => database?.close());

  it('enters a customer once when a refresh takes their P(alive) below the threshold', async () => {
    // A threshold the seeded data crosses in both periods (the counts are checked below).
    const t = 0.3;
    await applyJourney(database.db, ws.id, slipping(t));
    const a = await refresh('2026-01-01');
    const b = await refresh('2026-03-01');
    const firstCrossing = crossed(a, b, t);
    expect(firstCrossing.length).toBeGreaterThan(3);
    await scan('slipping');
    expect(await entries('slipping')).toEqual(firstCrossing);

    // The same refresh again: still below, no new crossing, no new entry (re-entry is `always`).
    await refresh('2026-03-01');
    await scan('slipping');
    expect(await entries('slipping')).toEqual(firstCrossing);

    // Two months on: those who fell below since enter; those below already do not again.
    const c = await refresh('2026-05-01');
    const secondCrossing = crossed(b, c, t);
    expect(secondCrossing.length).toBeGreaterThan(0);
    await scan('slipping');
    expect(await entries('slipping')).toEqual([...firstCrossing, ...secondCrossing].sort());
    expect(firstCrossing.filter((id) => secondCrossing.includes(id))).toEqual([]);
  });

  it('does not count a customer first scored below the threshold as a crossing', async () => {
    await sql`delete from customer_predictions where workspace_id = ${ws.id}`.execute(database.db);
    await applyJourney(database.db, ws.id, { ...slipping(0.99), name: 'first-score' });
    const now = await refresh('2026-05-01');
    expect([...now.values()].some((p) => p < 0.99)).toBe(true);
    await scan('first-score');
    expect(await entries('first-score')).toEqual([]);
  });

  it('backtests the crossings day by day with the latest fit', async () => {
    const fit = (await latestFit(database.db, ws.id))!;
    const model = countModel(fit.model, fit.params, fit.log_likelihood);
    const unit = UNIT_DAYS[fit.unit];
    const from = '2026-01-01';
    const to = '2026-04-01';
    const t = 0.5;
    // Day by day: P(alive) as a refresh on each day would score it (purchase days up to that day).
    const days = new Map<string, number[]>();
    for (const line of ordersCsv().trim().split('\n').slice(1)) {
      const [, customer, at] = line.split(',');
      const d = Date.parse(at!.slice(0, 10)) / DAY;
      const list = days.get(customer!) ?? [];
      if (!list.includes(d)) list.push(d);
      days.set(customer!, list);
    }
    const pOn = (list: number[], d: number) => {
      const upto = list.filter((x) => x <= d).sort((x, y) => x - y);
      if (!upto.length) return null;
      return model.pAlive(upto.length - 1, (upto.at(-1)! - upto[0]!) / unit, (d - upto[0]!) / unit);
    };
    let expected = 0;
    for (const list of days.values())
      for (let d = Date.parse(from) / DAY; d < Date.parse(to) / DAY; d++) {
        const before = pOn(list, d - 1);
        const now = pOn(list, d);
        if (before !== null && now !== null && before >= t && now < t) expected++;
      }
    expect(expected).toBeGreaterThan(3);
    const result = await backtestJourney(database.db, ws, slipping(t), { from, to });
    expect(result.triggered).toBe(expected);
    expect(result.entered).toBe(expected);
  });
});
