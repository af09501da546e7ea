import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliActor } from '../src/access/caller.ts';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { pointsHistory } from '../src/loyalty/points-ledger.ts';
import { linkReferral, referralCodeFor, referralReport } from '../src/loyalty/referrals.ts';
import { createWorkspace, saveSettings, type Workspace } from '../src/workspaces/workspace-service.ts';
import { setSetting } from '../src/workspaces/workspace-settings.ts';
import { customerIds } from './fixtures.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const dir = mkdtempSync(join(tmpdir(), 'retain-referrals-'));
let n = 0;
const file = (text: string) => {
  const path = join(dir, `f-${n++}.csv`);
  writeFileSync(path, text);
  return path;
};

describe.each(storesUnderTest())('referrals ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};
  const orders = (rows: string[]) =>
    importFile(database, {
      kind: 'orders',
      file: file(['order_id,customer_id,ordered_at,amount,status', ...rows].join('\n')),
      workspace: ws,
    });

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'friends' });
    let raw: unknown = ws.settings;
    for (const [path, value] of Object.entries({
      'referrals.referrer_points': 100,
      'referrals.referee_points': 50,
      'referrals.referee_coupon': '新人券',
    }))
      raw = setSetting(raw, path, value);
    ws = await saveSettings(database.db, ws.id, raw as Record<string, unknown>);
    await createCouponTemplate(database.db, ws, { name: '新人券', kind: 'amount_off', amount_off: 1000 });
    await importFile(database, {
      kind: 'customers',
      file: file('customer_id,name\nA,甲\nB,乙\nC,丙\nOLD,老客\n'),
      workspace: ws,
    });
    await orders(['O0,OLD,2024-01-01 10:00:00,50.00,paid']);
    Object.assign(ids, await customerIds(database.db, ws.id));
  });
  afterAll(() => database?.close());

  it('gives each customer one stable code and refuses self-referral, loops and existing buyers', async () => {
    const codeA = await referralCodeFor(database.db, ws.id, ids.A!);
    expect(await referralCodeFor(database.db, ws.id, ids.A!)).toBe(codeA);
    expect(codeA).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    await expect(linkReferral(database.db, ws.id, ids.A!, codeA, cliActor())).rejects.toThrow(
      /own referral code/,
    );
    await expect(linkReferral(database.db, ws.id, ids.OLD!, codeA, cliActor())).rejects.toThrow(
      /already bought/,
    );
    expect(await linkReferral(database.db, ws.id, ids.B!, codeA.toLowerCase(), cliActor())).toEqual({
      referrerId: ids.A,
      referredId: ids.B,
    });
    await linkReferral(
      database.db,
      ws.id,
      ids.C!,
      await referralCodeFor(database.db, ws.id, ids.B!),
      cliActor(),
    );
    // A brought B, B brought C: A cannot now be C's (or B's) referral.
    await expect(
      linkReferral(database.db, ws.id, ids.A!, await referralCodeFor(database.db, ws.id, ids.C!), cliActor()),
    ).rejects.toThrow(/loop/);
    await expect(
      linkReferral(
        database.db,
        ws.id,
        ids.B!,
        await referralCodeFor(database.db, ws.id, ids.OLD!),
        cliActor(),
      ),
    ).rejects.toThrow(/already referred/);
  });

  it('rewards both on the new customer’s first valid order, exactly once', async () => {
    const rewards = async () => ({
      a: (await pointsHistory(database.db, ws.id, ids.A!)).map((e) => e.points),
      b: (await pointsHistory(database.db, ws.id, ids.B!)).map((e) => e.points),
      coupons: (
        await database.db
          .selectFrom('coupons')
          .select(['customer_id', 'source'])
          .where('workspace_id', '=', ws.id)
          .execute()
      ).map((c) => [c.customer_id, c.source]),
    });
    await orders(['B1,B,2024-05-01 10:00:00,80.00,pending']);
    expect(await rewards()).toEqual({ a: [], b: [], coupons: [] });
    await orders(['B1,B,2024-05-01 10:00:00,80.00,paid']);
    const once = { a: [100], b: [50], coupons: [[ids.B, 'referral']] };
    expect(await rewards()).toEqual(once);
    await orders(['B1,B,2024-05-01 10:00:00,80.00,paid', 'B2,B,2024-05-03 10:00:00,20.00,paid']);
    expect(await rewards()).toEqual(once);
  });

  it('reports referrals, conversions, revenue from referred customers and top referrers', async () => {
    const report = await referralReport(database.db, ws.id);
    // B (converted, ¥100 net) and C (not yet) were referred; A and B are the referrers.
    expect(report).toMatchObject({ referrals: 2, converted: 1, revenue: 10_000 });
    expect(report.top_referrers.map((r) => [r.external_id, r.referrals, r.converted, r.revenue])).toEqual([
      ['A', 1, 1, 10_000],
      ['B', 1, 0, 0],
    ]);
  });
});
