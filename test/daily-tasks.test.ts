import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import type { Trigger } from '../src/journeys/journey-model.ts';
import { applyJourney, findJourney } from '../src/journeys/journey-service.ts';
import { pointsBalance } from '../src/loyalty/points-ledger.ts';
import { customerTier } from '../src/loyalty/tier-evaluate.ts';
import { stageCounts, stageHistory } from '../src/segments/stage-history.ts';
import { setClock } from '../src/shared/clock.ts';
import { runOnce } from '../src/worker/worker.ts';
import { createWorkspace, saveSettings, type Workspace } from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { customerIds, importText } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

// The worker's once-a-day tasks, driven the way a server drives them: passes of `runOnce` at
// simulated times, nobody running `tiers evaluate`, `points expire` or `lifecycle record` by hand.
afterAll(async () => {
  setClock(undefined);
  await dropTestSchemas();
});

describe.each(storesUnderTest())('daily tasks of the worker ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  let ids: Record<string, number>;
  const pass = async (when: string) => {
    setClock(new Date(when));
    return (await runOnce(database.db, [ws.name]))[0]!;
  };
  const journey = (name: string, trigger: Trigger) =>
    applyJourney(database.db, ws.id, {
      name,
      trigger,
      reentry: 'always',
      attribution_days: 7,
      start: 'done',
      steps: { done: { type: 'exit' } },
    });
  const entered = async (name: string) => {
    const j = await findJourney(database.db, ws.id, name);
    const rows = await database.db
      .selectFrom('journey_entries')
      .select('customer_id')
      .where('workspace_id', '=', ws.id)
      .where('journey_id', '=', j.id)
      .execute();
    const byId = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
    return rows.map((r) => byId.get(r.customer_id)).sort();
  };
  const stageEvents = async (external: string) =>
    (
      await database.db
        .selectFrom('events')
        .select(['properties'])
        .where('workspace_id', '=', ws.id)
        .where('type', '=', 'lifecycle_changed')
        .where('customer_id', '=', ids[external]!)
        .orderBy('occurred_at')
        .execute()
    ).map((e) => {
      const p = e.properties as { from: string | null; to: string };
      return `${p.from ?? '∅'}→${p.to}`;
    });

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'daily' });
    let raw: unknown = ws.settings;
    for (const [path, value] of Object.entries({
      'points.enabled': true,
      'tiers.enabled': true,
      'tiers.grace_days': 30,
      'tiers.levels': [
        { code: 'silver', name_zh: '银卡', name_en: 'Silver', min: 10_000 },
        { code: 'gold', name_zh: '金卡', name_en: 'Gold', min: 50_000 },
      ],
    }))
      raw = setSetting(raw, path, value);
    ws = await saveSettings(database.db, ws.id, raw as Record<string, unknown>);
    // The journeys are live from the day before the worker first records the workspace.
    setClock(new Date('2025-02-28T12:00:00+08:00'));
    await journey('became-lost', { lifecycle_changed: { to: 'lost' } });
    await journey('left-gold', { tier_changed: { from: 'gold' } });
    setClock(new Date('2025-03-01T12:00:00+08:00'));
    // C buys for ¥600 today (gold at once); L bought once, long ago, and has been lost since.
    await importText(
      database,
      ws,
      'orders',
      'order_id,customer_id,ordered_at,amount,status\nC1,C,2025-03-01 10:00,600.00,paid\nL1,L,2023-06-01 10:00,88.00,paid\n',
    );
    ids = await customerIds(database.db, ws.id);
  });
  afterAll(() => database?.close());

  it('runs the day’s tasks on its first pass only: a baseline of stages, and 2023’s points expired', async () => {
    expect((await customerTier(database.db, ws, ids.C!))?.tier).toBe('gold');
    const first = await pass('2025-03-01T13:00:00+08:00');
    // L's 88 points of 2023 ran out at the end of 2024; C's 600 are good until the end of 2026.
    expect(first.daily.points_expiry).toEqual({ customers: 1, points: 88 });
    expect(first.daily.lifecycle).toEqual({ stage_changes: 2, rfm_group_changes: 2 });
    expect(first.daily.tiers).toEqual({ upgraded: 0, downgraded: 0, in_grace: 0 });
    expect(await pointsBalance(database.db, ws.id, ids.L!)).toBe(0);
    expect((await pass('2025-03-01T18:00:00+08:00')).daily).toEqual({});
    expect(await stageEvents('C')).toEqual(['∅→new']);
    // L has been lost all along: the baseline is no change, so the journey lets nobody in.
    expect(await stageEvents('L')).toEqual(['∅→lost']);
    await pass('2025-03-01T18:10:00+08:00');
    expect(await entered('became-lost')).toEqual([]);
  });

  it('records stage changes day by day, and a journey on them starts without anyone recording by hand', async () => {
    await pass('2025-04-05T09:00:00+08:00'); // 35 days since the order: silent
    await pass('2025-06-05T09:00:00+08:00'); // 96 days: lost
    await pass('2025-06-05T09:10:00+08:00');
    expect(await stageEvents('C')).toEqual(['∅→new', 'new→silent', 'silent→lost']);
    const history = await stageHistory(database.db, ws, ids.C!);
    expect(history.filter((h) => h.kind === 'lifecycle')).toEqual([
      { kind: 'lifecycle', as_of: '2025-03-01', from: null, to: 'new' },
      { kind: 'lifecycle', as_of: '2025-04-05', from: 'new', to: 'silent' },
      { kind: 'lifecycle', as_of: '2025-06-05', from: 'silent', to: 'lost' },
    ]);
    expect(await entered('became-lost')).toEqual(['C']);
    // Each recorded day's customers per stage: C new, then silent, then lost; L lost throughout.
    const counts = await stageCounts(database.db, ws.id, { from: '2025-01-01', to: '2026-01-01' });
    const lifecycle = counts
      .filter((c) => c.kind === 'lifecycle')
      .map((c) => `${c.as_of} ${c.code} ${c.customers}`);
    expect(lifecycle).toEqual([
      '2025-03-01 lost 1',
      '2025-03-01 new 1',
      '2025-04-05 lost 1',
      '2025-04-05 silent 1',
      '2025-06-05 lost 2',
    ]);
  });

  it('downgrades once the order left the 12 months and the grace period ran out, and a journey sees it', async () => {
    const lapsed = await pass('2026-03-02T09:00:00+08:00');
    expect(lapsed.daily.tiers).toEqual({ upgraded: 0, downgraded: 0, in_grace: 1 });
    expect((await pass('2026-03-31T09:00:00+08:00')).daily.tiers?.downgraded).toBe(0);
    expect((await pass('2026-04-01T09:00:00+08:00')).daily.tiers?.downgraded).toBe(1);
    await pass('2026-04-01T09:10:00+08:00');
    expect(await customerTier(database.db, ws, ids.C!)).toBeUndefined();
    expect(await entered('left-gold')).toEqual(['C']);
  });

  it('expires C’s 2025 points on the first pass of 2027', async () => {
    expect(await pointsBalance(database.db, ws.id, ids.C!)).toBe(600);
    expect((await pass('2026-12-31T23:00:00+08:00')).daily.points_expiry).toEqual({
      customers: 0,
      points: 0,
    });
    expect((await pass('2027-01-01T00:30:00+08:00')).daily.points_expiry).toEqual({
      customers: 1,
      points: 600,
    });
    expect(await pointsBalance(database.db, ws.id, ids.C!)).toBe(0);
  });
});
