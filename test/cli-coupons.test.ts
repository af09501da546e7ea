import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliInProcess } from './cli-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'retain-cli-coupons-'));
const cli = await CliInProcess.open();
afterAll(() => cli.close());

/** `retain -w shop ARGS`, run in this process on the file's store (test/cli-in-process.ts). */
const retain = (args: string[]) => cli.run(['-w', 'shop', ...args]);

const oneLine = (r: { code: number | null; stderr: string }, pattern: RegExp) => {
  expect(r.code).not.toBe(0);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
};

describe('retain coupons', () => {
  it('creates a 满减 template in yuan, issues by phone, redeems on import and reports in fen', async () => {
    const seed = join(dir, 'seed.csv');
    writeFileSync(
      seed,
      'order_id,phone,ordered_at,amount,status\nS1,13800138000,2024-05-01 10:00:00,10.00,paid\n',
    );
    expect((await retain(['import', 'orders', seed])).code).toBe(0);
    const made = await retain([
      'coupons',
      'create-template',
      '满150减30',
      '--kind',
      'amount_off',
      '--amount-off',
      '30',
      '--threshold',
      '150',
    ]);
    expect(made.code).toBe(0);
    const templates = JSON.parse((await retain(['coupons', 'templates', '--json'])).stdout);
    expect(templates[0]).toMatchObject({ name: '满150减30', amount_off: 3000, threshold: 15000 });
    const issued = JSON.parse(
      (await retain(['coupons', 'issue', '满150减30', '--customer', '138 0013 8000', '--json'])).stdout,
    );
    expect(issued.issued).toBe(1);
    const code: string = issued.codes[0].code;
    const orders = join(dir, 'orders.csv');
    writeFileSync(
      orders,
      `订单号,手机号,下单时间,实付金额,订单状态,优惠券码\nO1,13800138000,2024-05-02 10:00:00,¥120.00,交易成功,${code}\n`,
    );
    expect((await retain(['import', 'orders', orders])).code).toBe(0);
    const shown = JSON.parse((await retain(['coupons', 'show', code.toLowerCase(), '--json'])).stdout);
    expect(shown).toMatchObject({ redeemed_order_id: 'O1', discount: 3000 });
    const report = (await retain(['coupons', 'report', '--format', 'csv'])).stdout.trim().split('\n');
    expect(report[0]).toBe(
      'template,source,source_ref,issued,redeemed,redemption_rate,discount_cost,revenue,roi',
    );
    expect(report[1]).toMatch(/^满150减30,manual,cli:[^,]*,1,1,1,3000,12000,4$/);
  });

  it('answers bad input with one readable line and changes nothing', async () => {
    oneLine(await retain(['coupons', 'create-template', 'x', '--kind', 'amount_off']), /amount_off/);
    oneLine(
      await retain(['coupons', 'create-template', 'x', '--kind', 'amount_off', '--amount-off', 'abc']),
      /--amount-off abc/,
    );
    oneLine(
      await retain(['coupons', 'issue', 'nope', '--customer', '13800138000']),
      /no coupon template "nope"/,
    );
    oneLine(await retain(['coupons', 'show', 'AAAAA-BBBBB']), /no coupon AAAAA-BBBBB/);
    expect(JSON.parse((await retain(['coupons', 'templates', '--json'])).stdout)).toHaveLength(1);
  });
});
