import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { backfillPoints } from '../src/loyalty/points-earn.ts';
import {
  changePoints,
  expirePoints,
  InsufficientPointsError,
  pointsBalance,
  pointsHistory,
} from '../src/loyalty/points-ledger.ts';
import { customerTier, evaluateTiers } from '../src/loyalty/tier-evaluate.ts';
import { createWorkspace, saveSettings, type Workspace } from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const dir = mkdtempSync(join(tmpdir(), 'retain-points-'));
let n = 0;
const csv = (rows: string[]) => {
  const path = join(dir, `orders-${n++}.csv`);
  writeFileSync(path, ['order_id,customer_id,ordered_at,amount,refunded_amount,status', ...rows].join('\n'));
  return path;
};

describe.each(storesUnderTest())('points and tiers ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const id = async (external: string) =>
    (
      await database.db
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', ws.id)
        .where('external_id', '=', external)
        .executeTakeFirstOrThrow()
    ).id;
  const load = (rows: string[]) => importFile(database, { kind: 'orders', file: csv(rows), workspace: ws });
  const configure = async (settings: Record<string, unknown>) => {
    let raw: unknown = ws.settings;
    for (const [path, value] of Object.entries(settings)) raw = setSetting(raw, path, value);
    ws = await saveSettings(database.db, ws.id, raw as Record<string, unknown>);
  };
  const balance = async (external: string) => pointsBalance(database.db, ws.id, await id(external));

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'members' });
  });
  afterAll(() => database?.close());

  it('earns nothing until the programme is switched on', async () => {
    await load(['P0,A,2024-03-01 10:00:00,100.00,0,paid']);
    expect(await balance('A')).toBe(0);
  });

  it('earns ⌊net⌋ points per ¥1, doubles on member days, never twice, and reverses refunds in proportion', async () => {
    await configure({ 'points.enabled': true, 'points.member_days': [18], 'points.first_order_bonus': 50 });
    await load([
      'P1,B,2024-03-05 10:00:00,129.90,0,paid', // 129
      'P2,B,2024-03-18 10:00:00,10.50,0,paid', // member day: ⌊21.0⌋
      'P3,B,2024-03-20 10:00:00,80.00,0,pending', // not valid: nothing yet
    ]);
    // 129 + 21 + first-order bonus 50
    expect(await balance('B')).toBe(200);
    await load(['P1,B,2024-03-05 10:00:00,129.90,0,paid', 'P2,B,2024-03-18 10:00:00,10.50,0,paid']);
    expect(await balance('B')).toBe(200);
    await load([
      'P1,B,2024-03-05 10:00:00,129.90,29.90,paid', // now earns 100: −29
      'P2,B,2024-03-18 10:00:00,10.50,0,cancelled', // −21
      'P3,B,2024-03-20 10:00:00,80.00,0,paid', // +80
    ]);
    expect(await balance('B')).toBe(200 - 29 - 21 + 80);
    // Entries in time order; the two reversals share a time, so they are compared as a set.
    const kinds = (await pointsHistory(database.db, ws.id, await id('B'))).map((e) => [e.kind, e.points]);
    expect(kinds.slice(4).sort()).toEqual([
      ['reverse', -21],
      ['reverse', -29],
    ]);
    expect(kinds.slice(0, 4)).toEqual([
      ['earn', 129],
      ['bonus', 50],
      ['earn', 21],
      ['earn', 80],
    ]);
    // History is never rewritten.
    await expect(sql`update points_ledger set points = 1`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from points_ledger`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('redeems only what the balance holds, once per idempotency key, even when two race', async () => {
    const customer = await id('B');
    const redeem = (points: number, key: string) =>
      changePoints(database.db, ws, customer, {
        kind: 'redeem',
        points,
        reason: 'gift',
        idempotencyKey: key,
        actor: cliActor(),
      });
    await expect(redeem(1000, 'too-much')).rejects.toBeInstanceOf(InsufficientPointsError);
    const raced = await Promise.allSettled([redeem(150, 'race-1'), redeem(150, 'race-2')]);
    expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await balance('B')).toBe(230 - 150);
    expect((await redeem(150, 'race-1').catch(() => redeem(150, 'race-2'))).recorded).toBe(false);
    expect(await balance('B')).toBe(80);
  });

  it('gives event bonuses (a review) once per event, even when the events file comes again', async () => {
    await configure({ 'points.event_bonuses': { review: 20 } });
    const file = join(dir, `events-${n++}.csv`);
    writeFileSync(
      file,
      'customer_id,type,occurred_at,stars\nA,review,2024-04-01 10:00:00,5\nA,page_view,2024-04-01 10:01:00,\nA,review,2024-04-01 10:00:00,5\n',
    );
    const before = await balance('A');
    await importFile(database, { kind: 'events', file, workspace: ws });
    expect(await balance('A')).toBe(before + 20);
    await importFile(database, { kind: 'events', file, workspace: ws });
    expect(await balance('A')).toBe(before + 20);
  });

  it('buys a coupon with points in one step, and spends nothing when no coupon can be had', async () => {
    const a = await id('A');
    const start = await balance('A');
    await changePoints(database.db, ws, a, {
      kind: 'adjust',
      points: 100,
      reason: 'welcome',
      idempotencyKey: 'welcome-a',
      actor: cliActor(),
    });
    await createCouponTemplate(database.db, ws, {
      name: '积分换券',
      kind: 'amount_off',
      amount_off: 500,
      budget_count: 1,
    });
    const buy = (key: string) =>
      changePoints(database.db, ws, a, {
        kind: 'redeem',
        points: 40,
        reason: 'coupon',
        idempotencyKey: key,
        couponTemplate: '积分换券',
        actor: cliActor(),
      });
    const bought = await buy('buy-1');
    expect(bought).toMatchObject({ balance: start + 60, recorded: true });
    const coupon = await database.db
      .selectFrom('coupons')
      .selectAll()
      .where('code', '=', bought.coupon!)
      .executeTakeFirstOrThrow();
    expect([coupon.customer_id, coupon.source]).toEqual([a, 'points']);
    await expect(buy('buy-2')).rejects.toThrow(/budget/);
    expect(await balance('A')).toBe(start + 60);
  });

  it('expires what is left of a year’s points at the end of the next year, first in first out, once', async () => {
    // B earned 230 in 2024 (expiring 2026-01-01 Shanghai) and spent 150: 80 remain.
    expect(await expirePoints(database.db, ws, '2025-12-31')).toEqual({ customers: 0, points: 0 });
    await load(['P4,B,2025-06-01 10:00:00,30.00,0,paid']); // 30 more, expiring 2027-01-01
    expect(await expirePoints(database.db, ws, '2026-01-01')).toEqual({ customers: 1, points: 80 });
    expect(await expirePoints(database.db, ws, '2026-01-01')).toEqual({ customers: 0, points: 0 });
    expect(await balance('B')).toBe(30);
  });

  it('backfills points for orders imported before the programme started, once', async () => {
    // A's ¥100 order of 1 March 2024 came in while points were off: 100 more points and the
    // first-order bonus of 50 now (A's bonuses since stay); B's orders earned as they came.
    const [a, b] = [await balance('A'), await balance('B')];
    await backfillPoints(database, ws);
    expect(await balance('A')).toBe(a + 100 + 50);
    await backfillPoints(database, ws);
    expect(await balance('A')).toBe(a + 150);
    expect(await balance('B')).toBe(b);
  });

  it('upgrades at once on orders, keeps a tier through the grace period, then downgrades, with events', async () => {
    await configure({
      'tiers.enabled': true,
      'tiers.grace_days': 30,
      'tiers.levels': [
        { code: 'silver', name_zh: '银卡', name_en: 'Silver', min: 10_000 },
        { code: 'gold', name_zh: '金卡', name_en: 'Gold', min: 50_000, multiplier: 2 },
      ],
    });
    const today = new Date().toISOString().slice(0, 10);
    await load([`T1,C,${today} 09:00:00,600.00,0,paid`]);
    const c = await id('C');
    expect((await customerTier(database.db, ws, c))?.tier).toBe('gold');
    // The next order earns at gold's ×2 (the upgrade came with the previous order).
    await load([`T2,C,${today} 10:00:00,10.00,0,paid`]);
    const earned = (await pointsHistory(database.db, ws.id, c)).filter((e) => e.order_id === 'T2');
    expect(earned.map((e) => e.points)).toEqual([20]);
    // A year on, the spend has left the 12-month window: grace first, then down to no tier.
    const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    const evaluate = (asOf: string) =>
      database.db.transaction().execute((trx) => evaluateTiers(trx, ws, asOf, [c]));
    expect(await evaluate(later(400))).toEqual({ upgraded: 0, downgraded: 0, in_grace: 1 });
    expect(await evaluate(later(420))).toEqual({ upgraded: 0, downgraded: 0, in_grace: 1 });
    expect(await evaluate(later(430))).toEqual({ upgraded: 0, downgraded: 1, in_grace: 0 });
    expect(await customerTier(database.db, ws, c)).toBeUndefined();
    const events = await database.db
      .selectFrom('events')
      .select(['properties'])
      .where('workspace_id', '=', ws.id)
      .where('type', '=', 'tier_changed')
      .where('customer_id', '=', c)
      .orderBy('occurred_at')
      .execute();
    expect(events.map((e) => e.properties)).toEqual([
      { from: null, to: 'gold' },
      { from: 'gold', to: null },
    ]);
  });
});
