import { type Kysely, sql } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import { requireCustomer } from '../customers/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { newReferralCode } from './coupon-code.ts';
import { issueCouponsInTransaction } from './coupon-issue.ts';
import { findCouponTemplate } from './coupon-template.ts';
import { pointsExpiry } from './points-earn.ts';

/** A customer's referral code if they have one, without creating it (reads never write). */
export async function existingReferralCode(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<string | null> {
  await requireCustomer(db, workspaceId, customerId);
  const row = await db
    .selectFrom('referral_codes')
    .select('code')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return row?.code ?? null;
}

/** A customer's personal referral code, created on first request. */
export async function referralCodeFor(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
): Promise<string> {
  await requireCustomer(db, workspaceId, customerId);
  for (let attempt = 0; attempt < 5; attempt++) {
    await db
      .insertInto('referral_codes')
      .values({ workspace_id: workspaceId, customer_id: customerId, code: newReferralCode() })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const row = await db
      .selectFrom('referral_codes')
      .select('code')
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    if (row) return row.code;
  }
  throw new Error('could not create a unique referral code');
}

/** {@link referralCodeFor} as people ask for it (API and CLI alike), audited as `referral.code`. */
export function referralCodeAs(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  customerId: number,
): Promise<string> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => referralCodeFor(trx, workspaceId, customerId),
    () => ({ action: 'referral.code', objectType: 'customer', objectId: customerId }),
  );
}

/**
 * Links a new customer to the owner of a referral code. Refused: one's own code, a customer who
 * already bought or was already referred, and loops (the referrer was brought, directly or through
 * others, by this customer).
 */
