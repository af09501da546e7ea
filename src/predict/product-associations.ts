import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/caller.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { kyselyOf, type StoreOrKysely } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';

/** A pair seen fewer times than this (orders, or customers for `after`) is noise, not an association. */
export const MIN_PAIRS = 2;
/** Associations kept per product and kind, the strongest by confidence × lift: enough for a top-N. */
export const KEPT_PER_PRODUCT = 30;
/**
 * Orders of more products than this are left out of the `together` counts, and buyers of more
 * distinct products out of the `after` counts: a wholesale basket pairs everything with
 * everything, says little about taste, and its pairs grow with the square of its size (on Online
 * Retail the caps keep 91% of orders and 88% of buyers and cut the pairs to count from 52M to 9M).
 */
export const MAX_BASKET = 50;
export const MAX_BUYER_PRODUCTS = 100;

/** A product as the associations know it: its SKU, else its name on lines without one. */
export const ITEM = (l: string) => sql.raw(`coalesce(${l}.sku, ${l}.product_name)`);

/** What a refresh computed from: the as-of date, the valid orders and buyers, products and pairs. */
export interface AssociationRefresh {
  as_of: string;
  orders: number;
  customers: number;
  products: number;
  associations: number;
  source: 'daily' | 'manual';
  refreshed_at: string;
}

/** What a refresh is asked for: data up to the as-of date (a local date); who asked (null: the worker). */
export interface AssociationRequest {
  asOf: string;
  actor: Actor | null;
}

/** Every valid order's distinct products up to the as-of date, as `lines(order_id, customer_id, ordered_at, item)`. */
function linesUpTo(ws: number, asOf: string) {
  return sql`lines as (
    select distinct o.order_id, o.customer_id, o.ordered_at, ${ITEM('l')} as item
    from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
    where o.workspace_id = ${ws} and ${VALID_ORDER} and o.local_date <= ${asOf}::date and ${ITEM('l')} is not null
  )`;
}

/**
 * The products with their display name (the catalogue's, else the name on the lines), how many
 * orders and buyers each had, and the local date of its last sale.
 */
async function insertProducts(db: Kysely<Schema>, ws: number, asOf: string): Promise<void> {
  await sql`
    insert into association_products (workspace_id, item, name, orders, customers, last_sold)
    select ${ws}, x.item, coalesce(p.name, x.line_name, x.item), x.orders, x.customers, x.last_sold
    from (
      select ${ITEM('l')} as item, max(l.product_name) as line_name, count(distinct o.order_id)::int as orders,
        count(distinct o.customer_id)::int as customers, max(o.local_date) as last_sold
      from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
      where o.workspace_id = ${ws} and ${VALID_ORDER} and o.local_date <= ${asOf}::date and ${ITEM('l')} is not null
      group by 1
    ) x left join products p on p.workspace_id = ${ws} and p.sku = x.item`.execute(db);
}

/**
 * Both kinds of association, set-based. `together`: over valid orders (of at most
 * {@link MAX_BASKET} products), support = orders with both ÷ orders, confidence = orders with both
 * ÷ orders with `item`, lift = confidence ÷ (orders with `other` ÷ orders). `after`: over buyers
 * (of at most {@link MAX_BUYER_PRODUCTS} products), a customer counts for (item → other) when an
 * order of theirs with `other` came after one with `item`; support, confidence and lift as above
 * with buyers in place of orders. Keeps pairs seen {@link MIN_PAIRS} times, {@link KEPT_PER_PRODUCT}
 * a product and kind.
 */
async function insertAssociations(db: Kysely<Schema>, ws: number, asOf: string): Promise<void> {
  await sql`
    insert into product_associations (workspace_id, item, kind, other, pairs, support, confidence, lift)
    with ${linesUpTo(ws, asOf)},
    baskets as (
      select order_id, item from (select order_id, item, count(*) over (partition by order_id) as size from lines) x
      where size <= ${MAX_BASKET}
    ),
    bought as (
      select customer_id, item, first_at, last_at from (
        select customer_id, item, min(ordered_at) as first_at, max(ordered_at) as last_at,
          count(*) over (partition by customer_id) as size
        from lines where customer_id is not null group by 1, 2
      ) x where size <= ${MAX_BUYER_PRODUCTS}
    ),
    totals as (
      select (select count(distinct order_id) from baskets)::float8 as orders,
        (select count(distinct customer_id) from bought)::float8 as buyers
    ),
    in_orders as (select item, count(*)::float8 as n from baskets group by item),
    in_buyers as (select item, count(*)::float8 as n from bought group by item),
    together as (
      select a.item, b.item as other, count(*)::int as pairs
      from baskets a join baskets b on b.order_id = a.order_id and b.item <> a.item
      group by 1, 2 having count(*) >= ${MIN_PAIRS}
    ),
    later as (
      select a.item, b.item as other, count(*)::int as pairs
      from bought a join bought b on b.customer_id = a.customer_id and b.item <> a.item and b.last_at > a.first_at
      group by 1, 2 having count(*) >= ${MIN_PAIRS}
    ),
    measured as (
      select 'together' as kind, t.item, t.other, t.pairs, t.pairs / n.orders as support,
        t.pairs / a.n as confidence, (t.pairs / a.n) / (b.n / n.orders) as lift
      from together t cross join totals n join in_orders a on a.item = t.item join in_orders b on b.item = t.other
      union all
      select 'after', t.item, t.other, t.pairs, t.pairs / n.buyers, t.pairs / a.n, (t.pairs / a.n) / (b.n / n.buyers)
      from later t cross join totals n join in_buyers a on a.item = t.item join in_buyers b on b.item = t.other
    ),
    ranked as (
      select m.*, row_number() over (partition by item, kind order by confidence * lift desc, other collate "C") as rank
      from measured m
    )
    select ${ws}, item, kind, other, pairs, support, confidence, lift from ranked
    where rank <= ${KEPT_PER_PRODUCT}`.execute(db);
}

