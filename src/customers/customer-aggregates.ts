import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { PURCHASE_ORDER, VALID_ORDER } from '../orders/order-status.ts';

/** How many most recent valid order dates each customer keeps (lifecycle's loyal rule reads them). */
export const RECENT_ORDER_DATES = 12;

/**
 * Recomputes the valid-order aggregates (PRODUCT.md §3.2) and the purchase days the customer-base
 * models count (a ¥0 order included, one a local day) of the customers listed in
 * `touchedTable (customer_id)`, so segmentation and the predictions' refresh never re-scan orders.
 */
export async function refreshCustomerAggregates(
  session: Session,
  workspaceId: number,
  touchedTable: string,
): Promise<void> {
  const touched = sql`(select distinct customer_id from ${sql.table(touchedTable)} where customer_id is not null)`;
  await sql`
    update customers c set
      first_order_at = a.first_at, last_order_at = a.last_at,
      first_order_date = a.first_date, last_order_date = a.last_date,
      order_count = a.n, net_total = a.net, recent_order_dates = a.recent,
      purchase_first_date = p.first_date, purchase_last_date = p.last_date,
      purchase_days = coalesce(p.days, 0), purchase_net = coalesce(p.net, 0),
      purchase_first_net = coalesce(p.first_net, 0)
    from (
      select t.customer_id,
        min(o.ordered_at) as first_at, max(o.ordered_at) as last_at,
        min(o.local_date) as first_date, max(o.local_date) as last_date,
        count(o.order_id)::int as n, coalesce(sum(o.amount - o.refunded_amount), 0) as net,
        coalesce((array_agg(o.local_date order by o.local_date desc) filter (where o.order_id is not null))[1:${sql.lit(RECENT_ORDER_DATES)}], '{}') as recent
      from ${touched} t
      left join orders o on o.workspace_id = ${workspaceId} and o.customer_id = t.customer_id
        and ${VALID_ORDER}
      group by t.customer_id
    ) a
    left join (
      select customer_id, min(local_date) as first_date, max(local_date) as last_date, count(*)::int as days,
        sum(net) as net, (array_agg(net order by local_date))[1] as first_net
      from (
        select o.customer_id, o.local_date, sum(o.amount - o.refunded_amount) as net
        from ${touched} t
        join orders o on o.workspace_id = ${workspaceId} and o.customer_id = t.customer_id and ${PURCHASE_ORDER}
        group by o.customer_id, o.local_date
      ) d
      group by customer_id
    ) p on p.customer_id = a.customer_id
    where c.workspace_id = ${workspaceId} and c.id = a.customer_id`.execute(session.db);
}
