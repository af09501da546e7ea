import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

/** Days before a customer's last order within which what they bought counts as bought recently. */
export const RECENT_DAYS = 90;

/**
 * The customer's top item-to-item recommendation: of the products bought in the same order as
 * anything the customer ever bought, the one in most such orders (ties by name), leaving out what
 * the customer bought in the {@link RECENT_DAYS} before their last order. A product is its SKU (its
 * name on lines without one); shown by its catalogue name, else its name on the order lines.
 * Null when nothing qualifies (no order lines, or nothing bought together).
 */
export async function topRecommendation(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<string | null> {
  const ws = workspaceId;
  const item = (l: string) => sql.raw(`coalesce(${l}.sku, ${l}.product_name)`);
  const rows = await sql<{ item: string; name: string }>`
    with mine as (
      select ${item('l')} as item, max(o.local_date) as last
      from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
      where o.workspace_id = ${ws} and o.customer_id = ${customerId} and ${VALID_ORDER} and ${item('l')} is not null
      group by 1
    ), recent as (
      select item from mine where last > (select max(last) from mine) - ${RECENT_DAYS}::int
    ), pairs as (
      select ${item('l2')} as item, count(distinct l2.order_id) as support
      from order_lines l1
      join orders o on o.workspace_id = l1.workspace_id and o.order_id = l1.order_id
      join order_lines l2 on l2.workspace_id = l1.workspace_id and l2.order_id = l1.order_id
      where l1.workspace_id = ${ws} and ${VALID_ORDER}
        and ${item('l1')} in (select item from mine)
        and ${item('l2')} is not null and ${item('l2')} <> ${item('l1')}
        and ${item('l2')} not in (select item from recent)
      group by 1
    )
    select pairs.item, coalesce(p.name,
      (select max(l.product_name) from order_lines l where l.workspace_id = ${ws} and ${item('l')} = pairs.item),
      pairs.item) as name
    from pairs left join products p on p.workspace_id = ${ws} and p.sku = pairs.item
    order by pairs.support desc, pairs.item
    limit 1`.execute(db);
  return rows.rows[0]?.name ?? null;
}

/** Whether a template's text uses `{{ recommendation }}` (so only those pay for the query). */
export function usesRecommendation(texts: Record<string, string>): boolean {
  return Object.values(texts).some((t) => /\brecommendation\b/.test(t));
}
