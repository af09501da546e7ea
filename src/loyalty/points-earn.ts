import { type Kysely, sql } from 'kysely';
import type { Database, Session } from '../db/database.ts';
import type { Schema } from '../db/schema.ts';
import { minorDigits } from '../importing/money-parse.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';

/** `expires_at` of points earned at `at` under the workspace's expiry rule, as SQL. */
export function pointsExpiry(workspace: Workspace, at: ReturnType<typeof sql>) {
  const { expiry } = readSettings(workspace.settings).points;
  if (expiry === 'never') return sql`null::timestamptz`;
  const tz = workspace.timezone;
  return sql`(make_date(extract(year from (${at} at time zone ${tz}))::int + 2, 1, 1)::timestamp at time zone ${tz})`;
}

/**
 * Brings the points of the listed orders (`ordersTable (order_id)`) in line with what they earn
 * now: a valid order earns ⌊net × rate × multiplier⌋ (the multiplier — tier and member day — is
 * fixed when the order first earns), a refund reverses in proportion, a cancellation reverses all.
 * Each change is a new ledger entry whose idempotency key names the order and its new total, so
 * re-importing an order never earns twice. First-order and birthday-month bonuses are given once.
 */
export async function earnPointsForOrders(
  session: Session,
  workspace: Workspace,
  ordersTable: string,
): Promise<void> {
  const db = session.db;
  const ws = workspace.id;
  const tz = workspace.timezone;
  const { points, tiers } = readSettings(workspace.settings);
  const scale = 10 ** minorDigits(workspace.currency);
  const levels = tiers.levels.map((l) => l.code);
  const multipliers = tiers.levels.map((l) => l.multiplier);
  await sql`drop table if exists points_target`.execute(db);
  await sql`
    create temp table points_target as
    select o.order_id, o.customer_id, o.ordered_at,
      coalesce(p.multiplier, (coalesce(m.mult, 1) *
        case when extract(day from o.local_date)::int = any(${points.member_days}::int[]) then ${points.member_day_multiplier}::numeric else 1 end)) as multiplier,
      case when ${VALID_ORDER} then floor((o.amount - o.refunded_amount)::numeric * ${points.per_unit}::numeric
        * coalesce(p.multiplier, (coalesce(m.mult, 1) *
          case when extract(day from o.local_date)::int = any(${points.member_days}::int[]) then ${points.member_day_multiplier}::numeric else 1 end))
        / ${scale})::int else 0 end as target,
      coalesce(p.have, 0)::int as have, p.lot_expires
    from orders o
    join (select distinct order_id from ${sql.table(ordersTable)}) s on s.order_id = o.order_id
    -- One grouped pass over the ledger (a hash join), not a look-up per order: a first load of
    -- millions of orders finds the ledger empty at once.
    left join (
      select l.order_id, sum(l.points) as have, max(l.multiplier) as multiplier, min(l.expires_at) as lot_expires
      from points_ledger l where l.workspace_id = ${ws} and l.kind in ('earn', 'reverse')
        and l.order_id in (select order_id from ${sql.table(ordersTable)})
      group by l.order_id
    ) p on p.order_id = o.order_id
    left join customer_tiers ct on ct.workspace_id = ${ws} and ct.customer_id = o.customer_id
    left join unnest(${levels}::text[], ${multipliers}::numeric[]) as m(code, mult) on m.code = ct.tier
    where o.workspace_id = ${ws} and o.customer_id is not null`.execute(db);
  await sql`
    insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, order_id, multiplier, expires_at, at)
    select ${ws}, customer_id, case when target > have then 'earn' else 'reverse' end, target - have,
      case when target > have then 'order ' || order_id else 'refund or cancellation of order ' || order_id end,
      case when target > have then 'earn:' else 'reverse:' end || order_id || ':' || target,
      order_id, multiplier, coalesce(lot_expires, ${pointsExpiry(workspace, sql`ordered_at`)}),
      -- Points are earned when the order was placed; a reversal happens when it is learnt of.
      case when target > have then ordered_at else now() end
    from points_target where target <> have
    on conflict (workspace_id, idempotency_key) do nothing`.execute(db);
  if (points.first_order_bonus > 0) {
    await sql`
      insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, expires_at, at)
      select distinct on (t.customer_id) ${ws}, t.customer_id, 'bonus', ${points.first_order_bonus}, 'first order', 'bonus:first_order:' || t.customer_id,
        ${pointsExpiry(workspace, sql`t.ordered_at`)}, t.ordered_at
      from points_target t join customers c on c.workspace_id = ${ws} and c.id = t.customer_id
      where t.target > 0 and t.ordered_at = c.first_order_at
      order by t.customer_id, t.ordered_at
      on conflict (workspace_id, idempotency_key) do nothing`.execute(db);
  }
  if (points.birthday_month_bonus > 0) {
    await sql`
      insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, expires_at, at)
      select distinct on (t.customer_id, y) ${ws}, t.customer_id, 'bonus', ${points.birthday_month_bonus}, 'order in birthday month',
        'bonus:birthday:' || t.customer_id || ':' || y, ${pointsExpiry(workspace, sql`t.ordered_at`)}, t.ordered_at
      from (select t.*, extract(year from t.ordered_at at time zone ${tz})::int as y from points_target t) t
      join customers c on c.workspace_id = ${ws} and c.id = t.customer_id
      where t.target > 0 and extract(month from c.birthday) = extract(month from t.ordered_at at time zone ${tz})
      order by t.customer_id, y, t.ordered_at
      on conflict (workspace_id, idempotency_key) do nothing`.execute(db);
  }
}

