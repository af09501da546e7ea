import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];

const STEP: Record<PeriodUnit, string> = {
  day: '1 day',
  week: '1 week',
  month: '1 month',
  quarter: '3 months',
  year: '1 year',
};

/** One period's figures (PRODUCT.md §3.5); rates are fractions, null where the denominator is 0. */
export interface PeriodMetrics {
  period_start: string;
  buyers: number;
  orders: number;
  revenue: number;
  aov: number | null;
  repurchase_rate: number | null;
  avg_repurchase_frequency: number | null;
  returning_rate: number | null;
  retention_rate: number | null;
}

/**
 * Metrics for every period whose start lies in [from, to), optionally for a segment's members.
 * Orders and revenue include guest orders (they are sales) unless a segment is given; buyers and
 * the customer rates count identified customers only.
 * AOV is rounded half away from zero to the minor unit.
 */
export async function periodMetrics(
  db: Kysely<Schema>,
  workspaceId: number,
  options: { from: string; to: string; period: PeriodUnit; segmentId?: number },
): Promise<PeriodMetrics[]> {
  // Restricted to a segment, only its (stored) members' orders count, so guest orders drop out.
  const inSegment =
    options.segmentId === undefined
      ? sql`true`
      : sql`o.customer_id in (select m.customer_id from segment_members m where m.workspace_id = ${workspaceId} and m.segment_id = ${options.segmentId})`;
  const unit = sql.lit(options.period);
  const step = sql`${sql.lit(STEP[options.period])}::interval`;
  const rows = await sql<{
    start: string;
    buyers: number;
    orders: number;
    revenue: string | number | null;
    repeaters: number;
    extra: number | null;
    returning: number;
    prev_buyers: number;
    retained: number;
  }>`
    with bounds as (
      select s::date as start, (s + ${step})::date as stop
      from generate_series(date_trunc(${unit}, ${options.from}::date), ${options.to}::date, ${step}) s
      where s >= ${options.from}::date and s < ${options.to}::date
    ),
    v as (
      select o.customer_id, o.local_date, o.amount - o.refunded_amount as net, date_trunc(${unit}, o.local_date)::date as p
      from orders o
      where o.workspace_id = ${workspaceId} and ${VALID_ORDER} and ${inSegment}
        and o.local_date >= (select (min(start) - ${step})::date from bounds)
        and o.local_date < (select max(stop) from bounds)
    ),
    per as (select p, customer_id, count(*)::int as n from v where customer_id is not null group by p, customer_id),
    sales as (select p, count(*)::int as orders, sum(net) as revenue from v group by p),
    buyers as (
      select per.p, count(*)::int as buyers, (count(*) filter (where n >= 2))::int as repeaters,
        (sum(n - 1) filter (where n >= 2))::int as extra,
        (count(*) filter (where c.first_order_date < per.p))::int as returning
      from per join customers c on c.workspace_id = ${workspaceId} and c.id = per.customer_id
      group by per.p
    ),
    retained as (
      select cur.p, count(*)::int as retained from per cur
      join per prev on prev.customer_id = cur.customer_id and prev.p = (cur.p - ${step})::date
      group by cur.p
    )
    select b.start::text as start, coalesce(bu.buyers, 0) as buyers, coalesce(s.orders, 0) as orders,
      coalesce(s.revenue, 0) as revenue, coalesce(bu.repeaters, 0) as repeaters, bu.extra,
      coalesce(bu.returning, 0) as returning, coalesce(pb.buyers, 0) as prev_buyers, coalesce(r.retained, 0) as retained
    from bounds b
    left join sales s on s.p = b.start
    left join buyers bu on bu.p = b.start
    left join buyers pb on pb.p = (b.start - ${step})::date
    left join retained r on r.p = b.start
    order by b.start`.execute(db);
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  return rows.rows.map((r) => {
    const revenue = Number(r.revenue);
    return {
      period_start: r.start,
      buyers: r.buyers,
      orders: r.orders,
      revenue,
      aov: r.orders === 0 ? null : Math.sign(revenue) * Math.round(Math.abs(revenue) / r.orders),
      repurchase_rate: ratio(r.repeaters, r.buyers),
      avg_repurchase_frequency: ratio(r.extra ?? 0, r.repeaters),
      returning_rate: ratio(r.returning, r.buyers),
      retention_rate: ratio(r.retained, r.prev_buyers),
    };
  });
}
