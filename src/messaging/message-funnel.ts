import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { VALID_ORDER } from '../orders/order-status.ts';

/**
 * A funnel from touch to order, in customers: touched = a message got past the guards to the
 * provider (skipped ones reached no one), delivered = the provider took it.
 */
export interface Funnel {
  touched: number;
  delivered: number;
  opened: number;
  clicked: number;
  added_to_cart: number;
  converted: number;
  /** Net amount (minor units) of the valid orders in the attribution window after the touch. */
  revenue: number;
  /** converted / touched (PRODUCT.md §3.5); null with no touch. */
  conversion_rate: number | null;
}

/** Which messages a funnel counts: a journey's (or a step's), a broadcast's (or an arm's), or all first touched in a period. */
export type FunnelScope =
  | { journeyId: number; step?: string }
  | { broadcastId: number; arm?: string }
  | { from: string; to: string; timezone: string };

/**
 * The funnel touched → delivered → opened → clicked → added to cart → ordered over the scope's
 * messages (journey webhooks, which reach no customer, left out). Each customer counts once,
 * anchored at their first touch: a cart or a valid order within `attributionDays` after it
 * converts them, with that order's net as revenue.
 *
 * @example await messageFunnel(db, ws.id, { from: '2026-11-01', to: '2026-12-01', timezone }, 7)
 */
export async function messageFunnel(
  db: Kysely<Schema>,
  workspaceId: number,
  scope: FunnelScope,
  attributionDays: number,
): Promise<Funnel> {
  const ws = workspaceId;
  const days = attributionDays;
  const which =
    'journeyId' in scope
      ? sql`and m.journey_id = ${scope.journeyId} ${scope.step ? sql`and m.step = ${scope.step}` : sql``}`
      : 'broadcastId' in scope
        ? sql`and m.broadcast_id = ${scope.broadcastId} ${scope.arm ? sql`and m.step = ${scope.arm}` : sql``}`
        : sql``;
  const inPeriod =
    'journeyId' in scope || 'broadcastId' in scope
      ? sql``
      : sql`where (t.first_sent at time zone ${scope.timezone})::date >= ${scope.from}::date
          and (t.first_sent at time zone ${scope.timezone})::date < ${scope.to}::date`;
  const r = await sql<Omit<Funnel, 'conversion_rate'>>`
    with touches as (
      select m.customer_id, bool_or(m.status = 'sent') as delivered,
        min(case when m.status = 'sent' then m.sent_at else m.due_at end) as first_sent,
        bool_or(m.opened_at is not null) as opened, bool_or(m.clicked_at is not null) as clicked
      from messages m where m.workspace_id = ${ws} and m.payload is null and m.status in ('sent', 'failed') ${which}
      group by m.customer_id
    ), outcome as (
      select t.*,
        exists (select 1 from events e where e.workspace_id = ${ws} and e.customer_id = t.customer_id and e.type = 'add_to_cart'
          and e.occurred_at > t.first_sent and e.occurred_at <= t.first_sent + ${days}::int * interval '1 day') as carted,
        (select sum(o.amount - o.refunded_amount) from orders o where o.workspace_id = ${ws} and o.customer_id = t.customer_id
          and ${VALID_ORDER} and o.ordered_at > t.first_sent and o.ordered_at <= t.first_sent + ${days}::int * interval '1 day') as revenue
      from touches t ${inPeriod}
    ) select count(*)::int as touched, count(*) filter (where delivered)::int as delivered,
        count(*) filter (where opened)::int as opened, count(*) filter (where clicked)::int as clicked,
        count(*) filter (where carted)::int as added_to_cart, count(revenue)::int as converted,
        coalesce(sum(revenue), 0)::bigint as revenue from outcome`.execute(db);
  const f = r.rows[0]!;
  return {
    ...f,
    revenue: Number(f.revenue),
    conversion_rate: f.touched === 0 ? null : f.converted / f.touched,
  };
}
