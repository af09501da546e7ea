/**
 * The valid orders' product lines as typed arrays, for counting associations and scoring
 * recommendations in-process: on a store that can COPY they come as PostgreSQL's binary COPY (no
 * row object per line), else as rows of an ordinary query (a bare Kysely, as some tests hold).
 */
import { type Kysely, sql } from 'kysely';
import { copyBinaryRowsStart } from '../db/copy-binary.ts';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

/** A product as the associations know it: its SKU, else its name on lines without one. */
export const ITEM = (l: string) => sql.raw(`coalesce(${l}.sku, ${l}.product_name)`);

/** Which lines to read: up to a local date, of some customers, with the order columns or not. */
export interface ItemLineQuery {
  workspaceId: number;
  upTo?: string;
  customerIds?: readonly number[];
  /** With each line's order, time and (without a catalogue name) the line's product name. */
  withOrders: boolean;
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
  /** Per item, the product names on its lines when the catalogue names it not; withOrders only. */
  lineNames: Map<number, Set<string>>;
}

function linesQuery(q: ItemLineQuery, binary: boolean) {
  const order = q.withOrders ? sql`${binary ? sql`o.ctid` : sql`o.order_id`} as order_key,` : sql``;
  const at = q.withOrders
    ? sql`${binary ? sql`o.ordered_at` : sql`(extract(epoch from o.ordered_at) * 1000000)::float8`} as at,`
    : sql``;
  const name = q.withOrders ? sql`, case when p.name is null then l.product_name end as line_name` : sql``;
  const catalogue = q.withOrders
    ? sql`left join products p on p.workspace_id = o.workspace_id and p.sku = ${ITEM('l')}`
    : sql``;
  return sql<Record<string, unknown>>`
    select ${order} ${binary ? sql`o.customer_id` : sql`o.customer_id::float8 as customer_id`}, ${at}
      ${binary ? sql`o.local_date` : sql`(o.local_date - date '2000-01-01')::int as day`}, ${ITEM('l')} as item ${name}
    from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
    ${catalogue}
    where o.workspace_id = ${q.workspaceId} and ${VALID_ORDER} and ${ITEM('l')} is not null
      ${q.upTo ? sql`and o.local_date <= ${q.upTo}::date` : sql``}
      ${q.customerIds ? sql`and o.customer_id = any(${q.customerIds}::bigint[])` : sql``}
      ${q.withOrders ? sql`` : sql`and o.customer_id is not null`}`;
}

/** Where lines are read from: a bare Kysely, or a store or session that can COPY. */
export type LineSource =
  | Kysely<Schema>
  | { db: Kysely<Schema>; copyOutBinary(query: string): Promise<Uint8Array> };

/** Reads the lines; an empty read when `customerIds` is empty. */
export async function readItemLines(store: LineSource, q: ItemLineQuery): Promise<ItemLines> {
  if (!Number.isInteger(q.workspaceId)) throw new Error(`workspace id ${q.workspaceId} is not an integer`);
  if (q.upTo !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(q.upTo))
    throw new Error(`${q.upTo} is not a YYYY-MM-DD date`);
  if (q.customerIds?.some((id) => !Number.isInteger(id))) throw new Error('customer ids must be integers');
  const db = 'copyOutBinary' in store ? store.db : store;
  // COPY takes no parameters; a short list of customers is cheaper read the ordinary way.
  if ('copyOutBinary' in store && !(q.customerIds && q.customerIds.length < 1000)) {
    const compiled = linesQuery(q, true).compile(db);
    return fromBinary(await store.copyOutBinary(inline(compiled.sql, compiled.parameters)), q.withOrders);
  }
  return fromRows(db, q);
}

/** The SQL with $n replaced by its value: integers, YYYY-MM-DD dates or arrays of integers (checked above). */
function inline(text: string, parameters: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_, k: string) => {
    const v = parameters[Number(k) - 1];
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `'${v}'`;
    if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return `'{${v.join(',')}}'`;
    throw new Error(`cannot inline the query parameter ${String(v)}`);
  });
}

