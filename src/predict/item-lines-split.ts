/**
 * Everyone's order lines read as two plain scans — the orders, then the lines — and joined here,
 * instead of the database joining them. The embedded store spent most of the read hashing and
 * probing order ids (text): at 100,000 customers the two scans alone cost 2.2 CPU s against 3.8
 * for the joined read, and at a million the joined read took 12 times as long for 10 times the
 * lines (48 CPU s; probably its hash of ten million orders spilling to disk, not verified).
 *
 * Each side carries a 64-bit hash of the order id (`hashtextextended`). Every order of the
 * workspace is read — not only the valid ones — so a line finds its own order whenever that order
 * exists; when two orders' ids share a hash the read gives up (null) and the caller joins in SQL.
 * A line whose order does not exist at all (imports never leave one; an import killed while
 * writing lines ahead of their orders may, until the next import clears them) is dropped, as the
 * join drops it, unless its id's hash equals another order's: odds of about n ÷ 2⁶⁴ for n orders.
 */
import { type Kysely, sql } from 'kysely';
import { copyBinaryRowsStart } from '../db/copy-binary.ts';
import { inlineParameters } from '../db/inline-parameters.ts';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/index.ts';
import { ByteInterner } from './item-interner.ts';
import { emptyLines, ITEM, type ItemLineQuery, type ItemLines } from './item-lines-query.ts';

const TWO_32 = 4_294_967_296;

/**
 * Every order of the read, by number, and an open-addressing table from id hash to number. Laid
 * out for few cache misses per line: a slot holds the hash's low half and the number; an order's
 * record holds both halves, its local date and whether it counts (`record`), and its customer and
 * time (`times`).
 */
interface OrderTable {
  /** Slot s: `slots[2s]` the low half, `slots[2s + 1]` the order number + 1 (0: empty). */
  slots: Int32Array;
  /** Order k: high half, low half, local date, 1 when it counts (valid, in range, with a customer when needed). */
  record: Int32Array;
  /** Order k: customer id (or -1), then time in microseconds. */
  times: Float64Array;
  /** Orders read. */
  count: number;
}

function ordersQuery(q: ItemLineQuery) {
  const counts = sql`${VALID_ORDER} ${q.upTo ? sql`and o.local_date <= ${q.upTo}::date` : sql``}
    ${q.withOrders ? sql`` : sql`and o.customer_id is not null`}`;
  return sql`select hashtextextended(o.order_id, 0), o.customer_id, o.ordered_at, o.local_date,
      coalesce(${counts}, false)
    from orders o where o.workspace_id = ${q.workspaceId}`;
}

function linesQuery(q: ItemLineQuery) {
  return sql`select hashtextextended(l.order_id, 0), ${ITEM('l')}
    from order_lines l where l.workspace_id = ${q.workspaceId} and ${ITEM('l')} is not null`;
}

/**
 * Reads the lines of every customer (no `customerIds`) by the two scans; null when two orders'
 * ids share a hash (then the database must join them).
 */
export async function readLinesBySplitScans(
  db: Kysely<Schema>,
  copyOutBinary: (query: string) => Promise<Uint8Array>,
  q: ItemLineQuery,
): Promise<ItemLines | null> {
  const text = (query: ReturnType<typeof sql>) => {
    const compiled = query.compile(db);
    return inlineParameters(compiled.sql, compiled.parameters);
  };
  const orders = ordersFromBinary(await copyOutBinary(text(ordersQuery(q))));
  if (!orders) return null;
  return linesFromBinary(await copyOutBinary(text(linesQuery(q))), orders, q.withOrders);
}

/**
 * The two scans' binary COPY rows joined: orders (id hash, customer or null, time, local date,
 * whether it counts) and lines (id hash, item); null when two orders' ids share a hash.
 */
export function joinLinesToOrders(
  orderRows: Uint8Array,
  lineRows: Uint8Array,
  withOrders: boolean,
): ItemLines | null {
  const orders = ordersFromBinary(orderRows);
  return orders && linesFromBinary(lineRows, orders, withOrders);
}

