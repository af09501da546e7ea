import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

/** Historical CLV (PRODUCT.md §3.5) and the figures it is made of. */
export interface HistoricalClv {
  as_of: string;
  /** Net revenue per valid order of identified customers in the year up to as-of, minor units. */
  aov: number | null;
  orders_per_customer: number | null;
  /** Share of the previous year's buyers who bought again in the year up to as-of. */
  annual_retention: number | null;
  /** 1 / (1 − annual retention), capped at 10 years. */
  expected_lifetime_years: number | null;
  /** AOV × orders per customer per year × expected lifetime, minor units rounded half away from zero. */
  clv: number | null;
}

export const MAX_LIFETIME_YEARS = 10;

/**
 * Historical CLV on an as-of date D: the year is the 365 local days (D − 365, D], the previous
 * year the 365 before it; only identified customers' valid orders count (guests have no lifetime).
 */
export async function historicalClv(
  db: Kysely<Schema>,
  workspaceId: number,
  asOf: string,
): Promise<HistoricalClv> {
  const result = await sql<{
    orders: number;
    revenue: string | number | null;
    buyers: number;
    previous: number;
    retained: number;
  }>`
    with v as (
      select o.customer_id, o.amount - o.refunded_amount as net, case when o.local_date > ${asOf}::date - 365 then 1 else 0 end as this_year
      from orders o
      where o.workspace_id = ${workspaceId} and o.customer_id is not null
        and ${VALID_ORDER}
        and o.local_date > ${asOf}::date - 730 and o.local_date <= ${asOf}::date
    ), per as (
      select customer_id, bool_or(this_year = 1) as now, bool_or(this_year = 0) as before from v group by customer_id
    )
    select (select count(*) from v where this_year = 1)::int as orders,
      (select sum(net) from v where this_year = 1) as revenue,
      (select count(*) from per where now)::int as buyers,
      (select count(*) from per where before)::int as previous,
      (select count(*) from per where before and now)::int as retained`.execute(db);
  const r = result.rows[0]!;
  const revenue = Number(r.revenue ?? 0);
  const aov = r.orders ? revenue / r.orders : null;
  const frequency = r.buyers ? r.orders / r.buyers : null;
  const retention = r.previous ? r.retained / r.previous : null;
  const lifetime =
    retention === null
      ? null
      : retention >= 1 - 1 / MAX_LIFETIME_YEARS
        ? MAX_LIFETIME_YEARS
        : 1 / (1 - retention);
  const clv =
    aov === null || frequency === null || lifetime === null ? null : Math.round(aov * frequency * lifetime);
  return {
    as_of: asOf,
    aov: aov === null ? null : Math.round(aov),
    orders_per_customer: frequency,
    annual_retention: retention,
    expected_lifetime_years: lifetime,
    clv,
  };
}
