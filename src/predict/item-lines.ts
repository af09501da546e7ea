/**
 * The valid orders' product lines as typed arrays, for counting associations and scoring
 * recommendations in-process: on a store that can COPY they come as PostgreSQL's binary COPY (no
 * row object per line), else as rows of an ordinary query (a bare Kysely, as some tests hold).
 */
import { type Kysely, sql } from 'kysely';
import { copyBinaryRowsStart } from '../db/copy-binary.ts';
import type { Database, Session } from '../db/database.ts';
import { inlineParameters } from '../db/inline-parameters.ts';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { ByteInterner } from './item-interner.ts';
import { emptyLines, ITEM, type ItemLineQuery, type ItemLines } from './item-lines-query.ts';
import { readLinesBySplitScans } from './item-lines-split.ts';

export { ITEM, type ItemLineQuery, type ItemLines } from './item-lines-query.ts';

function linesQuery(q: ItemLineQuery, binary: boolean) {
  const order = q.withOrders ? sql`${binary ? sql`o.ctid` : sql`o.order_id`} as order_key,` : sql``;
  const at = q.withOrders
    ? sql`${binary ? sql`o.ordered_at` : sql`(extract(epoch from o.ordered_at) * 1000000)::float8`} as at,`
    : sql``;
  return sql<Record<string, unknown>>`
    select ${order} ${binary ? sql`o.customer_id` : sql`o.customer_id::float8 as customer_id`}, ${at}
      ${binary ? sql`o.local_date` : sql`(o.local_date - date '2000-01-01')::int as day`}, ${ITEM('l')} as item
    from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
    where o.workspace_id = ${q.workspaceId} and ${VALID_ORDER} and ${ITEM('l')} is not null
      ${q.upTo ? sql`and o.local_date <= ${q.upTo}::date` : sql``}
      ${q.customerIds ? sql`and o.customer_id = any(${q.customerIds}::bigint[])` : sql``}
      ${q.withOrders ? sql`` : sql`and o.customer_id is not null`}`;
}

/** Where lines are read from: a bare Kysely, or a store or session that can COPY. */
export type LineSource = Kysely<Schema> | Pick<Session, 'db' | 'copyOutBinary'> | Database;

/**
 * Lets the join of orders with their lines hash in memory for the rest of the transaction: with
 * the default 4 MB a million orders' hash spills to disk in 16 batches (the embedded store's read
 * took a quarter more CPU).
 */
export async function hashMemory(db: Kysely<Schema>): Promise<void> {
  await sql`set local work_mem = '256MB'`.execute(db);
}

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
    const text = inlineParameters(compiled.sql, compiled.parameters);
    // Everyone's lines on the embedded store: two scans joined here (see item-lines-split.ts),
    // with nothing else able to run between them on its one session.
    const split = !q.customerIds && ('kind' in store ? store.kind === 'pglite' : q.embedded === true);
    const read = async (copyOutBinary: (query: string) => Promise<Uint8Array>) =>
      (split ? await readLinesBySplitScans(db, copyOutBinary, q) : null) ??
      fromBinary(await copyOutBinary(text), q.withOrders);
    if (!('withSession' in store)) return read((query) => store.copyOutBinary(query));
    return store.withSession(async (session) => {
      await sql`begin`.execute(session.db);
      try {
        await hashMemory(session.db);
        return await read((query) => session.copyOutBinary(query));
      } finally {
        await sql`commit`.execute(session.db);
      }
    });
  }
  return fromRows(db, q);
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

async function fromRows(db: Kysely<Schema>, q: ItemLineQuery): Promise<ItemLines> {
  if (q.customerIds?.length === 0) return emptyLines(0, q.withOrders);
  const rows = (await linesQuery(q, false).execute(db)).rows;
  const out = emptyLines(rows.length, q.withOrders);
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
  }
  return out;
}

const TWO_32 = 4_294_967_296;

/**
 * Parses the binary COPY rows. Fields per row: with orders tid, int8 (or null), timestamptz, date,
 * text; without, int8, date, text.
 */
function fromBinary(bytes: Uint8Array, withOrders: boolean): ItemLines {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = copyBinaryRowsStart(view);
  // The fewest bytes a row takes (a one-byte item, a null customer): bounds the lines.
  const smallest = withOrders ? 2 + 10 + 4 + 12 + 8 + 5 : 2 + 12 + 8 + 5;
  const out = emptyLines(Math.max(0, Math.floor((bytes.byteLength - at) / smallest)), withOrders);
  const items = new ByteInterner();
  const fields = withOrders ? 5 : 3;
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
    out.item[n] = items.intern(bytes, at + 4, at + 4 + itemLength);
    at += 4 + itemLength;
    n++;
  }
  out.n = n;
  out.items = items.items;
  return out;
}

/**
 * The lines of orders on or before a local day (days since 2000-01-01), items renumbered to those
 * left: the same lines when none is later.
 */
export function linesUpTo(lines: ItemLines, day: number): ItemLines {
  let kept = 0;
  for (let i = 0; i < lines.n; i++) if (lines.day[i]! <= day) kept++;
  if (kept === lines.n) return lines;
  const out = emptyLines(kept, lines.order.length > 0);
  const renumbered = new Int32Array(lines.items.length).fill(-1);
  for (let i = 0; i < lines.n; i++) {
    if (lines.day[i]! > day) continue;
    const k = out.n++;
    if (out.order.length) {
      out.order[k] = lines.order[i]!;
      out.at[k] = lines.at[i]!;
    }
    out.customer[k] = lines.customer[i]!;
    out.day[k] = lines.day[i]!;
    const item = lines.item[i]!;
    if (renumbered[item]! < 0) {
      renumbered[item] = out.items.length;
      out.items.push(lines.items[item]!);
    }
    out.item[k] = renumbered[item]!;
  }
  return out;
}

/**
 * Per item, the greatest (in the database's collation) product name on its lines in valid orders
 * up to the as-of date; items without a named line are left out.
 */
export async function greatestLineNames(
  db: Kysely<Schema>,
  ws: number,
  asOf: string,
  items: readonly string[],
): Promise<Map<string, string>> {
  const found = await sql<{ item: string; name: string }>`
    select u.item, max(l.product_name) as name
    from unnest(${items}::text[]) as u(item)
    join order_lines l on l.workspace_id = ${ws} and ${ITEM('l')} = u.item
    join orders o on o.workspace_id = l.workspace_id and o.order_id = l.order_id
    where ${VALID_ORDER} and o.local_date <= ${asOf}::date and l.product_name is not null
    group by u.item`.execute(db);
  return new Map(found.rows.map((r) => [r.item, r.name]));
}
