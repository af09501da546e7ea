import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** Issued, redeemed, cost and return of coupons, per template and issuing source. */
export interface CouponReportRow {
  template: string;
  source: string;
  source_ref: string | null;
  issued: number;
  redeemed: number;
  redemption_rate: number | null;
  /** Sum of discounts given, minor units. */
  discount_cost: number;
  /** Net revenue of the redeeming orders, minor units. */
  revenue: number;
  /** Revenue per unit of discount; null without cost. */
  roi: number | null;
}

/**
 * Coupon results per template and issuing source (manual, segment, journey step, …), revenue
 * from the redeeming orders' current net amounts. An order that stacked coupons of two templates
 * counts in both rows: each row answers "what did orders with this coupon bring".
 */
export async function couponReport(db: Kysely<Schema>, workspaceId: number): Promise<CouponReportRow[]> {
  const rows = await sql<Omit<CouponReportRow, 'redemption_rate' | 'roi'>>`
    select template, source, source_ref, count(*)::int as issued, count(redeemed_at)::int as redeemed,
      coalesce(sum(discount), 0)::bigint as discount_cost, coalesce(sum(net) filter (where nth = 1), 0)::bigint as revenue
    from (
      select t.name as template, c.source, c.source_ref, c.redeemed_at, c.discount, o.amount - o.refunded_amount as net,
        -- An order that redeemed two stacked coupons of one row counts its revenue once.
        row_number() over (partition by t.name, c.source, c.source_ref, c.redeemed_order_id order by c.code) as nth
      from coupons c
      join coupon_templates t on t.workspace_id = c.workspace_id and t.id = c.template_id
      left join orders o on o.workspace_id = c.workspace_id and o.order_id = c.redeemed_order_id
      where c.workspace_id = ${workspaceId}
    ) x
    group by template, source, source_ref
    order by template, source, source_ref nulls first`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    redemption_rate: r.issued ? r.redeemed / r.issued : null,
    roi: r.discount_cost ? r.revenue / r.discount_cost : null,
  }));
}

/**
 * A workspace's coupons with their template's name and what became of them: the columns the
 * coupon look-up and a customer's coupons show. (Templates are never deleted, so every coupon has one.)
 */
function couponsWithTemplate(db: Kysely<Schema>, workspaceId: number) {
  return db
    .selectFrom('coupons as c')
    .innerJoin('coupon_templates as t', (j) =>
      j.onRef('t.workspace_id', '=', 'c.workspace_id').onRef('t.id', '=', 'c.template_id'),
    )
    .select([
      'c.code',
      't.name as template',
      'c.source',
      'c.issued_at',
      'c.expires_at',
      'c.redeemed_at',
      'c.redeemed_order_id',
      'c.discount',
    ])
    .where('c.workspace_id', '=', workspaceId);
}

/** One coupon by its stored code, with what happened to it; undefined when unknown. */
export async function findCoupon(db: Kysely<Schema>, workspaceId: number, code: string) {
  const coupon = await couponsWithTemplate(db, workspaceId)
    .select(['c.customer_id', 'c.starts_at', 'c.source_ref'])
    .where('c.code', '=', code)
    .executeTakeFirst();
  if (!coupon) return undefined;
  const attempts = await db
    .selectFrom('coupon_redemptions')
    .select(['order_id', 'result', 'discount', 'at'])
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .orderBy('at')
    .execute();
  return { ...coupon, attempts };
}

/** A customer's coupons, newest first (the latest 200), with their template and redemption. */
export async function customerCoupons(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  return couponsWithTemplate(db, workspaceId)
    .where('c.customer_id', '=', customerId)
    .orderBy('c.issued_at', 'desc')
    .limit(200)
    .execute();
}
