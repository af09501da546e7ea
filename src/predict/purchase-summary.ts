import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * A purchase for the customer-base models: a paid or completed order not refunded in full, a ¥0
 * order included (a free gift or points redemption is still a visit; CDNOW's published fits count
 * its eight $0.00 purchases); several on one local day are one purchase.
 */
export const PURCHASE = sql<boolean>`(o.status in ('paid', 'completed') and (o.refunded_amount < o.amount or o.amount = 0))`;

/** Per customer with a purchase by `end`: purchase days up to `end` and after it. */
export interface PurchaseSummaries {
  customerId: number[];
  /** Day numbers (days since 1970-01-01) of the first and last purchase up to `end`. */
  firstDay: number[];
  lastDay: number[];
  /** Purchase days up to `end`; the repeat purchases are one fewer. */
  days: number[];
  /** Net amount (minor units) of the purchases after the first day, up to `end`. */
  repeatNet: number[];
  /** Purchase days after `end` up to `holdoutEnd` (null: all after `end`). */
  holdoutDays: number[];
  /** Day number of `end`. */
  endDay: number;
  /** The last purchase date in the workspace (any customer), or null. */
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
 * Reads every customer's purchase days in one grouped query: the database merges same-day orders
 * and counts, so a million customers come back as a million short rows, not their orders.
 */
export async function readPurchaseSummaries(
  db: Kysely<Schema>,
  workspaceId: number,
  end: string,
  holdoutEnd: string | null = end,
): Promise<PurchaseSummaries> {
  const rows = await sql<{
    customer_id: number;
    first_day: number;
    last_day: number;
    days: number;
    repeat_net: number;
    holdout_days: number;
  }>`
    with d as (
      select o.customer_id, o.local_date, sum(o.amount - o.refunded_amount) as net
      from orders o
      where o.workspace_id = ${workspaceId} and o.customer_id is not null and ${PURCHASE}
        and (${holdoutEnd}::date is null or o.local_date <= ${holdoutEnd}::date)
      group by o.customer_id, o.local_date
    ), c as (
      select customer_id, min(local_date) as first from d where local_date <= ${end}::date group by customer_id
    )
    select c.customer_id,
      (c.first - date '1970-01-01')::int as first_day,
      (max(d.local_date) filter (where d.local_date <= ${end}::date) - date '1970-01-01')::int as last_day,
      (count(*) filter (where d.local_date <= ${end}::date))::int as days,
      coalesce(sum(d.net) filter (where d.local_date > c.first and d.local_date <= ${end}::date), 0)::float8 as repeat_net,
      (count(*) filter (where d.local_date > ${end}::date))::int as holdout_days
    from c join d on d.customer_id = c.customer_id
    group by c.customer_id, c.first
    order by c.customer_id`.execute(db);
  const last = await sql<{ last: string | null }>`
    select max(o.local_date)::text as last from orders o
    where o.workspace_id = ${workspaceId} and o.customer_id is not null and ${PURCHASE}`.execute(db);
  const out: PurchaseSummaries = {
    customerId: [],
    firstDay: [],
    lastDay: [],
    days: [],
    repeatNet: [],
    holdoutDays: [],
    endDay: dayNumber(end),
    lastPurchaseDate: last.rows[0]?.last ?? null,
  };
  for (const r of rows.rows) {
    out.customerId.push(Number(r.customer_id));
    out.firstDay.push(r.first_day);
    out.lastDay.push(r.last_day);
    out.days.push(r.days);
    out.repeatNet.push(Number(r.repeat_net));
    out.holdoutDays.push(r.holdout_days);
  }
  return out;
}
