import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { generateDemo } from './demo-data.ts';

type Row = Record<string, string>;

const demo = generateDemo();
const rows = (csv: string) => parse(csv, { columns: true }) as Row[];
const customers = rows(demo.customersCsv);
const lines = rows(demo.orderLinesCsv);
const orders = new Map<string, Row[]>();
for (const line of lines) orders.set(line.订单号!, [...(orders.get(line.订单号!) ?? []), line]);

/** `2026/3/5 9:07` → epoch ms of that wall-clock time read as UTC. */
function parseTime(text: string): number {
  const m = /^(\d{4})\/(\d{1,2})\/(\d{1,2}) (\d{1,2}):(\d{2})$/.exec(text);
  if (!m) throw new Error(`bad time ${text}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
}

describe('generateDemo', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateDemo()).toEqual(demo);
    expect(generateDemo({ seed: 1 }).customersCsv).not.toBe(demo.customersCsv);
    expect(generateDemo({ seed: 1 }).orderLinesCsv).not.toBe(demo.orderLinesCsv);
  });

  it('writes the exact header rows and ends every line with \\n', () => {
    expect(demo.customersCsv.split('\n')[0]).toBe('客户编号,姓名,手机号,性别,生日,城市,标签,会员等级');
    expect(demo.orderLinesCsv.split('\n')[0]).toBe(
      '订单号,客户编号,下单时间,商品编码,商品名称,数量,单价,订单状态,渠道,门店',
    );
    expect(demo.eventsCsv.split('\n')[0]).toBe('客户编号,事件类型,时间,sku');
    for (const csv of Object.values(demo)) expect(csv.endsWith('\n') && !csv.includes('\r')).toBe(true);
  });

  it('writes one row per customer', () => {
    expect(customers).toHaveLength(3000);
    expect(rows(generateDemo({ customers: 50 }).customersCsv)).toHaveLength(50);
    expect(new Set(customers.map((c) => c.客户编号)).size).toBe(3000);
  });

  it('gives every customer a unique valid mobile number', () => {
    const phones = customers.map((c) => c.手机号!.replace(/^\+86/, '').replace(/[\s-]/g, ''));
    expect(phones.filter((p) => !/^1\d{10}$/.test(p))).toEqual([]);
    expect(new Set(phones).size).toBe(phones.length);
    expect(customers.some((c) => c.手机号!.startsWith('+86 '))).toBe(true);
  });

  it('quotes multi-tag fields', () => {
    expect(customers.some((c) => c.标签!.includes(','))).toBe(true);
    expect(demo.customersCsv).toMatch(/,"[^",]+,[^",]+",/);
  });

  it('keeps customer, time, status and channel the same across an order’s lines', () => {
    const shared = (l: Row) => [l.客户编号, l.下单时间, l.订单状态, l.渠道, l.门店].join('|');
    const mixed = [...orders].filter(([, ls]) => ls.length > 3 || new Set(ls.map(shared)).size !== 1);
    expect(mixed.map(([id]) => id)).toEqual([]);
  });

  it('places every order within the two years before endDate, sorted by time', () => {
    const start = Date.UTC(2024, 10, 20);
    const end = Date.UTC(2026, 10, 21);
    const times = lines.map((l) => parseTime(l.下单时间!));
    expect(times.filter((t) => t < start || t >= end)).toEqual([]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('cancels or refunds between 3% and 10% of orders', () => {
    const statuses = [...orders.values()].map((o) => o[0]!.订单状态);
    const failed = statuses.filter((s) => s === '交易关闭' || s === '退款成功').length;
    expect(failed / orders.size).toBeGreaterThanOrEqual(0.03);
    expect(failed / orders.size).toBeLessThanOrEqual(0.1);
  });

  it('averages between 1.8 and 3.5 orders per customer', () => {
    expect(orders.size / customers.length).toBeGreaterThanOrEqual(1.8);
    expect(orders.size / customers.length).toBeLessThanOrEqual(3.5);
  });

  it('has customers reordering a consumable within ±10 days of its cycle', () => {
    const cycles: Record<string, number> = { 'RT-FM1-900': 25, 'RT-DP-M64': 20, 'RT-WP-80X6': 30 };
    const bought = new Map<string, number[]>();
    for (const l of lines) {
      const cycle = cycles[l.商品编码!];
      if (!cycle || !l.客户编号 || l.订单状态 === '交易关闭') continue;
      const key = `${l.客户编号} ${l.商品编码}`;
      bought.set(key, [...(bought.get(key) ?? []), parseTime(l.下单时间!)]);
    }
    let onCycle = 0;
    for (const [key, times] of bought) {
      const cycle = cycles[key.split(' ')[1]!]!;
      for (let i = 1; i < times.length; i++) {
        if (Math.abs((times[i]! - times[i - 1]!) / 86_400_000 - cycle) <= 10) onCycle++;
      }
    }
    expect(onCycle).toBeGreaterThan(50);
  });

  it('has behaviour events from known customers, in time order', () => {
    const events = rows(demo.eventsCsv);
    const ids = new Set(customers.map((c) => c.客户编号));
    expect(events.length).toBeGreaterThan(0);
    expect(
      events.filter((e) => !ids.has(e.客户编号) || !/^(view_product|add_to_cart)$/.test(e.事件类型!)),
    ).toEqual([]);
    const times = events.map((e) => parseTime(e.时间!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});
