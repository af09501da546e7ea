import { type Kysely, type RawBuilder, sql } from 'kysely';
import { RECENT_ORDER_DATES } from '../customers/customer-aggregates.ts';
import { type Database, kyselyOf } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { type FactsSnapshot, NO_DATE } from './facts-snapshot.ts';
import { currentSnapshot } from './facts-snapshot-store.ts';

/**
 * What segmentation needs of every customer on an as-of date D, in parallel arrays ordered by id.
 * `-1` in `firstDays`/`lastDays` means no valid order up to D.
 */
export interface CustomerFacts {
  ids: Float64Array;
  labels: string[];
  /** Days from the first / last valid order (local date ≤ D) to D. */
  firstDays: Int32Array;
  lastDays: Int32Array;
  /** 1 when at least loyal_min_orders valid orders have days-since < the loyal window (lifecycle's loyal rule). */
  loyalWindowMet: Uint8Array;
  /** R, F, M over the RFM window (all history when there is none); rfmCount 0 = not scored. */
  rfmLastDays: Int32Array;
  rfmCount: Int32Array;
  rfmNet: Float64Array;
}

interface FactRow {
  id: number;
  label: string;
  first_days: number | null;
  last_days: number | null;
  /** Counted in SQL on the orders path; null on the aggregates path, counted from `recent`. */
  in_loyal: number | null;
  rfm_last_days: number | null;
  rfm_count: number;
  rfm_net: string | number;
  /** The kept recent valid order dates as Postgres array text, e.g. `{2025-01-02,2024-12-01}`. */
  recent: string | null;
}

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date. */
export function dayNumber(date: string): number {
  return Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / 86_400_000;
}

/**
 * How many of the kept recent dates (newest first) lie after `cutoff` (as-of − window), compared
 * as `YYYY-MM-DD` strings: no date parsing for a million customers.
 */
function countRecent(recent: string | null, cutoff: string): number {
  if (!recent || recent.length <= 2) return 0;
  let n = 0;
  for (let at = 1; at < recent.length && recent.slice(at, at + 10) > cutoff; at += 11) n++;
  return n;
}

interface Loyal {
  /** The day before the loyal window starts, YYYY-MM-DD. */
  cutoff: string;
  minOrders: number;
}

function emptyFacts(n: number): CustomerFacts {
  return {
    ids: new Float64Array(n),
    labels: new Array<string>(n),
    firstDays: new Int32Array(n),
    lastDays: new Int32Array(n),
    loyalWindowMet: new Uint8Array(n),
    rfmLastDays: new Int32Array(n),
    rfmCount: new Int32Array(n),
    rfmNet: new Float64Array(n),
  };
}

function toFacts(rows: FactRow[], loyal: Loyal): CustomerFacts {
  const facts = emptyFacts(rows.length);
  rows.forEach((r, i) => {
    facts.ids[i] = r.id;
    facts.labels[i] = r.label;
    facts.firstDays[i] = r.first_days ?? -1;
    facts.lastDays[i] = r.last_days ?? -1;
    facts.loyalWindowMet[i] = +((r.in_loyal ?? countRecent(r.recent, loyal.cutoff)) >= loyal.minOrders);
    facts.rfmLastDays[i] = r.rfm_last_days ?? -1;
    facts.rfmCount[i] = r.rfm_count;
    facts.rfmNet[i] = Number(r.rfm_net);
  });
  return facts;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' };

/** Parses COPY text rows of the facts query (columns in FactRow order) straight into arrays. */
function factsFromCopy(text: string, loyal: Loyal): CustomerFacts {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const facts = emptyFacts(lines.length);
  const days = (v: string) => (v === '\\N' ? -1 : Number(v));
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i]!.split('\t');
    const label = f[1]!;
    facts.ids[i] = Number(f[0]);
    facts.labels[i] = label.includes('\\')
      ? label.replace(/\\(.)/g, (_m, c: string) => COPY_ESCAPES[c] ?? c)
      : label;
    facts.firstDays[i] = days(f[2]!);
    facts.lastDays[i] = days(f[3]!);
    const inLoyal = f[4] === '\\N' ? countRecent(f[8]!, loyal.cutoff) : Number(f[4]);
    facts.loyalWindowMet[i] = +(inLoyal >= loyal.minOrders);
    facts.rfmLastDays[i] = days(f[5]!);
    facts.rfmCount[i] = Number(f[6]);
    facts.rfmNet[i] = Number(f[7]);
  }
  return facts;
}

