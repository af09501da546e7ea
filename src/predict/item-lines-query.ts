/**
 * What a read of order lines asks for and gives back, shared by the joined read (item-lines.ts)
 * and the read by two scans (item-lines-split.ts).
 */
import { sql } from 'kysely';

/** A product as the associations know it: its SKU, else its name on lines without one. */
export const ITEM = (l: string) => sql.raw(`coalesce(${l}.sku, ${l}.product_name)`);

/** Which lines to read: up to a local date, of some customers, with the order columns or not. */
export interface ItemLineQuery {
  workspaceId: number;
  upTo?: string;
  customerIds?: readonly number[];
  /** With each line's order and time. */
  withOrders: boolean;
  /**
   * The store runs one statement at a time on one session (the embedded store), so nothing can
   * change between two reads: told by a caller that passes a session rather than the store.
   */
  embedded?: boolean;
}

/** One column per field of the lines read; `n` lines, items interned as indices into `items`. */
export interface ItemLines {
  n: number;
  /** The order a line belongs to (an opaque number, equal for lines of one order); withOrders only. */
  order: Float64Array;
  /** The customer's id, or -1 for an order without one. */
  customer: Float64Array;
  /** The order's time in microseconds (comparable within one read); withOrders only. */
  at: Float64Array;
  /** The order's local date as days since 2000-01-01. */
  day: Int32Array;
  item: Int32Array;
  items: string[];
}

/**
 * A typed array over shared memory: a worker thread counting or scoring part of the lines reads
 * them where they are, without a copy (line-workers.ts).
 */
export function sharedArray<T extends Float64Array | Int32Array>(
  Type: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new Type(new SharedArrayBuffer(length * Type.BYTES_PER_ELEMENT));
}

/** Lines of `capacity` rows, none filled yet; the order columns only when read with orders. */
export function emptyLines(capacity: number, withOrders: boolean): ItemLines {
  const orderSized = withOrders ? capacity : 0;
  return {
    n: 0,
    order: sharedArray(Float64Array, orderSized),
    customer: sharedArray(Float64Array, capacity),
    at: sharedArray(Float64Array, orderSized),
    day: sharedArray(Int32Array, capacity),
    item: sharedArray(Int32Array, capacity),
    items: [],
  };
}
