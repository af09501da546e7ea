import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { ITEM } from './product-associations.ts';

/** Days before a customer's last order within which what they bought counts as bought recently. */
export const RECENT_DAYS = 90;
/**
 * A product not sold in this many days up to the workspace's last sale (as of the associations'
 * refresh) is taken as not sold any more: the catalogue has no "discontinued" flag.
 */
export const NOT_SOLD_DAYS = 180;
/** How many recommendations a customer gets unless asked for another number. */
export const DEFAULT_TOP = 10;

/** A customer's products that seed their recommendations: the ones bought most recently. */
export const SEED_PRODUCTS = 50;

/** One recommended product for a customer, with the bought product that weighs most for it. */
export interface Recommendation {
  customer_id: number;
  rank: number;
  /** The product: its SKU, else its name on lines without one. */
  item: string;
  name: string;
  /** Σ confidence over the customer's products' associations (both kinds) that lead to it. */
  score: number;
  /** Display name of the customer's product whose association adds most to the score. */
  because: string;
}

/** Whose recommendations to read: some customers (or all), how many each, purchases up to a date. */
export interface RecommendQuery {
  customerIds?: readonly number[];
  top?: number;
  /** Only purchases on or before this local date count as the customer's (an offline split). */
  purchasesUpTo?: string;
}

/**
 * Each customer's top-N from the stored associations. A product's score is the sum of the
 * confidence of every association (same order, or a later order) leading to it from the
 * customer's {@link SEED_PRODUCTS} most recently bought products — the expected number of those
 * products' buyers' baskets it turns up in; ties by name. (Σ confidence × lift ranked rare
 * products first and hit less often on Online Retail: see README, benchmarks.) Left out: what
 * the customer bought in the {@link RECENT_DAYS} before their last order, and products not sold
 * any more ({@link NOT_SOLD_DAYS}). Empty before the first refresh.
 */
export async function recommendFor(
  db: Kysely<Schema>,
  workspaceId: number,
  query: RecommendQuery = {},
): Promise<Recommendation[]> {
  const ws = workspaceId;
  const ids = query.customerIds;
  if (ids?.length === 0) return [];
  // Everyone's lists aggregate millions of rows: with room to hash them in memory (a transaction
  // of its own, so the setting ends with it). One customer's need no such room.
  if (!ids && !db.isTransaction)
    return db.transaction().execute(async (trx) => {
      await sql`set local work_mem = '256MB'`.execute(trx);
      return recommendFor(trx, workspaceId, { ...query, customerIds: undefined });
    });
  const rows = await sql<Recommendation>`
    with ref as (select max(last_sold) as last from association_products where workspace_id = ${ws}),
    mine as (
      select o.customer_id, ${ITEM('l')} as item, max(o.local_date) as last
      from orders o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id
      where o.workspace_id = ${ws} and ${VALID_ORDER} and ${ITEM('l')} is not null and o.customer_id is not null
        ${ids ? sql`and o.customer_id = any(${ids}::bigint[])` : sql``}
        ${query.purchasesUpTo ? sql`and o.local_date <= ${query.purchasesUpTo}::date` : sql``}
      group by 1, 2
    ),
    flagged as (
      select m.*, m.last > max(m.last) over (partition by m.customer_id) - ${RECENT_DAYS}::int as recent,
        row_number() over (partition by m.customer_id order by m.last desc, m.item collate "C") as seed
      from mine m
    ),
    scored as (
      select f.customer_id, a.other as item, sum(a.confidence) as score
      from flagged f join product_associations a on a.workspace_id = ${ws} and a.item = f.item
      where f.seed <= ${SEED_PRODUCTS}
      group by 1, 2
    ),
    eligible as (
      select s.customer_id, s.item, p.name, s.score
      from scored s cross join ref
      join association_products p on p.workspace_id = ${ws} and p.item = s.item
      where p.last_sold > ref.last - ${NOT_SOLD_DAYS}::int
        and not exists (select 1 from flagged f where f.customer_id = s.customer_id and f.item = s.item and f.recent)
    ),
    ranked as (
      -- Rounded so sums of the same terms in another order still tie, and fall to the name.
      select e.*, row_number() over (partition by e.customer_id
        order by round(e.score::numeric, 9) desc, e.name collate "C", e.item collate "C")::int as rank
      from eligible e
    ),
    top as (select r.* from ranked r where r.rank <= ${query.top ?? DEFAULT_TOP}),
    reasons as (
      select distinct on (t.customer_id, t.item) t.customer_id, t.item, f.item as seed
      from top t
      join flagged f on f.customer_id = t.customer_id and f.seed <= ${SEED_PRODUCTS}
      join product_associations a on a.workspace_id = ${ws} and a.item = f.item and a.other = t.item
      group by t.customer_id, t.item, f.item
      order by t.customer_id, t.item, sum(a.confidence) desc, f.item collate "C"
    )
    select t.customer_id::float8 as customer_id, t.rank, t.item, t.name, t.score::float8 as score,
      b.name as because
    from top t join reasons r on r.customer_id = t.customer_id and r.item = t.item
    join association_products b on b.workspace_id = ${ws} and b.item = r.seed
    order by t.customer_id, t.rank`.execute(db);
  return rows.rows;
}

/**
 * The customer's top recommendation's name (see {@link recommendFor}), or null when nothing
 * qualifies (no purchases, nothing associated, or associations never refreshed).
 */
export async function topRecommendation(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<string | null> {
  const [first] = await recommendFor(db, workspaceId, { customerIds: [customerId], top: 1 });
  return first?.name ?? null;
}

/** `{{ recommendation }}` (the top name, when there is one) and `{{ recommendations }}` (the top names). */
export async function recommendationVariables(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<{ recommendation?: string; recommendations: string[] }> {
  const names = (await recommendFor(db, workspaceId, { customerIds: [customerId] })).map((r) => r.name);
  return { recommendation: names[0], recommendations: names };
}

/** Whether a template's text uses `{{ recommendation }}` or `{{ recommendations }}` (only those pay for the query). */
export function usesRecommendation(texts: Record<string, string>): boolean {
  return Object.values(texts).some((t) => /\brecommendations?\b/.test(t));
}

/** A recommendation as the CLI exports it; `customer_id` is the merchant's id (or ours). */
export type RecommendationExportRow = Omit<Recommendation, 'customer_id'> & { customer_id: string };

/** {@link recommendFor} with each customer's external id, in customer and rank order. */
export async function exportRecommendations(
  db: Kysely<Schema>,
  workspaceId: number,
  query: RecommendQuery = {},
): Promise<RecommendationExportRow[]> {
  const found = await recommendFor(db, workspaceId, query);
  const ids = [...new Set(found.map((r) => r.customer_id))];
  const refs = await sql<{ id: number; ref: string }>`
    select id::float8 as id, coalesce(external_id, id::text) as ref from customers
    where workspace_id = ${workspaceId} and id = any(${ids}::bigint[])`.execute(db);
  const byId = new Map(refs.rows.map((r) => [r.id, r.ref]));
  return found.map((r) => ({ ...r, customer_id: byId.get(r.customer_id) ?? String(r.customer_id) }));
}
