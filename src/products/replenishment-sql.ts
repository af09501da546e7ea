import { type RawBuilder, sql } from 'kysely';
import { VALID_ORDER } from '../orders/order-status.ts';

// The SQL the learned intervals, the `replenishment` journey trigger, its backtest and the
// customer profile share, so all four agree on what a purchase and an interval are.

/**
 * Each customer's purchases of each product as rows `(customer_id, sku, day, qty)`: one row per
 * local day (two orders on one day are one purchase of their summed quantity), from valid orders
 * up to `upto` and of one customer when given. A quantity that is not positive counts as one unit.
 */
export function purchaseDays(
  ws: number,
  only: { upto?: string; customerId?: number } = {},
): RawBuilder<unknown> {
  return sql`select o.customer_id, ol.sku, o.local_date as day,
      case when sum(ol.quantity) > 0 then sum(ol.quantity)::float8 else 1 end as qty
    from orders o join order_lines ol on ol.workspace_id = o.workspace_id and ol.order_id = o.order_id
    where o.workspace_id = ${ws} and o.customer_id is not null and ol.sku is not null and ${VALID_ORDER}
      ${only.upto === undefined ? sql`` : sql`and o.local_date <= ${only.upto}::date`}
      ${only.customerId === undefined ? sql`` : sql`and o.customer_id = ${only.customerId}`}
    group by o.customer_id, ol.sku, o.local_date`;
}

/**
 * The interval each product goes by, as rows `(sku, days, source)`: days per unit bought, the
 * hand-set `repurchase_days` when there is one (source `set`), else the learned median (source
 * `sku` or `category`). Products with neither are left out.
 */
export function effectiveIntervals(ws: number): RawBuilder<unknown> {
  return sql`select p.sku, coalesce(p.repurchase_days::float8, pi.median_days) as days,
      case when p.repurchase_days is not null then 'set' else pi.basis end as source
    from products p left join product_intervals pi on pi.workspace_id = p.workspace_id and pi.sku = p.sku
    where p.workspace_id = ${ws} and (p.repurchase_days is not null or pi.sku is not null)`;
}

/** Days a purchase of `qty` units lasts at `days` per unit, as SQL (rounded half up to whole days, at least one). */
export const lastsDays = (days: RawBuilder<unknown>, qty: RawBuilder<unknown>) =>
  sql<number>`greatest(round((${days} * ${qty})::numeric)::int, 1)`;

/**
 * Each customer's expected date of need per product, as rows `(customer_id, sku, last_day, qty,
 * days, source, need_date)`: the last purchase's local day + the product's interval × the quantity
 * bought that day. A later purchase moves it, so a product bought again is not due on the old date.
 */
export function replenishmentNeeds(ws: number, customerId?: number): RawBuilder<unknown> {
  return sql`select x.customer_id, x.sku, x.day as last_day, x.qty, x.days, x.source,
      x.day + ${lastsDays(sql`x.days`, sql`x.qty`)} as need_date
    from (select b.*, e.days, e.source,
        row_number() over (partition by b.customer_id, b.sku order by b.day desc) as k
      from (${purchaseDays(ws, { customerId })}) b join (${effectiveIntervals(ws)}) e on e.sku = b.sku) x
    where x.k = 1`;
}