/** The facts of a snapshot on day number `asOfDay`: plain arithmetic on its columns. */
export function factsFromSnapshot(s: FactsSnapshot, asOfDay: number, loyalWindowDays: number): CustomerFacts {
  const n = s.ids.length;
  const facts = emptyFacts(n);
  facts.ids = s.ids;
  facts.labels = s.labels;
  facts.rfmCount = s.orderCount;
  facts.rfmNet = s.netTotal;
  const cutoff = asOfDay - loyalWindowDays;
  for (let i = 0; i < n; i++) {
    const first = s.firstDate[i]!;
    const last = s.lastDate[i]!;
    facts.firstDays[i] = first === NO_DATE ? -1 : asOfDay - first;
    facts.lastDays[i] = last === NO_DATE ? -1 : asOfDay - last;
    facts.rfmLastDays[i] = facts.lastDays[i]!;
    const loyal = s.loyalDate[i]!;
    facts.loyalWindowMet[i] = +(s.loyalMinOrders <= 0 || (loyal !== NO_DATE && loyal > cutoff));
  }
  return facts;
}

/** The local date of the workspace's latest valid order, from the aggregates; undefined if none. */
export async function latestOrderDate(db: Kysely<Schema>, workspaceId: number): Promise<string | undefined> {
  const latest = await sql<{ last: string | null }>`
    select max(last_order_date)::text as last from customers where workspace_id = ${workspaceId}`.execute(db);
  return latest.rows[0]?.last ?? undefined;
}

/**
 * Loads the facts for as-of date `asOf`. When no valid order lies after `asOf`, there is no RFM
 * window and the loyal rule needs no more than the kept recent dates, the per-customer aggregates
 * answer without reading orders; otherwise valid orders up to `asOf` are aggregated.
 */
export async function loadCustomerFacts(
  source: Kysely<Schema> | Database,
  workspaceId: number,
  options: { asOf: string; windowDays?: number; loyalWindowDays: number; loyalMinOrders: number },
): Promise<CustomerFacts> {
  const { asOf, windowDays, loyalWindowDays, loyalMinOrders } = options;
  const db = kyselyOf(source);
  // Values are inlined as literals (COPY takes no parameters), so check them strictly first.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`invalid as-of date ${asOf}`);
  for (const n of [workspaceId, windowDays ?? 0, loyalWindowDays]) {
    if (!Number.isSafeInteger(n)) throw new Error(`invalid number ${n}`);
  }
  const D = sql`${sql.lit(asOf)}::date`;
  const loyal: Loyal = {
    cutoff: new Date((dayNumber(asOf) - loyalWindowDays) * 86_400_000).toISOString().slice(0, 10),
    minOrders: loyalMinOrders,
  };
  const aggregatesSuffice = windowDays === undefined && loyalMinOrders <= RECENT_ORDER_DATES;
  if ('copyOut' in source && aggregatesSuffice) {
    // The whole store: score from the columnar snapshot of the aggregates (rebuilt when stale).
    const snapshot = await currentSnapshot(source, workspaceId, loyalMinOrders);
    let latest = NO_DATE;
    for (let i = 0; i < snapshot.lastDate.length; i++) latest = Math.max(latest, snapshot.lastDate[i]!);
    if (latest <= dayNumber(asOf)) return factsFromSnapshot(snapshot, dayNumber(asOf), loyalWindowDays);
  }
  const read = async (query: RawBuilder<FactRow>): Promise<CustomerFacts> => {
    if (!('copyOut' in source)) return toFacts((await query.execute(db)).rows, loyal);
    const compiled = query.compile(db);
    if (compiled.parameters.length > 0) throw new Error('facts query must not have parameters');
    return factsFromCopy(await source.copyOut(compiled.sql), loyal);
  };
  const last = await latestOrderDate(db, workspaceId);
  const fromAggregates = aggregatesSuffice && (last === undefined || last <= asOf);
  const label = sql`coalesce(c.external_id, c.id::text)`;
  if (fromAggregates) {
    return read(sql<FactRow>`
      select c.id, ${label} as label,
        ${D} - c.first_order_date as first_days, ${D} - c.last_order_date as last_days,
        null::int as in_loyal,
        ${D} - c.last_order_date as rfm_last_days, c.order_count as rfm_count, c.net_total as rfm_net,
        c.recent_order_dates::text as recent
      from customers c where c.workspace_id = ${sql.lit(workspaceId)} order by c.id`);
  }
  const inRfm = windowDays === undefined ? sql`true` : sql`o.local_date > ${D} - ${sql.lit(windowDays)}::int`;
  return read(sql<FactRow>`
    select c.id, ${label} as label,
      ${D} - min(o.local_date) as first_days, ${D} - max(o.local_date) as last_days,
      (count(o.order_id) filter (where ${D} - o.local_date < ${sql.lit(loyalWindowDays)}))::int as in_loyal,
      ${D} - max(o.local_date) filter (where ${inRfm}) as rfm_last_days,
      (count(o.order_id) filter (where ${inRfm}))::int as rfm_count,
      coalesce(sum(o.amount - o.refunded_amount) filter (where ${inRfm}), 0) as rfm_net,
      null::text as recent
    from customers c
    left join orders o on o.workspace_id = c.workspace_id and o.customer_id = c.id
      and ${VALID_ORDER} and o.local_date <= ${D}
    where c.workspace_id = ${sql.lit(workspaceId)}
    group by c.workspace_id, c.id order by c.id`);
}
