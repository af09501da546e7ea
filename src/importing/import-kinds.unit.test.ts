import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../shared/errors.ts';
import { resolveColumns } from './import-kinds.ts';

const ONLINE_RETAIL = [
  'InvoiceNo',
  'StockCode',
  'Description',
  'Quantity',
  'InvoiceDate',
  'UnitPrice',
  'CustomerID',
  'Country',
];
const CHINESE_ORDERS = ['订单号', '手机号', '下单时间', '实付金额', '订单状态', '门店'];

describe('resolveColumns: matching headers', () => {
  it('maps the Online Retail headers as order lines', () => {
    expect(resolveColumns('order-lines', ONLINE_RETAIL)).toEqual(
      new Map([
        ['order_id', 0],
        ['sku', 1],
        ['product_name', 2],
        ['quantity', 3],
        ['ordered_at', 4],
        ['unit_price', 5],
        ['customer_id', 6],
      ]),
    );
  });

  it('maps common Chinese order headers', () => {
    expect(resolveColumns('orders', CHINESE_ORDERS)).toEqual(
      new Map([
        ['order_id', 0],
        ['phone', 1],
        ['ordered_at', 2],
        ['amount', 3],
        ['status', 4],
        ['store', 5],
      ]),
    );
  });

  it('ignores case, spaces, _ , - and # in headers', () => {
    const map = resolveColumns('orders', ['Invoice #', 'Customer ID', 'order-date', ' AMOUNT ']);
    expect(map.get('order_id')).toBe(0);
    expect(map.get('customer_id')).toBe(1);
    expect(map.get('ordered_at')).toBe(2);
    expect(map.get('amount')).toBe(3);
  });

  it('prefers 下单时间 over 付款时间 for ordered_at, whatever their order', () => {
    expect(resolveColumns('orders', ['订单号', '付款时间', '下单时间', '实付金额']).get('ordered_at')).toBe(
      2,
    );
    expect(resolveColumns('orders', ['订单号', '下单时间', '付款时间', '实付金额']).get('ordered_at')).toBe(
      1,
    );
  });

  it('does not map columns the kind does not read', () => {
    const map = resolveColumns('orders', [...CHINESE_ORDERS, '备注', '收货地址']);
    expect(map.size).toBe(6);
  });
});

describe('resolveColumns: --map overrides', () => {
  it('uses the mapped column instead of the matched one', () => {
    const headers = ['订单号', '下单时间', '应付金额', '实付金额'];
    expect(resolveColumns('orders', headers).get('amount')).toBe(3);
    expect(resolveColumns('orders', headers, { amount: '应付金额' }).get('amount')).toBe(2);
  });

  it('maps a column whose header no alias knows', () => {
    const map = resolveColumns('orders', ['单据', '下单时间', '实付金额'], { order_id: '单据' });
    expect(map.get('order_id')).toBe(0);
  });

  it('does not also give a mapped column to another field', () => {
    // 付款时间 is claimed for ordered_at, so nothing else may read it.
    const map = resolveColumns('orders', ['订单号', '下单时间', '付款时间', '实付金额'], {
      ordered_at: '付款时间',
    });
    expect(map.get('ordered_at')).toBe(2);
    expect([...map.values()].filter((i) => i === 2)).toHaveLength(1);
  });
});

describe('resolveColumns: errors', () => {
  it('rejects an unknown field in --map, naming it', () => {
    const call = () => resolveColumns('orders', CHINESE_ORDERS, { price_paid: '实付金额' });
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/price_paid/);
  });

  it('rejects a --map column the file does not have, naming it', () => {
    const call = () => resolveColumns('orders', CHINESE_ORDERS, { amount: '应付金额' });
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/no column "应付金额"/);
  });

  it('rejects a file missing a required column, naming the field', () => {
    const call = () => resolveColumns('orders', ['订单号', '手机号', '下单时间', '订单状态']);
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/\bamount\b/);
  });

  it('names every missing required field', () => {
    const call = () => resolveColumns('order-lines', ['InvoiceNo', 'InvoiceDate', 'CustomerID']);
    expect(call).toThrow(/quantity.*unit_price/);
  });

  it('rejects a customers file with no identity column', () => {
    const call = () => resolveColumns('customers', ['姓名', '性别', '城市']);
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/identity/);
  });

  it('accepts a customers file with any one identity column', () => {
    expect(resolveColumns('customers', ['姓名', '邮箱']).get('email')).toBe(1);
    expect(resolveColumns('customers', ['会员卡号', '姓名']).get('member_card')).toBe(0);
  });
});