export async function linkReferral(
  db: Kysely<Schema>,
  workspaceId: number,
  referredId: number,
  codeText: string,
  actor: Actor,
) {
  const code = codeText.trim().toUpperCase();
  const owner = await db
    .selectFrom('referral_codes')
    .select('customer_id')
    .where('workspace_id', '=', workspaceId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!owner) throw new NotFoundError(`no referral code ${codeText}`);
  const referrerId = owner.customer_id;
  if (referrerId === referredId) throw new InvalidInputError('a customer cannot use their own referral code');
  const referred = await db
    .selectFrom('customers')
    .select(['id', 'order_count'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', referredId)
    .executeTakeFirst();
  if (!referred) throw new NotFoundError(`customer ${referredId} not found`);
  if (referred.order_count > 0)
    throw new RetainError(
      'conflict',
      `customer ${referredId} has already bought: only new customers can be referred`,
    );
  const chain = await sql<{ id: number }>`
    with recursive up(id) as (
      select ${referrerId}::bigint
      union
      select r.referrer_id from referrals r join up on r.referred_id = up.id where r.workspace_id = ${workspaceId}
    ) select id from up where id = ${referredId}`.execute(db);
  if (chain.rows.length > 0)
    throw new InvalidInputError('this referral would make a loop: the referrer was brought by this customer');
  return audited(
    db,
    workspaceId,
    actor,
    async (trx) => {
      const linked = await trx
        .insertInto('referrals')
        .values({ workspace_id: workspaceId, referred_id: referredId, referrer_id: referrerId, code })
        .onConflict((oc) => oc.doNothing())
        .returning('referred_id')
        .executeTakeFirst();
      if (!linked) throw new RetainError('conflict', `customer ${referredId} was already referred`);
      return { referrerId, referredId };
    },
    () => ({
      action: 'referral.link',
      objectType: 'customer',
      objectId: referredId,
      detail: { referrer: referrerId },
    }),
  );
}

/**
 * Rewards referrals whose new customer (among `customerIds`) now has a first valid order: points
 * and coupons for both, as the workspace configures, exactly once (the referral is marked in the
 * same statement that picks it). Run inside the caller's transaction.
 */
export async function rewardReferrals(
  db: Kysely<Schema>,
  workspace: Workspace,
  customerIds: readonly number[],
): Promise<number> {
  if (customerIds.length === 0) return 0;
  const ws = workspace.id;
  const converted = await sql<{ referred_id: number; referrer_id: number; order_id: string }>`
    update referrals r set converted_at = c.first_order_at, rewarded_at = now(), converted_order_id = (
        select o.order_id from orders o where o.workspace_id = ${ws} and o.customer_id = c.id and o.ordered_at = c.first_order_at
        order by o.order_id limit 1)
    from customers c
    where r.workspace_id = ${ws} and r.rewarded_at is null and r.referred_id = any(${[...customerIds]}::bigint[])
      and c.workspace_id = ${ws} and c.id = r.referred_id and c.first_order_at is not null
    returning r.referred_id, r.referrer_id, r.converted_order_id as order_id`.execute(db);
  if (converted.rows.length === 0) return 0;
  const rules = readSettings(workspace.settings).referrals;
  const grants: { customer: number; points: number; key: string; reason: string }[] = [];
  for (const r of converted.rows) {
    if (rules.referrer_points > 0)
      grants.push({
        customer: r.referrer_id,
        points: rules.referrer_points,
        key: `referral:referrer:${r.referred_id}`,
        reason: `referred customer ${r.referred_id}`,
      });
    if (rules.referee_points > 0)
      grants.push({
        customer: r.referred_id,
        points: rules.referee_points,
        key: `referral:referee:${r.referred_id}`,
        reason: `joined with customer ${r.referrer_id}'s code`,
      });
  }
  if (grants.length > 0) {
    await sql`
      insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, expires_at)
      select ${ws}, c, 'bonus', p, reason, k, ${pointsExpiry(workspace, sql`now()`)}
      from unnest(${grants.map((g) => g.customer)}::bigint[], ${grants.map((g) => g.points)}::int[],
        ${grants.map((g) => g.reason)}::text[], ${grants.map((g) => g.key)}::text[]) as x(c, p, reason, k)
      on conflict (workspace_id, idempotency_key) do nothing`.execute(db);
  }
  for (const [templateName, who] of [
    [rules.referrer_coupon, converted.rows.map((r) => r.referrer_id)],
    [rules.referee_coupon, converted.rows.map((r) => r.referred_id)],
  ] as const) {
    if (!templateName) continue;
    const template = await findCouponTemplate(db, ws, templateName);
    await issueCouponsInTransaction(db, template, who, { source: 'referral' });
  }
  return converted.rows.length;
}

/** Referrals, converted referrals, revenue from referred customers, and the top referrers. */
export async function referralReport(db: Kysely<Schema>, workspaceId: number, top = 10) {
  const totals = await sql<{ referrals: number; converted: number; revenue: number }>`
    select count(*)::int as referrals, count(r.converted_at)::int as converted, coalesce(sum(c.net_total), 0)::bigint as revenue
    from referrals r join customers c on c.workspace_id = r.workspace_id and c.id = r.referred_id
    where r.workspace_id = ${workspaceId}`.execute(db);
  const leaders = await sql<{
    customer_id: number;
    external_id: string | null;
    referrals: number;
    converted: number;
    revenue: number;
  }>`
    select r.referrer_id as customer_id, p.external_id, count(*)::int as referrals, count(r.converted_at)::int as converted,
      coalesce(sum(c.net_total), 0)::bigint as revenue
    from referrals r
    join customers c on c.workspace_id = r.workspace_id and c.id = r.referred_id
    join customers p on p.workspace_id = r.workspace_id and p.id = r.referrer_id
    where r.workspace_id = ${workspaceId}
    group by r.referrer_id, p.external_id order by converted desc, revenue desc, r.referrer_id limit ${top}`.execute(
    db,
  );
  return { ...totals.rows[0]!, top_referrers: leaders.rows };
}

/** Who referred a customer, whom they referred (the latest 200) and their code if they have one. */
export async function customerReferrals(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  const link = ['referrer_id', 'referred_id', 'linked_at', 'converted_at', 'converted_order_id'] as const;
  const [code, by, referred] = await Promise.all([
    db
      .selectFrom('referral_codes')
      .select('code')
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst(),
    db
      .selectFrom('referrals')
      .select(link)
      .where('workspace_id', '=', workspaceId)
      .where('referred_id', '=', customerId)
      .executeTakeFirst(),
    db
      .selectFrom('referrals')
      .select(link)
      .where('workspace_id', '=', workspaceId)
      .where('referrer_id', '=', customerId)
      .orderBy('linked_at', 'desc')
      .limit(200)
      .execute(),
  ]);
  return { code: code?.code ?? null, referredBy: by ?? null, referred };
}
