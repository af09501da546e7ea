import { type Kysely, sql } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { insertKnownEvents } from '../events/index.ts';
import { VALID_ORDER } from '../orders/order-status.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';

/** What one evaluation changed. */
export interface TierChanges {
  upgraded: number;
  downgraded: number;
  /** Customers now below their tier, kept in it until the grace period ends. */
  in_grace: number;
}

/**
 * Evaluates tiers on `asOf` (a local date) for every customer, or those in `customerIds`:
 * qualification is the rolling 12-month net spend of valid orders (or points earned, by the
 * workspace setting — never the spendable balance). A customer who qualifies higher is upgraded at
 * once; one who qualifies lower keeps the tier until `grace_days` after first falling below, then
 * moves down at that evaluation. Each change is a `tier_changed` event (from, to) for journeys.
 * Run it in a transaction.
 */
export async function evaluateTiers(
  db: Kysely<Schema>,
  workspace: Workspace,
  asOf: string,
  customerIds?: readonly number[],
): Promise<TierChanges> {
  const ws = workspace.id;
  const { tiers } = readSettings(workspace.settings);
  const levels = [...tiers.levels].sort((a, b) => a.min - b.min);
  const rank = new Map(levels.map((l, i) => [l.code, i]));
  const highestFirst = [...levels].reverse();
  const only = customerIds ? sql`and c.id = any(${[...customerIds]}::bigint[])` : sql``;
  const window = sql`> (${asOf}::date - 365)`;
  // For a few customers (an order batch) an index look-up each is cheapest; for many (a daily run,
  // a big import) one grouped pass over the window's orders and a hash join.
  const few = customerIds !== undefined && customerIds.length <= 10_000;
  const restrict = few ? sql`and customer_id = any(${[...customerIds]}::bigint[])` : sql``;
  const values =
    tiers.basis === 'spend'
      ? sql`select o.customer_id, sum(o.amount - o.refunded_amount) as v from orders o where o.workspace_id = ${ws}
          and ${VALID_ORDER} and o.local_date ${window} and o.local_date <= ${asOf}::date ${restrict} group by o.customer_id`
      : sql`select l.customer_id, sum(l.points) as v from points_ledger l where l.workspace_id = ${ws}
          and l.kind in ('earn', 'bonus', 'reverse') and (l.at at time zone ${workspace.timezone})::date ${window}
          and (l.at at time zone ${workspace.timezone})::date <= ${asOf}::date ${restrict} group by l.customer_id`;
  const lowest = levels[0]?.min ?? 0;
  const rows = await sql<{
    customer_id: number;
    value: number;
    tier: string | null;
    below_since: string | null;
  }>`
    select x.* from (
      select c.id as customer_id, coalesce(v.v, 0)::bigint as value, ct.tier, ct.below_since::text as below_since
      from customers c left join customer_tiers ct on ct.workspace_id = c.workspace_id and ct.customer_id = c.id
      left join (${values}) v on v.customer_id = c.id
      where c.workspace_id = ${ws} ${only}
    ) x where x.tier is not null or x.value >= ${lowest}`.execute(db);
  const changes: TierChanges = { upgraded: 0, downgraded: 0, in_grace: 0 };
  const events: { customerId: number; from: string | null; to: string | null }[] = [];
  const graceEnds = (since: string) => {
    const d = new Date(`${since}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + tiers.grace_days);
    return d.toISOString().slice(0, 10);
  };
  const moved: { id: number; tier: string }[] = [];
  const dropped: number[] = [];
  const grace: { id: number; since: string }[] = [];
  const cleared: number[] = [];
  for (const row of rows.rows) {
    const qualified = highestFirst.find((l) => l.min <= Number(row.value))?.code ?? null;
    const q = qualified === null ? -1 : rank.get(qualified)!;
    const c = row.tier === null ? -1 : (rank.get(row.tier) ?? -1);
    if (q > c || (q < c && graceEnds(row.below_since ?? asOf) <= asOf)) {
      if (qualified === null) dropped.push(row.customer_id);
      else moved.push({ id: row.customer_id, tier: qualified });
      events.push({ customerId: row.customer_id, from: row.tier, to: qualified });
      if (q > c) changes.upgraded++;
      else changes.downgraded++;
    } else if (q < c) {
      grace.push({ id: row.customer_id, since: row.below_since ?? asOf });
      changes.in_grace++;
    } else if (row.below_since !== null) {
      cleared.push(row.customer_id);
    }
  }
  {
    const trx = db;
    const mine = sql`workspace_id = ${ws}`;
    if (moved.length > 0)
      await sql`insert into customer_tiers (workspace_id, customer_id, tier, evaluated_on)
        select ${ws}, id, tier, ${asOf} from unnest(${moved.map((m) => m.id)}::bigint[], ${moved.map((m) => m.tier)}::text[]) as x(id, tier)
        on conflict (workspace_id, customer_id) do update set tier = excluded.tier, since = excluded.since, below_since = null,
          evaluated_on = excluded.evaluated_on`.execute(trx);
    if (dropped.length > 0)
      await sql`delete from customer_tiers where ${mine} and customer_id = any(${dropped}::bigint[])`.execute(
        trx,
      );
    if (grace.length > 0)
      await sql`update customer_tiers t set below_since = x.since, evaluated_on = ${asOf}
        from unnest(${grace.map((g) => g.id)}::bigint[], ${grace.map((g) => g.since)}::date[]) as x(id, since)
        where t.workspace_id = ${ws} and t.customer_id = x.id`.execute(trx);
    if (cleared.length > 0)
      await sql`update customer_tiers set below_since = null, evaluated_on = ${asOf}
        where ${mine} and customer_id = any(${cleared}::bigint[])`.execute(trx);
    if (events.length > 0) {
      await insertKnownEvents(
        trx,
        events.map((e) => ({
          workspaceId: ws,
          timezone: workspace.timezone,
          customerId: e.customerId,
          type: 'tier_changed',
          local: `${asOf} 00:00:00`,
          absolute: null,
          properties: JSON.stringify({ from: e.from, to: e.to }),
        })),
      );
    }
  }
  return changes;
}

/** A customer's tier (undefined for none) with its benefits. */
export async function customerTier(db: Kysely<Schema>, workspace: Workspace, customerId: number) {
  const row = await db
    .selectFrom('customer_tiers')
    .select(['tier', 'since', 'below_since'])
    .where('workspace_id', '=', workspace.id)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!row) return undefined;
  const level = readSettings(workspace.settings).tiers.levels.find((l) => l.code === row.tier);
  return { ...row, level };
}

/**
 * {@link evaluateTiers} for every customer, as people run it (API and CLI alike): the changes and
 * their `tiers.evaluate` audit row (the date and the counts) commit together.
 */
export function evaluateTiersAs(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  asOf: string,
): Promise<TierChanges> {
  return audited(
    db,
    workspace.id,
    actor,
    (trx) => evaluateTiers(trx, workspace, asOf),
    (changes) => ({
      action: 'tiers.evaluate',
      objectType: 'workspace',
      objectId: workspace.id,
      detail: { as_of: asOf, ...changes },
    }),
  );
}
