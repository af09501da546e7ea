import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** Members entering or leaving in one refresh past which the members table is analyzed again. */
const ANALYZE_AFTER = 10_000;

/** How a segment's stored membership changed in one refresh. */
export type MembershipChange = {
  entered: number;
  exited: number;
};

/**
 * Stores the difference between a segment's members and `where` (over `customers c`): customers
 * who now match enter (an `entered` event), members who no longer match exit (`exited`). With
 * `only`, just those customers are looked at. Records the customers version the refresh read (taken
 * before reading), for the next one.
 */
export async function applyMembership(
  db: Kysely<Schema>,
  workspaceId: number,
  segmentId: number,
  where: RawBuilder<boolean>,
  scope: { only?: readonly number[]; asOf: string; version: number },
): Promise<MembershipChange> {
  const ws = workspaceId;
  const inScope = scope.only ? sql`and c.id = any(${scope.only}::bigint[])` : sql``;
  const memberInScope = scope.only ? sql`and m.customer_id = any(${scope.only}::bigint[])` : sql``;
  // One statement: who matches is worked out once, and the inserts and deletes both see the rows
  // as they were before it.
  const counts = await sql<{ entered: number; exited: number }>`
    with now_in as materialized (select c.id from customers c where c.workspace_id = ${ws} ${inScope} and ${where}),
    added as (
      insert into segment_members (workspace_id, segment_id, customer_id)
      select ${ws}, ${segmentId}, id from now_in on conflict do nothing returning customer_id
    ), gone as (
      delete from segment_members m where m.workspace_id = ${ws} and m.segment_id = ${segmentId} ${memberInScope}
      -- NOT IN over a subquery runs as one hash lookup per member whatever the row estimate (the
      -- planner guesses a few dozen rows for an id list and picked a quadratic nested loop).
      and m.customer_id not in (select id from now_in)
      returning customer_id
    ), ev as (
      insert into segment_events (workspace_id, segment_id, customer_id, action)
      select ${ws}::int, ${segmentId}::bigint, customer_id, 'entered' from added
      union all select ${ws}::int, ${segmentId}::bigint, customer_id, 'exited' from gone
    ) select (select count(*) from added)::int as entered, (select count(*) from gone)::int as exited`.execute(
    db,
  );
  return recordRefresh(db, ws, segmentId, scope, counts.rows[0]);
}

/**
 * {@link applyMembership} for a segment whose matches among the customers `only` (ascending) are
 * known already (`matching`, ascending): reads their stored membership, and writes only who
 * enters and who exits.
 */
export async function applyMatches(
  db: Kysely<Schema>,
  workspaceId: number,
  segmentId: number,
  matching: readonly number[],
  scope: { only: readonly number[]; asOf: string; version: number },
): Promise<MembershipChange> {
  const ws = workspaceId;
  const stored = await sql<{ id: string }>`select customer_id as id from segment_members
    where workspace_id = ${ws} and segment_id = ${segmentId} and customer_id = any(${scope.only}::bigint[])`.execute(
    db,
  );
  const members = new Set(stored.rows.map((r) => Number(r.id)));
  const now = new Set(matching);
  const entering = matching.filter((id) => !members.has(id));
  const exiting = [...members].filter((id) => !now.has(id));
  let counts = { entered: 0, exited: 0 };
  if (entering.length + exiting.length > 0) {
    const written = await sql<{ entered: number; exited: number }>`
      with added as (
        insert into segment_members (workspace_id, segment_id, customer_id)
        select ${ws}, ${segmentId}, id from unnest(${entering}::bigint[]) id on conflict do nothing returning customer_id
      ), gone as (
        delete from segment_members m where m.workspace_id = ${ws} and m.segment_id = ${segmentId}
        and m.customer_id = any(${exiting}::bigint[]) returning customer_id
      ), ev as (
        insert into segment_events (workspace_id, segment_id, customer_id, action)
        select ${ws}::int, ${segmentId}::bigint, customer_id, 'entered' from added
        union all select ${ws}::int, ${segmentId}::bigint, customer_id, 'exited' from gone
      ) select (select count(*) from added)::int as entered, (select count(*) from gone)::int as exited`.execute(
      db,
    );
    counts = written.rows[0] ?? counts;
  }
  return recordRefresh(db, ws, segmentId, scope, counts);
}

/** Analyzes the members after a large change and records what the refresh read. */
async function recordRefresh(
  db: Kysely<Schema>,
  ws: number,
  segmentId: number,
  scope: { asOf: string; version: number },
  counts: MembershipChange | undefined,
): Promise<MembershipChange> {
  const changed = (counts?.entered ?? 0) + (counts?.exited ?? 0);
  // A large change makes the planner's row count of the members stale at once (the embedded store
  // has no autovacuum, a server's comes later): a broadcast's reach over a segment of a million
  // was planned for three members, one index look-up each.
  if (changed > ANALYZE_AFTER) await sql`analyze segment_members`.execute(db);
  await sql`update segments set refreshed_at = now(), refreshed_as_of = ${scope.asOf}::date,
      refreshed_version = ${scope.version}
    where workspace_id = ${ws} and id = ${segmentId}`.execute(db);
  return { entered: counts?.entered ?? 0, exited: counts?.exited ?? 0 };
}
