import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { VALID_ORDER } from '../orders/index.ts';

/** Why a code on an order did not redeem (or `redeemed`). */
export type RedemptionResult =
  | 'redeemed'
  | 'not_found'
  | 'already_used'
  | 'order_not_valid'
  | 'wrong_customer'
  | 'not_started'
  | 'expired'
  | 'channel'
  | 'product'
  | 'below_threshold'
  | 'not_stackable';

/** What separates several codes in one order's `coupon_code` (spaces and dashes belong to a code). */
export const CODE_SEPARATORS = ',;，；、|';

/**
 * Redeems the coupon codes that orders just imported carry (`claimsTable (order_id, coupon_code)`),
 * and records every attempt with its result. Exactly once: a coupon is claimed by an update that
 * requires it unredeemed, so of two orders racing for one code, in one file or two concurrent
 * imports, one wins and the other is recorded `already_used`. Re-importing an order changes
 * nothing; an order that was pending and is now paid redeems then. The orders import regardless.
 *
 * An order may carry several codes ({@link CODE_SEPARATORS}). Of those that would redeem, the
 * first written always does; a later one only when it and the first are both stackable, else it
 * is `not_stackable`. Each threshold is then checked against the price before all the order's
 * discounts (the net paid plus every discount kept). A coupon for some products needs a line of
 * one of them (else `product`); its threshold and percentage count only those lines.
 */
export async function redeemCoupons(
  session: Session,
  workspaceId: number,
  claimsTable: string,
): Promise<void> {
  const db = session.db;
  const ws = workspaceId;
  await sql`drop table if exists coupon_check`.execute(db);
  await sql`
    create temp table coupon_check as
    select distinct on (k.order_id, n.code) k.order_id, n.code, w.pos, o.customer_id, o.ordered_at, o.channel,
      o.store, o.amount - o.refunded_amount as net, (${VALID_ORDER}) as valid,
      c.code is not null as found, c.customer_id as owner, c.starts_at, c.expires_at, c.redeemed_order_id,
      t.kind, t.amount_off, t.percent_off, t.max_discount, t.threshold, t.channels, t.stores, t.stackable, t.products,
      -- What the coupon applies to: the order, or the lines of its products (never more than was paid).
      case when t.products is null then o.amount - o.refunded_amount
        else least(o.amount - o.refunded_amount, (select coalesce(sum(l.amount), 0) from order_lines l
          where l.workspace_id = ${ws} and l.order_id = k.order_id and l.sku = any(t.products))) end as eligible
    from (select distinct on (order_id) order_id, coupon_code from ${sql.table(claimsTable)}
      where coupon_code is not null and coupon_code <> '' order by order_id) k
    cross join lateral unnest(regexp_split_to_array(k.coupon_code, ${`[${CODE_SEPARATORS}]`})) with ordinality as w(typed, pos)
    -- Codes as typed: upper case, no spaces or dashes, regrouped as stored (XXXXX-XXXXX).
    cross join lateral (select regexp_replace(upper(w.typed), '[\\s-]', '', 'g') as bare) b
    cross join lateral (select case when length(b.bare) = 10 then substr(b.bare, 1, 5) || '-' || substr(b.bare, 6)
      else upper(btrim(w.typed)) end as code) n
    join orders o on o.workspace_id = ${ws} and o.order_id = k.order_id
    left join coupons c on c.workspace_id = ${ws} and c.code = n.code
    left join coupon_templates t on t.workspace_id = ${ws} and t.id = c.template_id
    where b.bare <> ''
    order by k.order_id, n.code, w.pos`.execute(db);
  // The discount an order got: a fixed amount, or the percentage of the price before discount
  // (the imported amount is what was paid), capped.
  await sql`alter table coupon_check add column discount bigint, add column result text`.execute(db);
  await sql`update coupon_check set discount = case kind
      when 'amount_off' then amount_off
      when 'percent_off' then least(round(eligible * percent_off / (100.0 - percent_off))::bigint, coalesce(max_discount, 9223372036854775807))
      else 0 end`.execute(db);
  await sql`update coupon_check set result = case
      when not found then 'not_found'
      when redeemed_order_id = order_id then 'redeemed'
      when redeemed_order_id is not null then 'already_used'
      when not valid then 'order_not_valid'
      when owner is not null and owner is distinct from customer_id then 'wrong_customer'
      when starts_at is not null and ordered_at < starts_at then 'not_started'
      when expires_at is not null and ordered_at >= expires_at then 'expired'
      when (channels is not null and not (channel = any(channels))) or (stores is not null and not (store = any(stores))) then 'channel'
      when products is not null and eligible <= 0 then 'product'
      end`.execute(db);
  // Several codes on one order: the first that would redeem is kept, later ones only if both stack.
  // What this order redeemed before counts, so importing it again redeems nothing more.
  const standing = sql`(result is null or result = 'redeemed')`;
  await sql`
    with ranked as (
      select order_id, code, row_number() over w as nth, first_value(stackable) over w as first_stacks
      from coupon_check where ${standing} window w as (partition by order_id order by pos)
    )
    update coupon_check k set result = 'not_stackable' from ranked r
    where k.order_id = r.order_id and k.code = r.code and k.result is null and r.nth > 1
      and not (r.first_stacks and k.stackable)`.execute(db);
  await sql`
    with before_discounts as (
      select order_id, max(net) + sum(discount) as price from coupon_check where ${standing} group by order_id
    )
    update coupon_check k set result = 'below_threshold' from before_discounts p
    where k.order_id = p.order_id and k.result is null
      and (case when k.products is null then p.price else k.eligible + k.discount end) < k.threshold`.execute(
    db,
  );
  // Of several orders in this import claiming one free code, the earliest wins.
  await sql`
    with winners as (
      select distinct on (code) code, order_id, discount from coupon_check where result is null
      order by code, ordered_at, order_id
    ), claimed as (
      update coupons c set redeemed_at = now(), redeemed_order_id = w.order_id, discount = w.discount
      from winners w where c.workspace_id = ${ws} and c.code = w.code and c.redeemed_at is null
      returning c.code, c.redeemed_order_id
    )
    update coupon_check k set result = case when exists (
      select 1 from claimed x where x.code = k.code and x.redeemed_order_id = k.order_id) then 'redeemed' else 'already_used' end
    where k.result is null`.execute(db);
  await sql`
    insert into coupon_redemptions (workspace_id, order_id, code, result, reason, discount)
    select ${ws}, order_id, code, result, null, case when result = 'redeemed' then discount end from coupon_check
    on conflict (workspace_id, order_id, code) do update set result = excluded.result, discount = excluded.discount, at = excluded.at
    where coupon_redemptions.result <> 'redeemed'`.execute(db);
}

/**
 * After an order-lines import: orders whose codes were checked before their lines arrived are
 * checked again, since a coupon for some products needs their lines. Only workspaces with such
 * coupons pay for it.
 */
export async function redeemAfterLines(
  session: Session,
  workspaceId: number,
  linesTable: string,
): Promise<void> {
  const db = session.db;
  const needed =
    await sql`select 1 from coupon_templates where workspace_id = ${workspaceId} and products is not null limit 1`.execute(
      db,
    );
  if (needed.rows.length === 0) return;
  await sql`drop table if exists coupon_claims`.execute(db);
  await sql`
    create temp table coupon_claims as
    select o.order_id, o.coupon_code from orders o
    where o.workspace_id = ${workspaceId} and o.coupon_code is not null
      and o.order_id in (select order_id from ${sql.table(linesTable)})`.execute(db);
  await redeemCoupons(session, workspaceId, 'coupon_claims');
}
