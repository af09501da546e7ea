import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

/** How many most recent valid order dates each customer keeps (lifecycle's loyal rule reads them). */
export const RECENT_ORDER_DATES = 12;

/**
 * Recomputes the valid-order aggregates (PRODUCT.md §3.2) of the customers listed in
 * `touchedTable (customer_id)`, so segmentation never re-scans orders.
 */
export async function refreshCustomerAggregates(
  session: Session,
  workspaceId: number,
  touchedTable: string,
): Promise<void> {
  await sql`
    update customers c set
      first_order_at = a.first_at, last_order_at = a.last_at,
      first_order_date = a.first_date, last_order_date = a.last_date,
      order_count = a.n, net_total = a.net, recent_order_dates = a.recent
    from (
      select t.customer_id,
        min(o.ordered_at) as first_at, max(o.ordered_at) as last_at,
        min(o.local_date) as first_date, max(o.local_date) as last_date,
        count(o.order_id)::int as n, coalesce(sum(o.amount - o.refunded_amount), 0) as net,
        coalesce((array_agg(o.local_date order by o.local_date desc) filter (where o.order_id is not null))[1:${sql.lit(RECENT_ORDER_DATES)}], '{}') as recent
      from (select distinct customer_id from ${sql.table(touchedTable)} where customer_id is not null) t
      left join orders o on o.workspace_id = ${workspaceId} and o.customer_id = t.customer_id
        and ${VALID_ORDER}
      group by t.customer_id
    ) a
    where c.workspace_id = ${workspaceId} and c.id = a.customer_id`.execute(session.db);
}