/** Parses the orders (hash, customer or null, time, local date, counts) into the table; null on a shared hash. */
function ordersFromBinary(bytes: Uint8Array): OrderTable | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = copyBinaryRowsStart(view);
  // The fewest bytes a row takes: 2 + hash 12 + null customer 4 + time 12 + date 8 + bool 5.
  const capacity = Math.max(1, Math.floor((bytes.byteLength - at) / 43));
  let size = 1;
  while (size < capacity * 1.5) size *= 2;
  const table: OrderTable = {
    slots: new Int32Array(size * 2),
    record: new Int32Array(capacity * 4),
    times: new Float64Array(capacity * 2),
    count: 0,
  };
  const { slots, record, times } = table;
  const mask = size - 1;
  for (let n = 0; ; n++) {
    const fields = view.getInt16(at);
    if (fields === -1) {
      table.count = n;
      break;
    }
    if (fields !== 5) throw new Error('unexpected COPY row in the orders');
    const high = view.getInt32(at + 6);
    const low = view.getInt32(at + 10);
    at += 14;
    for (let s = mix(high, low) & mask; ; s = (s + 1) & mask) {
      const found = slots[2 * s + 1]! - 1;
      if (found < 0) {
        slots[2 * s] = low;
        slots[2 * s + 1] = n + 1;
        break;
      }
      if (slots[2 * s] === low && record[4 * found] === high) return null;
    }
    record[4 * n] = high;
    record[4 * n + 1] = low;
    if (view.getInt32(at) < 0) {
      times[2 * n] = -1;
      at += 4;
    } else {
      times[2 * n] = view.getInt32(at + 4) * TWO_32 + view.getUint32(at + 8);
      at += 12;
    }
    times[2 * n + 1] = view.getInt32(at + 4) * TWO_32 + view.getUint32(at + 8);
    record[4 * n + 2] = view.getInt32(at + 16);
    record[4 * n + 3] = view.getUint8(at + 24);
    at += 25;
  }
  return table;
}

/** A slot number from the hash's two halves (already uniform: any bits will do, mixed to be safe). */
function mix(high: number, low: number): number {
  return Math.imul(low ^ (high >>> 15), 0x2c1b3c6d) ^ high;
}

/** The number of the order whose id has this hash, or -1. */
function findOrder(orders: OrderTable, high: number, low: number): number {
  const { slots, record } = orders;
  const mask = slots.length / 2 - 1;
  for (let s = mix(high, low) & mask; ; s = (s + 1) & mask) {
    const found = slots[2 * s + 1]! - 1;
    if (found < 0) return -1;
    if (slots[2 * s] === low && record[4 * found] === high) return found;
  }
}

/**
 * Parses the lines (hash, item), keeping those of orders that count, with their order's columns.
 * Lines are mostly stored in the order their orders were (an import writes both): the order of
 * the line before, or the next one, is tried before the table.
 */
function linesFromBinary(bytes: Uint8Array, orders: OrderTable, withOrders: boolean): ItemLines {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = copyBinaryRowsStart(view);
  // The fewest bytes a row takes: 2 + hash 12 + a one-byte item 5.
  const out = emptyLines(Math.max(0, Math.floor((bytes.byteLength - at) / 19)), withOrders);
  const items = new ByteInterner();
  const { record, times } = orders;
  const last = orders.count - 1;
  if (last < 0) return out;
  let n = 0;
  let previous = 0;
  for (;;) {
    const fields = view.getInt16(at);
    if (fields === -1) break;
    if (fields !== 2) throw new Error('unexpected COPY row in the order lines');
    const high = view.getInt32(at + 6);
    const low = view.getInt32(at + 10);
    const length = view.getInt32(at + 14);
    const item = at + 18;
    at = item + length;
    let order = previous;
    if (record[4 * order] !== high || record[4 * order + 1] !== low) {
      order = previous < last ? previous + 1 : previous;
      if (record[4 * order] !== high || record[4 * order + 1] !== low) order = findOrder(orders, high, low);
    }
    if (order < 0) continue;
    previous = order;
    if (record[4 * order + 3] === 0) continue;
    if (withOrders) {
      out.order[n] = order;
      out.at[n] = times[2 * order + 1]!;
    }
    out.customer[n] = times[2 * order]!;
    out.day[n] = record[4 * order + 2]!;
    out.item[n] = items.intern(bytes, item, item + length);
    n++;
  }
  out.n = n;
  out.items = items.items;
  return out;
}
