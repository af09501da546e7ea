import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { importFile } from '../src/importing/import-service.ts';
import { CODE_ALPHABET } from '../src/loyalty/coupon-code.ts';
import { issueCoupons } from '../src/loyalty/coupon-issue.ts';
import { couponReport, findCoupon } from '../src/loyalty/coupon-report.ts';
import { createCouponTemplate } from '../src/loyalty/coupon-template.ts';
import { createWorkspace, type Workspace } from '../src/workspaces/workspace-service.ts';
import { dropTestSchemas, storesUnderTest } from './stores.ts';

afterAll(dropTestSchemas);

const dir = mkdtempSync(join(tmpdir(), 'retain-coupons-'));
let files = 0;
const csv = (rows: string[]) => {
  const path = join(dir, `orders-${files++}.csv`);
  writeFileSync(
    path,
    ['order_id,customer_id,ordered_at,amount,status,channel,coupon_code', ...rows].join('\n'),
  );
  return path;
};

describe.each(storesUnderTest())('coupons ($name)', (store) => {
  let database: Database;
  let ws: Workspace;
  const ids: Record<string, number> = {};
  const load = (rows: string[]) => importFile(database, { kind: 'orders', file: csv(rows), workspace: ws });
  const attempt = async (code: string) => (await findCoupon(database.db, ws.id, code))!;

  beforeAll(async () => {
    database = await store.open();
    ws = await createWorkspace(database.db, { name: 'shop' });
    await load([
      'SEED1,C1,2024-01-01 10:00:00,10.00,paid,门店',
      'SEED2,C2,2024-01-01 10:00:00,10.00,paid,门店',
      'SEED3,C3,2024-01-01 10:00:00,10.00,paid,门店',
    ]);
    const rows = await database.db
      .selectFrom('customers')
      .select(['id', 'external_id'])
      .where('workspace_id', '=', ws.id)
      .execute();
    for (const r of rows) ids[r.external_id!] = r.id;
  });
  afterAll(() => database?.close());

  it('refuses a template with a clear error naming the field, and changes nothing', async () => {
    await expect(createCouponTemplate(database.db, ws, { name: 'x', kind: 'amount_off' })).rejects.toThrow(
      /amount_off/,
    );
    await expect(
      createCouponTemplate(database.db, ws, {
        name: 'y',
        kind: 'gift',
        gift_sku: 'S',
        valid_from: '2024-05-02',
        valid_until: '2024-05-01',
      }),
    ).rejects.toThrow(/valid_until: is before valid_from/);
    expect(await database.db.selectFrom('coupon_templates').selectAll().execute()).toEqual([]);
  });

  it('issues unique, typeable codes within the per-customer limit and the budget', async () => {
    const t = await createCouponTemplate(database.db, ws, {
      name: '满150减30',
      kind: 'amount_off',
      amount_off: 3000,
      threshold: 15000,
      per_customer_limit: 1,
      budget_count: 2,
    });
    const first = await issueCoupons(database.db, t, [ids.C1!, ids.C1!, ids.C2!], { source: 'manual' });
    expect(first).toMatchObject({ issued: 2, over_customer_limit: 0, over_budget: 0 });
    for (const { code } of first.codes)
      expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{5}-[${CODE_ALPHABET}]{5}$`));
    expect(new Set(first.codes.map((c) => c.code)).size).toBe(2);
    const again = await issueCoupons(database.db, t, [ids.C1!, ids.C3!], { source: 'manual' });
    // C1 already holds one; C3 would be the third coupon of a budget of two.
    expect(again).toMatchObject({ issued: 0, over_customer_limit: 1, over_budget: 1 });
  });

  it('redeems codes on imported orders exactly once, recording every failure with its reason', async () => {
    const t = await createCouponTemplate(database.db, ws, {
      name: '满100减20',
      kind: 'amount_off',
      amount_off: 2000,
      threshold: 10000,
      valid_until: '2024-06-30',
    });
    const { codes } = await issueCoupons(database.db, t, [ids.C1!, ids.C2!, ids.C3!], {
      source: 'campaign',
      ref: '618',
    });
    const [c1, c2, c3] = codes.map((c) => c.code) as [string, string, string];
    const typed = c1.toLowerCase().replace('-', ' ');
    const result = await load([
      `R1,C1,2024-06-01 10:00:00,90.00,paid,天猫,${typed}`, // 90 + 20 off = 110 ≥ 100
      `R2,C1,2024-06-02 10:00:00,200.00,paid,天猫,${c1}`, // the same code again: already used
      `R3,C2,2024-06-03 10:00:00,70.00,paid,天猫,${c2}`, // 70 + 20 = 90 < 100
      `R4,C3,2024-07-01 00:30:00,150.00,paid,天猫,${c3}`, // after the last valid day (Shanghai)
      `R5,C1,2024-06-04 10:00:00,150.00,paid,天猫,NOPE1-NOPE2`,
      `R6,C2,2024-06-05 10:00:00,150.00,pending,天猫,${c3}`, // pending, and not C2's coupon
    ]);
    expect(result.rejected).toBe(0);
    expect(result.inserted).toBe(6);
    const one = await attempt(c1);
    expect(one).toMatchObject({ redeemed_order_id: 'R1', discount: 2000 });
    expect(one.attempts.map((a) => [a.order_id, a.result])).toEqual([
      ['R1', 'redeemed'],
      ['R2', 'already_used'],
    ]);
    expect((await attempt(c2)).attempts.map((a) => a.result)).toEqual(['below_threshold']);
    const three = await attempt(c3);
    expect(three.redeemed_at).toBeNull();
    expect(Object.fromEntries(three.attempts.map((a) => [a.order_id, a.result]))).toEqual({
      R4: 'expired',
      R6: 'order_not_valid',
    });
    const unknown = await database.db
      .selectFrom('coupon_redemptions')
      .selectAll()
      .where('order_id', '=', 'R5')
      .execute();
    expect(unknown.map((u) => u.result)).toEqual(['not_found']);
    // Re-importing the same orders changes nothing.
    await load([
      `R1,C1,2024-06-01 10:00:00,90.00,paid,天猫,${typed}`,
      `R2,C1,2024-06-02 10:00:00,200.00,paid,天猫,${c1}`,
    ]);
    expect((await attempt(c1)).attempts.map((a) => [a.order_id, a.result])).toEqual([
      ['R1', 'redeemed'],
      ['R2', 'already_used'],
    ]);
  });

  it('lets one of two orders racing for the last use of a code win, in concurrent imports', async () => {
    const t = await createCouponTemplate(database.db, ws, {
      name: '无门槛5元',
      kind: 'amount_off',
      amount_off: 500,
    });
    const { codes } = await issueCoupons(database.db, t, [ids.C3!], { source: 'manual' });
    const code = codes[0]!.code;
    await Promise.all([
      load([`X1,C3,2024-06-10 10:00:00,50.00,paid,门店,${code}`]),
      load([`X2,C3,2024-06-10 10:00:01,60.00,paid,门店,${code}`]),
    ]);
    const results = (await attempt(code)).attempts.map((a) => a.result).sort();
    expect(results).toEqual(['already_used', 'redeemed']);
  });

  it('computes a percentage discount on the price before discount, capped', async () => {
    const t = await createCouponTemplate(database.db, ws, {
      name: '9折',
      kind: 'percent_off',
      percent_off: 10,
      max_discount: 500,
    });
    const { codes } = await issueCoupons(database.db, t, [ids.C1!, ids.C2!], { source: 'manual' });
    await load([
      `P1,C1,2024-06-11 10:00:00,36.00,paid,门店,${codes[0]!.code}`, // paid 36 after 10% off: 40 before, 4 off
      `P2,C2,2024-06-11 10:00:00,900.00,paid,门店,${codes[1]!.code}`, // 100 off before the cap of 5
    ]);
    expect((await attempt(codes[0]!.code)).discount).toBe(400);
    expect((await attempt(codes[1]!.code)).discount).toBe(500);
  });

  it('reports issued, redeemed, cost, revenue and ROI per template and source', async () => {
    const report = await couponReport(database.db, ws.id);
    const row = report.find((r) => r.template === '满100减20')!;
    // From the redemption test: three issued by campaign 618, R1 (¥90 paid, ¥20 off) redeemed.
    expect(row).toEqual({
      template: '满100减20',
      source: 'campaign',
      source_ref: '618',
      issued: 3,
      redeemed: 1,
      redemption_rate: 1 / 3,
      discount_cost: 2000,
      revenue: 9000,
      roi: 9000 / 2000,
    });
    const percent = report.find((r) => r.template === '9折')!;
    expect(percent).toMatchObject({ issued: 2, redeemed: 2, discount_cost: 900, revenue: 3600 + 90000 });
  });

  it('applies a coupon for some products to their lines only, once the lines have arrived', async () => {
    const milk = ['MILK-900'];
    const fixed = await createCouponTemplate(database.db, ws, {
      name: '奶粉 满300减30',
      kind: 'amount_off',
      amount_off: 3000,
      threshold: 30000,
      products: milk,
    });
    const percent = await createCouponTemplate(database.db, ws, {
      name: '奶粉9折',
      kind: 'percent_off',
      percent_off: 10,
      products: milk,
    });
    const [f1, , f3] = (
      await issueCoupons(database.db, fixed, [ids.C1!, ids.C2!, ids.C3!], { source: 'manual' })
    ).codes.map((c) => c.code);
    const p2 = (await issueCoupons(database.db, percent, [ids.C2!], { source: 'manual' })).codes[0]!.code;
    // The orders with their codes come first, their lines later (two exports of one shop).
    await load([
      `M1,C1,2024-07-01 10:00:00,400.00,paid,门店,${f1}`,
      `M2,C2,2024-07-01 10:00:00,500.00,paid,门店,${p2}`,
      `M3,C3,2024-07-01 10:00:00,500.00,paid,门店,${f3}`,
    ]);
    expect((await attempt(f1!)).attempts.map((a) => a.result)).toEqual(['product']);
    const lines = join(dir, 'lines.csv');
    writeFileSync(
      lines,
      [
        'order_id,customer_id,ordered_at,sku,quantity,unit_price,status',
        'M1,C1,2024-07-01 10:00:00,MILK-900,1,280,paid', // 280 + 30 off = 310 ≥ 300 on the milk alone
        'M1,C1,2024-07-01 10:00:00,DIAPER-L,1,120,paid',
        'M2,C2,2024-07-01 10:00:00,MILK-900,2,180,paid', // 360 paid after 10%: 400 before, 40 off
        'M2,C2,2024-07-01 10:00:00,TOY-1,1,140,paid',
        'M3,C3,2024-07-01 10:00:00,DIAPER-L,5,100,paid', // no milk
      ].join('\n'),
    );
    expect((await importFile(database, { kind: 'order-lines', file: lines, workspace: ws })).rejected).toBe(
      0,
    );
    expect(await attempt(f1!)).toMatchObject({ redeemed_order_id: 'M1', discount: 3000 });
    expect(await attempt(p2)).toMatchObject({ redeemed_order_id: 'M2', discount: 4000 });
    const m3 = await attempt(f3!);
    expect([m3.redeemed_at, m3.attempts.map((a) => a.result)]).toEqual([null, ['product']]);
  });

  it('stacks coupons that may stack on one order, refuses one that may not, and redeems nothing more when imported again', async () => {
    const make = (name: string, stackable: boolean, amountOff: number, threshold = 0) =>
      createCouponTemplate(database.db, ws, {
        name,
        kind: 'amount_off',
        amount_off: amountOff,
        threshold,
        stackable,
      });
    const owners = [ids.C1!, ids.C2!, ids.C3!];
    const issue = async (name: string, stackable: boolean, amountOff: number, threshold?: number) =>
      (
        await issueCoupons(database.db, await make(name, stackable, amountOff, threshold), owners, {
          source: 'manual',
        })
      ).codes.map((c) => c.code);
    const shop = await issue('店铺券 满200减20', true, 2000, 20000);
    const platform = await issue('平台券 减10', true, 1000);
    const solo = await issue('新人专享 减50', false, 5000);
    const orders = [
      // 170 paid + 20 + 10 off = 200 before discounts: the shop's ¥200 threshold holds only with both.
      `S1,C1,2024-06-20 10:00:00,170.00,paid,天猫,"${shop[0]}, ${platform[0]!.toLowerCase()}"`,
      // The coupon that does not stack comes first: it redeems, the one after it cannot join.
      `S2,C2,2024-06-20 10:00:00,300.00,paid,天猫,${solo[1]}；${platform[1]}`,
      // A stackable one first: the one that does not stack is refused.
      `S3,C3,2024-06-20 10:00:00,250.00,paid,天猫,${shop[2]}|${solo[2]}`,
    ];
    const results = async (order: string) =>
      Object.fromEntries(
        (
          await database.db
            .selectFrom('coupon_redemptions')
            .select(['code', 'result'])
            .where('workspace_id', '=', ws.id)
            .where('order_id', '=', order)
            .execute()
        ).map((r) => [r.code, r.result]),
      );
    const expected = {
      S1: { [shop[0]!]: 'redeemed', [platform[0]!]: 'redeemed' },
      S2: { [solo[1]!]: 'redeemed', [platform[1]!]: 'not_stackable' },
      S3: { [shop[2]!]: 'redeemed', [solo[2]!]: 'not_stackable' },
    };
    expect((await load(orders)).rejected).toBe(0);
    for (const [order, codes] of Object.entries(expected)) expect(await results(order)).toEqual(codes);
    await load(orders);
    for (const [order, codes] of Object.entries(expected)) expect(await results(order)).toEqual(codes);
    expect((await attempt(platform[1]!)).redeemed_at).toBeNull();

    const report = await couponReport(database.db, ws.id);
    expect(report.find((r) => r.template === '平台券 减10')).toMatchObject({
      issued: 3,
      redeemed: 1,
      discount_cost: 1000,
      revenue: 17000,
    });
    expect(report.find((r) => r.template === '店铺券 满200减20')).toMatchObject({
      redeemed: 2,
      discount_cost: 4000,
      revenue: 17000 + 25000,
    });
  });
});