function empty(capacity: number, withOrders: boolean): ItemLines {
  const orderSized = withOrders ? capacity : 0;
  return {
    n: 0,
    order: new Float64Array(orderSized),
    customer: new Float64Array(capacity),
    at: new Float64Array(orderSized),
    day: new Int32Array(capacity),
    item: new Int32Array(capacity),
    items: [],
    lineNames: new Map(),
  };
}

/** Item text → index, growing `items`. */
function interner(out: ItemLines): (text: string) => number {
  const index = new Map<string, number>();
  return (text) => {
    let i = index.get(text);
    if (i === undefined) {
      i = out.items.length;
      out.items.push(text);
      index.set(text, i);
    }
    return i;
  };
}

function addName(out: ItemLines, item: number, name: string): void {
  const names = out.lineNames.get(item);
  if (names) names.add(name);
  else out.lineNames.set(item, new Set([name]));
}

async function fromRows(db: Kysely<Schema>, q: ItemLineQuery): Promise<ItemLines> {
  if (q.customerIds?.length === 0) return empty(0, q.withOrders);
  const rows = (await linesQuery(q, false).execute(db)).rows;
  const out = empty(rows.length, q.withOrders);
  const intern = interner(out);
  const orders = new Map<string, number>();
  for (const r of rows) {
    const i = out.n++;
    if (q.withOrders) {
      const key = String(r.order_key);
      out.order[i] = orders.get(key) ?? orders.set(key, orders.size).size - 1;
      out.at[i] = Number(r.at);
    }
    out.customer[i] = r.customer_id === null ? -1 : Number(r.customer_id);
    out.day[i] = Number(r.day);
    out.item[i] = intern(String(r.item));
    if (q.withOrders && r.line_name !== null) addName(out, out.item[i]!, String(r.line_name));
  }
  return out;
}

const TWO_32 = 4_294_967_296;

/**
 * Parses the binary COPY rows. Fields per row: with orders tid, int8 (or null), timestamptz, date,
 * text, text (or null); without, int8, date, text.
 */
function fromBinary(bytes: Uint8Array, withOrders: boolean): ItemLines {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = copyBinaryRowsStart(view);
  // The fewest bytes a row takes (a one-byte item, nulls where they may be): bounds the lines.
  const smallest = withOrders ? 2 + 10 + 4 + 12 + 8 + 5 + 4 : 2 + 12 + 8 + 5;
  const out = empty(Math.max(0, Math.floor((bytes.byteLength - at) / smallest)), withOrders);
  const intern = interner(out);
  const fields = withOrders ? 6 : 3;
  let n = 0;
  for (;;) {
    const count = view.getInt16(at);
    at += 2;
    if (count === -1) break;
    if (count !== fields) throw new Error('unexpected COPY row in the order lines');
    if (withOrders) {
      out.order[n] = view.getUint32(at + 4) * 65_536 + view.getUint16(at + 8);
      at += 10;
    }
    const length = view.getInt32(at);
    if (length < 0) {
      out.customer[n] = -1;
      at += 4;
    } else {
      out.customer[n] = view.getInt32(at + 4) * TWO_32 + view.getUint32(at + 8);
      at += 12;
    }
    if (withOrders) {
      out.at[n] = view.getInt32(at + 4) * TWO_32 + view.getUint32(at + 8);
      at += 12;
    }
    out.day[n] = view.getInt32(at + 4);
    at += 8;
    const itemLength = view.getInt32(at);
    out.item[n] = intern(text.toString('utf8', at + 4, at + 4 + itemLength));
    at += 4 + itemLength;
    if (withOrders) {
      const nameLength = view.getInt32(at);
      at += 4;
      if (nameLength >= 0) {
        addName(out, out.item[n]!, text.toString('utf8', at, at + nameLength));
        at += nameLength;
      }
    }
    n++;
  }
  out.n = n;
  return out;
}
