import { type Kysely, sql } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { newCouponCodes } from './coupon-code.ts';
import { type CouponTemplate, faceValue } from './coupon-template.ts';

/** What issued a coupon: a person by hand, a campaign to a segment, a journey step, a referral. */
export interface IssueSource {
  source: 'manual' | 'segment' | 'journey' | 'campaign' | 'referral' | 'points';
  /** e.g. the segment or journey step; reports group by it. */
  ref?: string;
}

/** How an issue went; `codes` in customer order (only for up to 1,000 coupons). */
export interface IssueResult {
  issued: number;
  /** Customers left out because they already hold `per_customer_limit` of the template. */
  over_customer_limit: number;
  /** Customers left out because the template's count or amount budget ran out. */
  over_budget: number;
  codes: { customer_id: number; code: string }[];
}

const CHUNK = 50_000;

/**
 * Issues one coupon of the template to each customer, honouring the per-customer limit and the
 * budget (count, or amount at face value) exactly even when issues run concurrently: the template
 * row is locked for the duration. Customers beyond the budget (in id order) get none.
 *
 * @example await issueCoupons(db, template, [42, 43], { source: 'manual' })
 */
export async function issueCoupons(
  db: Kysely<Schema>,
  template: CouponTemplate,
  customerIds: readonly number[],
  from: IssueSource,
): Promise<IssueResult> {
  return db.transaction().execute((trx) => issueCouponsInTransaction(trx, template, customerIds, from));
}

/**
 * {@link issueCoupons} as people do it (API and CLI alike): the coupons and their `coupon.issue`
 * audit row (how many, and the segment when issued to one) commit together.
 */
export function issueCouponsAs(
  db: Kysely<Schema>,
  template: CouponTemplate,
  customerIds: readonly number[],
  from: IssueSource,
  actor: Actor,
): Promise<IssueResult> {
  return audited(
    db,
    template.workspace_id,
    actor,
    (trx) => issueCouponsInTransaction(trx, template, customerIds, from),
    (result) => ({
      action: 'coupon.issue',
      objectType: 'coupon_template',
      objectId: template.id,
      detail: { issued: result.issued, segment: from.source === 'segment' ? (from.ref ?? null) : null },
    }),
  );
}

/** {@link issueCoupons} inside a transaction the caller holds (an import, a referral reward). */
export async function issueCouponsInTransaction(
  trx: Kysely<Schema>,
  template: CouponTemplate,
  customerIds: readonly number[],
  from: IssueSource,
): Promise<IssueResult> {
  const ws = template.workspace_id;
  {
    const locked = await sql<{ issued_count: number }>`
      select issued_count from coupon_templates where workspace_id = ${ws} and id = ${template.id} for update`.execute(
      trx,
    );
    const alreadyIssued = locked.rows[0]!.issued_count;
    const ids = [...new Set(customerIds)].sort((a, b) => a - b);
    let eligible = ids;
    let overLimit = 0;
    if (template.per_customer_limit !== null) {
      const held = await sql<{ customer_id: number; n: number }>`
        select customer_id, count(*)::int as n from coupons
        where workspace_id = ${ws} and template_id = ${template.id} and customer_id = any(${ids}::bigint[])
        group by customer_id`.execute(trx);
      const full = new Set(
        held.rows.filter((r) => r.n >= template.per_customer_limit!).map((r) => r.customer_id),
      );
      eligible = ids.filter((id) => !full.has(id));
      overLimit = ids.length - eligible.length;
    }
    let room = Number.POSITIVE_INFINITY;
    if (template.budget_count !== null) room = Math.min(room, template.budget_count - alreadyIssued);
    const face = faceValue(template);
    if (template.budget_amount !== null && face !== null)
      room = Math.min(room, Math.floor(template.budget_amount / face) - alreadyIssued);
    const chosen = eligible.slice(0, Math.max(0, Math.min(room, eligible.length)));
    const fresh = newCouponCodes(chosen.length);
    const codes = chosen.map((customer_id, i) => ({ customer_id, code: fresh[i]! }));
    for (let i = 0; i < codes.length; i += CHUNK) {
      const part = codes.slice(i, i + CHUNK);
      // A collision of two random 50-bit codes is astronomically rare, but a unique key still guards it.
      await sql`
        insert into coupons (workspace_id, code, template_id, customer_id, starts_at, expires_at, source, source_ref)
        select ${ws}, x.code, ${template.id}, x.customer_id, ${template.valid_from},
          ${template.valid_days === null ? sql`${template.valid_until}::timestamptz` : sql`now() + ${template.valid_days}::int * interval '1 day'`},
          ${from.source}, ${from.ref ?? null}
        from unnest(${part.map((c) => c.code)}::text[], ${part.map((c) => c.customer_id)}::bigint[]) as x(code, customer_id)`.execute(
        trx,
      );
    }
    await sql`update coupon_templates set issued_count = issued_count + ${codes.length}
      where workspace_id = ${ws} and id = ${template.id}`.execute(trx);
    return {
      issued: codes.length,
      over_customer_limit: overLimit,
      over_budget: eligible.length - chosen.length,
      codes: codes.length <= 1000 ? codes : [],
    };
  }
}
