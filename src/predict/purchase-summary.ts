import { type Kysely, sql } from 'kysely';
import { firstCopyBinaryRow } from '../db/copy-binary.ts';
import { kyselyOf, type StoreOrKysely } from '../db/database.ts';
import { inlineParameters } from '../db/inline-parameters.ts';
import type { Schema } from '../db/schema.ts';

/**
 * A purchase for the customer-base models: a paid or completed order not refunded in full, a ¥0
 * order included (a free gift or points redemption is still a visit; CDNOW's published fits count
 * its eight $0.00 purchases); several on one local day are one purchase. The same rule as
 * PURCHASE_ORDER in src/orders/order-status.ts, by which imports keep each customer's purchase days
 * (test/predict-purchase-days.test.ts holds the two to one answer).
 */
export const PURCHASE = sql<boolean>`(o.status in ('paid', 'completed') and (o.refunded_amount < o.amount or o.amount = 0))`;

/** Per customer with a purchase by `end`: purchase days up to `end` and after it. */
export interface PurchaseSummaries {
  customerId: Float64Array;
  /** Day numbers (days since 1970-01-01) of the first and last purchase up to `end`. */
  firstDay: Int32Array;
  lastDay: Int32Array;
  /** Purchase days up to `end`; the repeat purchases are one fewer. */
  days: Int32Array;
  /** Net amount (minor units) of the purchases after the first day, up to `end`. */
  repeatNet: Float64Array;
  /** Purchase days after `end` up to `holdoutEnd` (null: all after `end`). */
  holdoutDays: Int32Array;
  /** Day number of `end`. */
  endDay: number;
  /** The last purchase date in the workspace (any customer); read only for an open-ended holdout, else null. */
  lastPurchaseDate: string | null;
}

/** Day number (days since 1970-01-01) of a YYYY-MM-DD date. */
export function dayNumber(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / 86_400_000;
}

/** The YYYY-MM-DD date of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Reads every customer's purchase days: from the days kept on the customer (in one pass over the
 * customers, as one value of fixed-width records read straight into typed arrays: no row or object
 * per customer), grouping orders again only for customers who bought after `end`.
 */
export async function readPurchaseSummaries(
  store: StoreOrKysely,
  workspaceId: number,
  end: string,
  holdoutEnd: string | null = end,
): Promise<PurchaseSummaries> {
  const db = kyselyOf(store);
  checkArguments(workspaceId, end, holdoutEnd);
  const query = keptQuery(workspaceId, end);
  // The last purchase anywhere in the workspace: where a holdout runs to when it is open-ended.
  const last =
    holdoutEnd === null
      ? await sql<{ last: string | null }>`
          select max(purchase_last_date)::text as last from customers where workspace_id = ${workspaceId}`.execute(
          db,
        )
      : null;
  const lastPurchaseDate = last?.rows[0]?.last ?? null;
  let packed: Uint8Array | null | undefined;
  if ('copyOutBinary' in store) {
    // COPY takes no parameters: the query is compiled with its values inlined (numbers and dates
    // checked above, nothing else). Binary COPY passes the packed value as it is (no hex text).
    const compiled = query.compile(db);
    const text = inlineParameters(compiled.sql, compiled.parameters);
    packed = firstCopyBinaryRow(await store.copyOutBinary(text))?.[0];
  } else packed = (await query.execute(db)).rows[0]?.packed;
  const out = fromPacked(packed ?? new Uint8Array(0), dayNumber(end), lastPurchaseDate);
  return withLaterPurchases(db, out, workspaceId, end, holdoutEnd);
}

function checkArguments(workspaceId: number, end: string, holdoutEnd: string | null): void {
  if (!Number.isInteger(workspaceId)) throw new Error(`workspace id ${workspaceId} is not an integer`);
  for (const date of [end, holdoutEnd])
    if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new Error(`${date} is not a YYYY-MM-DD date`);
}

/** Marks a customer whose kept purchase days reach past `end` (their summary is read from the orders). */
const LATER = -1;

/**
 * Every customer with a purchase by `end`, from the purchase days kept on the customer
 * (customers.purchase_*, refreshed at every import): one row per customer, not their orders. A
 * customer who also bought after `end` (an as-of date in the past, or a holdout) comes marked
 * with holdout_days = LATER, to be read from the orders.
 */
function keptQuery(workspaceId: number, end: string) {
  // One value of fixed-width records, not a row per customer: PGlite spends some 2 µs of CPU on
  // each row it sends (against 0.3 µs a record packed, at 100,000 customers).
  return sql<{ packed: Uint8Array | null }>`
    select string_agg(int8send(id::int8) || int4send(purchase_first_date - date '1970-01-01')
      || int4send(purchase_last_date - date '1970-01-01') || int4send(purchase_days)
      || float8send((purchase_net - purchase_first_net)::float8)
      || int4send(case when purchase_last_date > ${end}::date then ${LATER} else 0 end), ''::bytea) as packed
    from customers
    where workspace_id = ${workspaceId} and purchase_first_date <= ${end}::date`;
}