/**
 * Bonus points for the events this transaction stored (a review, a survey answer, …), by the
 * workspace's `points.event_bonuses`; an event sent again is not stored again, so it never earns
 * twice. Run inside the transaction that inserted the events.
 */
export async function awardEventBonuses(db: Kysely<Schema>, workspace: Workspace): Promise<void> {
  const { points } = readSettings(workspace.settings);
  const bonuses = Object.entries(points.event_bonuses);
  if (!points.enabled || bonuses.length === 0) return;
  // The transaction's time read here and passed as text (microseconds kept): on Citus a `now()` in
  // this statement is evaluated on the workers, in their own transactions.
  const { stamp } = (await sql<{ stamp: string }>`select now()::text as stamp`.execute(db)).rows[0]!;
  await sql`
    insert into points_ledger (workspace_id, customer_id, kind, points, reason, idempotency_key, expires_at, at)
    select ${workspace.id}, e.customer_id, 'bonus', b.points, 'event ' || e.type, 'bonus:event:' || e.id,
      ${pointsExpiry(workspace, sql`e.occurred_at`)}, e.occurred_at
    from events e join unnest(${bonuses.map(([t]) => t)}::text[], ${bonuses.map(([, n]) => n)}::int[]) as b(type, points)
      on b.type = e.type
    where e.workspace_id = ${workspace.id} and e.created_at = ${stamp}::timestamptz
    on conflict (workspace_id, idempotency_key) do nothing`.execute(db);
}

/**
 * Earns points for every order the workspace already holds, in one transaction (for a programme
 * switched on after the orders came in); orders that earned before are brought in line, not doubled.
 */
export async function backfillPoints(store: Database, workspace: Workspace): Promise<void> {
  await store.withSession(async (session) => {
    await sql`begin`.execute(session.db);
    try {
      await sql`drop table if exists all_orders`.execute(session.db);
      await sql`create temp table all_orders as select order_id from orders where workspace_id = ${workspace.id}`.execute(
        session.db,
      );
      await earnPointsForOrders(session, workspace, 'all_orders');
      await sql`commit`.execute(session.db);
    } catch (error) {
      await sql`rollback`.execute(session.db);
      throw error;
    }
  });
}
