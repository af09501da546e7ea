import { describe, expect, it } from 'vitest';
import { BODY_MUTANTS } from '../../test/fuzz-values.ts';
import { matchColumns } from './import-kinds.ts';
import { detectPlatform } from './platform-detect.ts';

const SHOPIFY = [
  'Name',
  'Email',
  'Financial Status',
  'Total',
  'Created at',
  'Lineitem quantity',
  'Lineitem price',
];

describe('platform detection', () => {
  it('recognises an export by its headers, whatever their case, spacing or trailing unit', () => {
    expect(detectPlatform(SHOPIFY)?.platform).toBe('shopify');
    expect(detectPlatform(SHOPIFY.map((h) => ` ${h.toUpperCase()} `))?.export).toBe('orders');
    expect(detectPlatform(['订单号', '用户实付金额（元）', '拼单成功时间'])?.platform).toBe('pinduoduo');
    expect(detectPlatform(['订单号', '下单时间', '实付金额'])).toBeUndefined();
    expect(detectPlatform([])).toBeUndefined();
  });

  it('picks the export with the most signature headers when several fit', () => {
    // 微盟's members export also has a 客户ID, as its orders export does.
    const members = ['客户ID', '会员卡号', '成为会员时间', '手机号'];
    expect(detectPlatform(members)).toMatchObject({
      platform: 'weimob',
      export: 'members',
      kinds: ['customers'],
    });
  });

  it('never throws on hostile headers (fuzz), and they do not stop a recognised export', () => {
    const hostile = [
      ...BODY_MUTANTS.filter((m) => typeof m.value === 'string').map((m) => m.value as string),
      '__proto__',
      'constructor',
      'toString',
      'x'.repeat(100_000),
    ];
    expect(detectPlatform(hostile)).toBeUndefined();
    expect(detectPlatform([...hostile, ...SHOPIFY])?.platform).toBe('shopify');
    expect(matchColumns('orders', [...hostile, ...SHOPIFY]).get('order_id')).toBe(hostile.length);
  });
});
