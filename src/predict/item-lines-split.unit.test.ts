import { describe, expect, it } from 'vitest';
import { CopyBinaryWriter } from '../db/copy-binary-writer.ts';
import { joinLinesToOrders } from './item-lines-split.ts';

/** An order as the orders scan gives it: id hash halves, customer (null for a guest), time, day, counts. */
interface Order {
  high: number;
  low: number;
  customer: number | null;
  at: number;
  day: number;
  counts: boolean;
}

/** The int8 of a hash from its two 32-bit halves, as the writer takes it (below 2⁵³ here). */
const int8 = (high: number, low: number) => high * 4_294_967_296 + (low >>> 0);

function ordersCopy(orders: readonly Order[]): Uint8Array {
  const w = new CopyBinaryWriter();
  for (const o of orders) {
    w.row(5);
    w.int8(int8(o.high, o.low));
    if (o.customer === null) w.null();
    else w.int8(o.customer);
    w.int8(o.at);
    w.int4(o.day);
    w.bool(o.counts);
  }
  return w.bytes();
}

function linesCopy(lines: readonly [high: number, low: number, item: string][]): Uint8Array {
  const w = new CopyBinaryWriter();
  for (const [high, low, item] of lines) {
    w.row(2);
    w.int8(int8(high, low));
    w.text(item);
  }
  return w.bytes();
}

const ORDERS: Order[] = [
  { high: 1, low: 10, customer: 7, at: 1_000, day: 100, counts: true },
  { high: 2, low: 10, customer: 8, at: 2_000, day: 101, counts: true },
  // Cancelled: its lines are read but dropped.
  { high: 3, low: -5, customer: 7, at: 3_000, day: 102, counts: false },
  { high: 0, low: 0, customer: null, at: 4_000, day: 103, counts: true },
];

/** The joined lines as rows a reader can compare: order number, customer, time, day, item text. */
function rows(orderRows: Uint8Array, lineRows: Uint8Array) {
  const lines = joinLinesToOrders(orderRows, lineRows, true)!;
  return Array.from({ length: lines.n }, (_, i) => [
    lines.order[i],
    lines.customer[i],
    lines.at[i],
    lines.day[i],
    lines.items[lines.item[i]!],
  ]);
}

describe('joining order lines to their orders by id hash', () => {
  it('gives each line its own order’s customer, time and day, and drops lines of orders that do not count or do not exist', () => {
    const found = rows(
      ordersCopy(ORDERS),
      linesCopy([
        [2, 10, '茶叶'],
        [1, 10, '茶具'],
        [1, 10, '茶叶'],
        [3, -5, '茶叶'],
        [9, 9, '无主'],
        [0, 0, '赠品'],
        [2, 10, '茶具'],
      ]),
    );
    expect(found).toEqual([
      [1, 8, 2_000, 101, '茶叶'],
      [0, 7, 1_000, 100, '茶具'],
      [0, 7, 1_000, 100, '茶叶'],
      [3, -1, 4_000, 103, '赠品'],
      [1, 8, 2_000, 101, '茶具'],
    ]);
  });

  it('finds the same orders whether the lines follow the orders’ order or not', () => {
    const many: Order[] = Array.from({ length: 5_000 }, (_, k) => ({
      high: k * 7919,
      low: -k,
      customer: k % 300,
      at: k * 1_000,
      day: k % 400,
      counts: k % 13 !== 0,
    }));
    const lines: [number, number, string][] = many.flatMap((o, k) => [
      [o.high, o.low, `SKU${k % 17}`],
      [o.high, o.low, `SKU${k % 5}`],
    ]);
    const shuffled = lines.map((line, k) => ({ line, key: (k * 2654435761) % 4294967296 }));
    shuffled.sort((x, y) => x.key - y.key);
    const inOrder = rows(ordersCopy(many), linesCopy(lines));
    const outOfOrder = rows(ordersCopy(many), linesCopy(shuffled.map((s) => s.line)));
    const byLine = (r: unknown[][]) => r.map((x) => JSON.stringify(x)).sort();
    expect(inOrder.length).toBe(10_000 - 2 * Math.ceil(5_000 / 13));
    expect(byLine(outOfOrder)).toEqual(byLine(inOrder));
    expect(inOrder[0]).toEqual([1, 1, 1_000, 1, 'SKU1']);
  });

  it('gives up (the database joins them instead) when two orders’ ids share a hash', () => {
    const twins = [...ORDERS, { ...ORDERS[0]!, customer: 9 }];
    expect(joinLinesToOrders(ordersCopy(twins), linesCopy([[1, 10, '茶叶']]), true)).toBeNull();
  });

  it('reads no lines when there are no orders', () => {
    const lines = joinLinesToOrders(ordersCopy([]), linesCopy([[0, 0, '茶叶']]), false)!;
    expect(lines.n).toBe(0);
  });
});
