import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ID_MAP } from '../identity/identity-resolve.ts';
import type { StageContext, StageCounts } from '../importing/kind-processor.ts';
import { STAGING_TABLE } from '../importing/staging.ts';
import { eventKey } from './event-key.ts';

/**
 * Inserts staged events; an event already stored (same person, type, instant and properties) is skipped.
 */
export async function processEvents(ctx: StageContext): Promise<StageCounts> {
  const { session, workspaceId: ws, timezone } = ctx;
  const result = await sql<{ n: number }>`
    with e as (
      select m.customer_id, s.type, coalesce(s.ts_abs, s.ts_local at time zone ${timezone}) as occurred_at, s.properties, s.idkey
      from ${sql.table(STAGING_TABLE)} s join ${sql.table(ID_MAP)} m on m.idkey = s.idkey
    ), ins as (
      insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key)
      select ${ws}, customer_id, type, occurred_at, properties,
        ${eventKey(sql.ref('customer_id'), sql.ref('type'), sql.ref('occurred_at'), sql.ref('properties'))}
      from e
      on conflict (workspace_id, event_key) do nothing
      returning 1
    ) select count(*)::int as n from ins`.execute(session.db);
  const inserted = result.rows[0]?.n ?? 0;
  return { inserted, updated: 0, unchanged: ctx.stagedRows - inserted, guest: 0 };
}

/** An event whose customer is already known, as the API's fast path inserts it. */
export interface KnownEvent {
  customerId: number;
  type: string;
  /** Wall-clock time in the workspace zone (`YYYY-MM-DD HH:mm:ss`), or null when `absolute` is set. */
  local: string | null;
  absolute: string | null;
  properties: string;
}

/** Inserts events of known customers in one statement; returns how many were new. */
export async function insertKnownEvents(
  db: Kysely<Schema>,
  workspaceId: number,
  timezone: string,
  events: readonly KnownEvent[],
): Promise<number> {
  const result = await sql<{ n: number }>`
    with e as (
      select c as customer_id, t as type, coalesce(a, l at time zone ${timezone}) as occurred_at, p as properties
      from unnest(${events.map((e) => e.customerId)}::bigint[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => e.local)}::timestamp[], ${events.map((e) => e.absolute)}::timestamptz[],
        ${events.map((e) => e.properties)}::jsonb[]) as x(c, t, l, a, p)
    ), ins as (
      insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key)
      select ${workspaceId}, customer_id, type, occurred_at, properties,
        ${eventKey(sql.ref('customer_id'), sql.ref('type'), sql.ref('occurred_at'), sql.ref('properties'))}
      from e
      on conflict (workspace_id, event_key) do nothing
      returning 1
    ) select count(*)::int as n from ins`.execute(db);
  return result.rows[0]?.n ?? 0;
}