/**
 * Recomputes the workspace's product associations from its valid orders up to the as-of date and
 * replaces the stored ones in one transaction (with an audit row when a person asked), so reads
 * never see half a refresh.
 */
export async function refreshAssociations(
  store: StoreOrKysely,
  ws: Workspace,
  req: AssociationRequest,
): Promise<AssociationRefresh> {
  const db = kyselyOf(store);
  return db.transaction().execute(async (trx) => {
    // The pair counts are hash aggregations of millions of rows: in memory, not spilled in batches.
    await sql`set local work_mem = '256MB'`.execute(trx);
    for (const table of ['product_associations', 'association_products'] as const)
      await trx.deleteFrom(table).where('workspace_id', '=', ws.id).execute();
    await insertProducts(trx, ws.id, req.asOf);
    await insertAssociations(trx, ws.id, req.asOf);
    const counts = await sql<{ orders: number; customers: number; products: number; associations: number }>`
      with ${linesUpTo(ws.id, req.asOf)}
      select (select count(distinct order_id) from lines)::int as orders,
        (select count(distinct customer_id) from lines)::int as customers,
        (select count(*) from association_products where workspace_id = ${ws.id})::int as products,
        (select count(*) from product_associations where workspace_id = ${ws.id})::int as associations`.execute(
      trx,
    );
    const c = counts.rows[0]!;
    const source = req.actor ? 'manual' : 'daily';
    const row = { as_of: req.asOf, ...c, source } as const;
    const stored = await trx
      .insertInto('association_refreshes')
      .values({ workspace_id: ws.id, ...row })
      .onConflict((oc) =>
        oc.column('workspace_id').doUpdateSet((eb) => ({
          as_of: eb.ref('excluded.as_of'),
          orders: eb.ref('excluded.orders'),
          customers: eb.ref('excluded.customers'),
          products: eb.ref('excluded.products'),
          associations: eb.ref('excluded.associations'),
          source: eb.ref('excluded.source'),
          refreshed_at: eb.ref('excluded.refreshed_at'),
        })),
      )
      .returning('refreshed_at')
      .executeTakeFirstOrThrow();
    if (req.actor)
      await recordAudit(trx, ws.id, req.actor, {
        action: 'predict.associations',
        objectType: 'workspace',
        objectId: ws.id,
        detail: { ...row },
      });
    return { ...row, refreshed_at: stored.refreshed_at.toISOString() };
  });
}

/** When the workspace's associations were last refreshed, or null before the first. */
export async function lastAssociationRefresh(
  db: Kysely<Schema>,
  workspaceId: number,
): Promise<AssociationRefresh | null> {
  const row = await db
    .selectFrom('association_refreshes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  if (!row) return null;
  const { workspace_id: _, refreshed_at, ...rest } = row;
  return { ...rest, refreshed_at: refreshed_at.toISOString() };
}

/** One stored association of a product, with the other product's display name. */
export interface AssociationView {
  kind: 'together' | 'after';
  item: string;
  name: string;
  pairs: number;
  support: number;
  confidence: number;
  lift: number;
}

/**
 * A product's stored associations (both kinds, or one), strongest first by confidence × lift,
 * ties by name; with the product's own display name (null when the product is unknown).
 */
export async function associationsOf(
  db: Kysely<Schema>,
  workspaceId: number,
  product: string,
  kind?: 'together' | 'after',
): Promise<{ name: string | null; associations: AssociationView[] }> {
  const own = await db
    .selectFrom('association_products')
    .select('name')
    .where('workspace_id', '=', workspaceId)
    .where('item', '=', product)
    .executeTakeFirst();
  const rows = await sql<AssociationView>`
    select a.kind, a.other as item, p.name, a.pairs, a.support, a.confidence, a.lift
    from product_associations a
    join association_products p on p.workspace_id = a.workspace_id and p.item = a.other
    where a.workspace_id = ${workspaceId} and a.item = ${product} ${kind ? sql`and a.kind = ${kind}` : sql``}
    order by a.confidence * a.lift desc, p.name collate "C", a.other collate "C"`.execute(db);
  return { name: own?.name ?? null, associations: rows.rows };
}
