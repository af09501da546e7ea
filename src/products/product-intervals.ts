import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { kyselyOf, type StoreOrKysely } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import type { CustomerReplenishment, ProductInterval, ProductIntervalPage } from './product-contract.ts';
import { purchaseDays, replenishmentNeeds } from './replenishment-sql.ts';

/**
 * A product with fewer repeat intervals than this goes by its category's (all its products'
 * intervals pooled), and a category with fewer has no learned interval: four customers' habits
 * are too few to remind everyone by.
 */
export const MIN_REPEAT_INTERVALS = 5;

/** The distribution of per-unit intervals, grouped by `key`, as SQL over `gaps g` (with `g.per_unit`). */
const stats = (key: ReturnType<typeof sql>) => sql`select ${key} as key, count(*)::int as n,
    count(distinct g.customer_id)::int as customers,
    percentile_cont(0.5) within group (order by g.per_unit) as median,
    percentile_cont(0.25) within group (order by g.per_unit) as p25,
    percentile_cont(0.75) within group (order by g.per_unit) as p75`;

/** What a learning run stored: products by their own intervals and by their category's. */
export interface LearnResult {
  as_of: string;
  by_sku: number;
  by_category: number;
}

/**
 * Learns every product's repurchase interval from purchases up to `asOf`: for each customer and
 * product, the days from one purchase day to the next ÷ the quantity bought on the first (two
 * tins last about twice as long as one); per product the median, quartiles and count of those,
 * or its category's when it has fewer than {@link MIN_REPEAT_INTERVALS}. Replaces the stored
 * intervals in one transaction, with an audit row when a person asked.
 */
export async function learnIntervals(
  store: StoreOrKysely,
  workspaceId: number,
  req: { asOf: string; actor: Actor | null },
): Promise<LearnResult> {
  const ws = workspaceId;
  return kyselyOf(store)
    .transaction()
    .execute(async (trx) => {
      await sql`delete from product_intervals where workspace_id = ${ws}`.execute(trx);
      const rows = await sql<{ basis: string; n: number }>`
        with gaps as (
          select b.customer_id, b.sku,
            (lead(b.day) over (partition by b.customer_id, b.sku order by b.day) - b.day)::float8 / b.qty as per_unit
          from (${purchaseDays(ws, { upto: req.asOf })}) b
        ), by_sku as (${stats(sql`g.sku`)} from gaps g where g.per_unit is not null group by g.sku),
        by_category as (${stats(sql`p.category`)} from gaps g
          join products p on p.workspace_id = ${ws} and p.sku = g.sku
          where g.per_unit is not null and p.category is not null group by p.category),
        chosen as (
          select p.sku, p.category, case when s.n >= ${MIN_REPEAT_INTERVALS} then 'sku' else 'category' end as basis,
            case when s.n >= ${MIN_REPEAT_INTERVALS} then array[s.n, s.customers, s.median, s.p25, s.p75]
              else array[c.n, c.customers, c.median, c.p25, c.p75] end as f
          from products p left join by_sku s on s.key = p.sku left join by_category c on c.key = p.category
          where p.workspace_id = ${ws}
            and (s.n >= ${MIN_REPEAT_INTERVALS} or c.n >= ${MIN_REPEAT_INTERVALS})
        ), added as (
          insert into product_intervals (workspace_id, sku, basis, category, intervals, customers,
            median_days, p25_days, p75_days, as_of)
          select ${ws}, sku, basis, category, f[1]::int, f[2]::int, f[3], f[4], f[5], ${req.asOf}::date
          from chosen returning basis
        ) select basis, count(*)::int as n from added group by basis`.execute(trx);
      const count = (basis: string) => rows.rows.find((r) => r.basis === basis)?.n ?? 0;
      const result = { as_of: req.asOf, by_sku: count('sku'), by_category: count('category') };
      if (req.actor)
        await recordAudit(trx, ws, req.actor, {
          action: 'products.learn_intervals',
          objectType: 'product',
          detail: { ...result },
        });
      return result;
    });
}

interface IntervalRow {
  sku: string;
  name: string | null;
  category: string | null;
  repurchase_days: number | null;
  basis: 'sku' | 'category' | null;
  intervals: number | null;
  customers: number | null;
  median_days: number | null;
  p25_days: number | null;
  p75_days: number | null;
  as_of: string | null;
}

const viewOf = (r: IntervalRow): ProductInterval => ({
  sku: r.sku,
  name: r.name,
  category: r.category,
  repurchase_days: r.repurchase_days,
  learned:
    r.basis === null
      ? null
      : {
          basis: r.basis,
          intervals: r.intervals!,
          customers: r.customers!,
          median_days: r.median_days!,
          p25_days: r.p25_days!,
          p75_days: r.p75_days!,
          as_of: r.as_of!,
        },
  effective_days: r.repurchase_days ?? r.median_days,
  source: r.repurchase_days !== null ? 'set' : r.basis,
});

/**
 * A page of products (by SKU) with a hand-set or learned interval: both figures side by side, and
 * the one the `replenishment` trigger goes by (the hand-set one wins).
 */
export async function intervalPage(
  db: Kysely<Schema>,
  workspaceId: number,
  page: { offset: number; limit: number },
): Promise<ProductIntervalPage> {
  const rows = await sql<IntervalRow>`
    select p.sku, p.name, p.category, p.repurchase_days, pi.basis, pi.intervals, pi.customers,
      pi.median_days, pi.p25_days, pi.p75_days, pi.as_of::text as as_of
    from products p left join product_intervals pi on pi.workspace_id = p.workspace_id and pi.sku = p.sku
    where p.workspace_id = ${workspaceId} and (p.repurchase_days is not null or pi.sku is not null)
    order by p.sku offset ${page.offset} limit ${page.limit + 1}`.execute(db);
  return {
    items: rows.rows.slice(0, page.limit).map(viewOf),
    next_cursor: rows.rows.length > page.limit ? String(page.offset + page.limit) : null,
  };
}

/** Days from local date `a` to `b`. */
const daysFrom = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/**
 * What a customer is due to run out of: each product they bought that has an interval, with the
 * expected date of need (last purchase + interval × quantity bought then), soonest first.
 */
export async function customerReplenishment(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  today: string,
): Promise<CustomerReplenishment> {
  const rows = await sql<{
    sku: string;
    name: string | null;
    last_day: string;
    qty: number;
    days: number;
    source: 'set' | 'sku' | 'category';
    need_date: string;
  }>`select n.sku, p.name, n.last_day::text as last_day, n.qty, n.days, n.source, n.need_date::text as need_date
    from (${replenishmentNeeds(workspaceId, customerId)}) n
    join products p on p.workspace_id = ${workspaceId} and p.sku = n.sku
    order by n.need_date, n.sku`.execute(db);
  return {
    as_of: today,
    items: rows.rows.map((r) => ({
      sku: r.sku,
      name: r.name,
      last_purchase_date: r.last_day,
      quantity: Number(r.qty),
      interval_days: Number(r.days),
      interval_source: r.source,
      need_date: r.need_date,
      days_left: daysFrom(today, r.need_date),
    })),
  };
}
