import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { messageFunnel } from '../messaging/message-funnel.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import { compareProportions } from '../shared/proportions.ts';
import { armsOf } from './broadcast-audience.ts';
import type { BroadcastReport } from './broadcast-contract.ts';
import { couponRef } from './broadcast-send.ts';
import { presentBroadcast, type StoredBroadcast } from './broadcast-service.ts';

const rate = (x: number, n: number) => (n === 0 ? null : x / n);

/**
 * A broadcast's results: its messages by status (and skip reason), the funnel sent → delivered →
 * opened → clicked → converted with revenue (the journeys' message funnel over its messages), its
 * coupons issued and redeemed, the lift over the holdout (every targeted customer against every
 * held-out one, both anchored when the broadcast started: a conversion is a valid order within the
 * attribution window after it) with its 95% interval, and each A/B arm against the first.
 */
export async function broadcastReport(
  db: Kysely<Schema>,
  broadcast: StoredBroadcast,
): Promise<BroadcastReport> {
  const ws = broadcast.workspace_id;
  const id = broadcast.id;
  const def = broadcast.definition;
  const days = def.attribution_days ?? 7;
  const byStatus = await sql<{ status: string; reason: string | null; n: number }>`
    select status, case when status = 'skipped' then reason end as reason, count(*)::int as n from messages
    where workspace_id = ${ws} and broadcast_id = ${id} group by 1, 2`.execute(db);
  const messages: Record<string, number> = {};
  const skipped: Record<string, number> = {};
  for (const r of byStatus.rows) {
    messages[r.status] = (messages[r.status] ?? 0) + r.n;
    if (r.status === 'skipped') skipped[r.reason ?? ''] = r.n;
  }
  const coupons = await sql<{ issued: number; redeemed: number; discount: string | null }>`
    select count(*)::int as issued, count(redeemed_at)::int as redeemed, coalesce(sum(discount) filter (where redeemed_at is not null), 0) as discount
    from coupons where workspace_id = ${ws} and source = 'campaign' and source_ref = ${couponRef(id)}`.execute(
    db,
  );
  const anchor = broadcast.started_at;
  // Customers of each group (arm or holdout) and those who converted after the start.
  const groups = anchor
    ? await sql<{ grp: string; customers: number; converted: number }>`
      with g as (
        (select distinct on (customer_id) customer_id, step as grp from messages
          where workspace_id = ${ws} and broadcast_id = ${id} order by customer_id, id)
        union all
        (select customer_id, '' as grp from broadcast_holdouts where workspace_id = ${ws} and broadcast_id = ${id})
      ) select g.grp, count(*)::int as customers,
          count(*) filter (where exists (select 1 from orders o where o.workspace_id = ${ws} and o.customer_id = g.customer_id
            and ${VALID_ORDER} and o.ordered_at > ${anchor} and o.ordered_at <= ${anchor}::timestamptz + ${days}::int * interval '1 day'))::int as converted
        from g group by g.grp`.execute(db)
    : { rows: [] };
  const find = (grp: string) => groups.rows.find((r) => r.grp === grp) ?? { customers: 0, converted: 0 };
  const group = (x: { customers: number; converted: number }) => ({
    customers: x.customers,
    converted: x.converted,
    conversion_rate: rate(x.converted, x.customers),
  });
  const treatedRows = groups.rows.filter((r) => r.grp !== '');
  const treated = group({
    customers: treatedRows.reduce((s, r) => s + r.customers, 0),
    converted: treatedRows.reduce((s, r) => s + r.converted, 0),
  });
  const heldOut = group(find(''));
  const arms = armsOf(def);
  const base = group(find(arms[0]!.name));
  return {
    broadcast: presentBroadcast(broadcast),
    messages,
    skipped,
    held_out: heldOut.customers,
    funnel: await messageFunnel(db, ws, { broadcastId: id }, days),
    coupons: { ...coupons.rows[0]!, discount: Number(coupons.rows[0]!.discount ?? 0) },
    lift:
      (def.holdout_percent ?? 0) > 0
        ? {
            treated,
            held_out: heldOut,
            ...compareProportions(treated.converted, treated.customers, heldOut.converted, heldOut.customers),
          }
        : null,
    arms: await Promise.all(
      arms.map(async (a) => {
        const g = group(find(a.name));
        return {
          name: a.name,
          funnel: await messageFunnel(db, ws, { broadcastId: id, arm: a.name }, days),
          ...g,
          ...compareProportions(g.converted, g.customers, base.converted, base.customers),
        };
      }),
    ),
  };
}