/**
 * Replaces the marked customers' summaries with their purchase days up to `end` and after it,
 * grouped from their orders (none marked, as in a refresh dated today: no query).
 */
async function withLaterPurchases(
  db: Kysely<Schema>,
  s: PurchaseSummaries,
  workspaceId: number,
  end: string,
  holdoutEnd: string | null,
): Promise<PurchaseSummaries> {
  const at = new Map<number, number>();
  for (let i = 0; i < s.holdoutDays.length; i++) if (s.holdoutDays[i] === LATER) at.set(s.customerId[i]!, i);
  if (at.size === 0) return s;
  const rows = await sql<{
    customer_id: number;
    first_day: number;
    last_day: number;
    days: number;
    repeat_net: number;
    holdout_days: number;
  }>`
    with later as materialized (
      select id from customers
      where workspace_id = ${workspaceId} and purchase_first_date <= ${end}::date and purchase_last_date > ${end}::date
    ), d as (
      select o.customer_id, o.local_date, sum(o.amount - o.refunded_amount) as net
      from later l join orders o on o.workspace_id = ${workspaceId} and o.customer_id = l.id
      where ${PURCHASE} and (${holdoutEnd}::date is null or o.local_date <= ${holdoutEnd}::date)
      group by o.customer_id, o.local_date
    ), c as (
      select customer_id, min(local_date) as first from d where local_date <= ${end}::date group by customer_id
    )
    select c.customer_id::int8 as customer_id,
      (c.first - date '1970-01-01')::int as first_day,
      (max(d.local_date) filter (where d.local_date <= ${end}::date) - date '1970-01-01')::int as last_day,
      (count(*) filter (where d.local_date <= ${end}::date))::int as days,
      coalesce(sum(d.net) filter (where d.local_date > c.first and d.local_date <= ${end}::date), 0)::float8 as repeat_net,
      (count(*) filter (where d.local_date > ${end}::date))::int as holdout_days
    from c join d on d.customer_id = c.customer_id
    group by c.customer_id, c.first`.execute(db);
  for (const r of rows.rows) {
    const i = at.get(Number(r.customer_id));
    if (i === undefined) continue; // marked by an import since the first read: its kept days stand
    s.firstDay[i] = r.first_day;
    s.lastDay[i] = r.last_day;
    s.days[i] = r.days;
    s.repeatNet[i] = Number(r.repeat_net);
    s.holdoutDays[i] = r.holdout_days;
  }
  return withoutMarked(s);
}

/** The summaries without customers still marked (kept days that their orders no longer bear out). */
function withoutMarked(s: PurchaseSummaries): PurchaseSummaries {
  const n = s.holdoutDays.filter((d) => d !== LATER).length;
  if (n === s.holdoutDays.length) return s;
  const out = emptySummaries(n, s.endDay, s.lastPurchaseDate);
  let k = 0;
  for (let i = 0; i < s.holdoutDays.length; i++) {
    if (s.holdoutDays[i] === LATER) continue;
    out.customerId[k] = s.customerId[i]!;
    out.firstDay[k] = s.firstDay[i]!;
    out.lastDay[k] = s.lastDay[i]!;
    out.days[k] = s.days[i]!;
    out.repeatNet[k] = s.repeatNet[i]!;
    out.holdoutDays[k] = s.holdoutDays[i]!;
    k++;
  }
  return out;
}

/** Summaries of `n` customers, all zero, ending on `endDay`. */
export function emptySummaries(
  n: number,
  endDay: number,
  lastPurchaseDate: string | null,
): PurchaseSummaries {
  return {
    customerId: new Float64Array(n),
    firstDay: new Int32Array(n),
    lastDay: new Int32Array(n),
    days: new Int32Array(n),
    repeatNet: new Float64Array(n),
    holdoutDays: new Int32Array(n),
    endDay,
    lastPurchaseDate,
  };
}

/** Bytes of one packed record: id int8, first and last day int4, days int4, repeat net float8, holdout int4. */
const RECORD = 32;

/** The summaries from the packed records of {@link keptQuery} (big-endian, as PostgreSQL sends them). */
function fromPacked(bytes: Uint8Array, endDay: number, lastPurchaseDate: string | null): PurchaseSummaries {
  if (bytes.byteLength % RECORD !== 0) throw new Error('unexpected length of the packed purchase summaries');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength / RECORD;
  const out = emptySummaries(n, endDay, lastPurchaseDate);
  for (let i = 0, at = 0; i < n; i++, at += RECORD) {
    out.customerId[i] = view.getInt32(at) * 4_294_967_296 + view.getUint32(at + 4);
    out.firstDay[i] = view.getInt32(at + 8);
    out.lastDay[i] = view.getInt32(at + 12);
    out.days[i] = view.getInt32(at + 16);
    out.repeatNet[i] = view.getFloat64(at + 20);
    out.holdoutDays[i] = view.getInt32(at + 28);
  }
  return out;
}
