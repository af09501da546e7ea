import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDataDir } from './stores.ts';

const BIN = new URL('../bin/retain.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'retain-cli-coupons-'));
await seedDataDir(join(dir, 'data'));

function retain(args: string[]) {
  const result = spawnSync(process.execPath, [BIN, '-w', 'shop', ...args], {
    encoding: 'utf8',
    env: { ...process.env, RETAIN_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

const oneLine = (r: { code: number | null; stderr: string }, pattern: RegExp) => {
  expect(r.code).not.toBe(0);
  expect(r.stderr.split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
};

describe('retain coupons', () => {
  it('creates a 满减 template in yuan, issues by phone, redeems on import and reports in fen', () => {
    const seed = join(dir, 'seed.csv');
    writeFileSync(
      seed,
      'order_id,phone,ordered_at,amount,status\nS1,13800138000,2024-05-01 10:00:00,10.00,paid\n',
    );
    expect(retain(['import', 'orders', seed]).code).toBe(0);
    const made = retain([
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
    const templates = JSON.parse(retain(['coupons', 'templates', '--json']).stdout);
    expect(templates[0]).toMatchObject({ name: '满150减30', amount_off: 3000, threshold: 15000 });
    const issued = JSON.parse(
      retain(['coupons', 'issue', '满150减30', '--customer', '138 0013 8000', '--json']).stdout,
    );
    expect(issued.issued).toBe(1);
    const code: string = issued.codes[0].code;
    const orders = join(dir, 'orders.csv');
    writeFileSync(
      orders,
      `订单号,手机号,下单时间,实付金额,订单状态,优惠券码\nO1,13800138000,2024-05-02 10:00:00,¥120.00,交易成功,${code}\n`,
    );
    expect(retain(['import', 'orders', orders]).code).toBe(0);
    const shown = JSON.parse(retain(['coupons', 'show', code.toLowerCase(), '--json']).stdout);
    expect(shown).toMatchObject({ redeemed_order_id: 'O1', discount: 3000 });
    const report = retain(['coupons', 'report', '--format', 'csv']).stdout.trim().split('\n');
    expect(report[0]).toBe(
      'template,source,source_ref,issued,redeemed,redemption_rate,discount_cost,revenue,roi',
    );
    expect(report[1]).toMatch(/^满150减30,manual,cli:[^,]*,1,1,1,3000,12000,4$/);
  });

  it('answers bad input with one readable line and changes nothing', () => {
    oneLine(retain(['coupons', 'create-template', 'x', '--kind', 'amount_off']), /amount_off/);
    oneLine(
      retain(['coupons', 'create-template', 'x', '--kind', 'amount_off', '--amount-off', 'abc']),
      /--amount-off abc/,
    );
    oneLine(retain(['coupons', 'issue', 'nope', '--customer', '13800138000']), /no coupon template "nope"/);
    oneLine(retain(['coupons', 'show', 'AAAAA-BBBBB']), /no coupon AAAAA-BBBBB/);
    expect(JSON.parse(retain(['coupons', 'templates', '--json']).stdout)).toHaveLength(1);
  });
});
