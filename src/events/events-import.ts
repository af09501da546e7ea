import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ID_MAP } from '../identity/identity-resolve.ts';
import type { StageContext, StageCounts } from '../importing/index.ts';
import { STAGING_TABLE } from '../importing/staging.ts';
import { eventKey } from './event-key.ts';

/**
 * An event's `created_at`: the transaction's time, written in the statement rather than left to the
 * column default, which on Citus the worker holding the shard fills with its own transaction's
 * time. Journeys read new events and loyalty finds the events a transaction added by this value.
 */
export const CREATED_NOW = sql<Date>`now()`;

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
      insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key, created_at)
      select ${ws}, customer_id, type, occurred_at, properties,
        ${eventKey(sql.ref('customer_id'), sql.ref('type'), sql.ref('occurred_at'), sql.ref('properties'))}, ${CREATED_NOW}
      from e
      on conflict (workspace_id, event_key) do nothing
      returning 1
    ) select count(*)::int as n from ins`.execute(session.db);
  const inserted = result.rows[0]?.n ?? 0;
  return { inserted, updated: 0, unchanged: ctx.stagedRows - inserted, guest: 0 };
}

/** An event whose customer is already known, as the API's fast path inserts it. */
export interface KnownEvent {
  workspaceId: number;
  timezone: string;
  customerId: number;
  type: string;
  /** Wall-clock time in the workspace zone (`YYYY-MM-DD HH:mm:ss`), or null when `absolute` is set. */
  local: string | null;
  absolute: string | null;
  /** JSON object text. */
  properties: string;
}

/**
 * Inserts events of known customers (of any workspaces) in one statement; returns the positions
 * (in `events`) of those that were new, so callers can tell each sender what happened.
 */
export async function insertKnownEvents(
  db: Kysely<Schema>,
  events: readonly KnownEvent[],
): Promise<Set<number>> {
  const col = <T>(f: (e: KnownEvent) => T) => events.map(f);
  const key = eventKey(
    sql.ref('customer_id'),
    sql.ref('type'),
    sql.ref('occurred_at'),
    sql.ref('properties'),
  );
  const result = await sql<{ ord: number }>`
    with e as (
      select ord, ws, customer_id, type, occurred_at, properties, ${key} as event_key from (
        select x.ord, x.ws, x.c as customer_id, x.t as type, coalesce(x.a, x.l at time zone x.tz) as occurred_at, x.p as properties
        from unnest(${events.map((_e, i) => i)}::int[], ${col((e) => e.workspaceId)}::int[], ${col((e) => e.customerId)}::bigint[],
          ${col((e) => e.type)}::text[], ${col((e) => e.local)}::timestamp[], ${col((e) => e.absolute)}::timestamptz[],
          ${col((e) => e.timezone)}::text[], ${col((e) => e.properties)}::jsonb[]) as x(ord, ws, c, t, l, a, tz, p)
      ) y
    ), ins as (
      insert into events (workspace_id, customer_id, type, occurred_at, properties, event_key, created_at)
      select ws, customer_id, type, occurred_at, properties, event_key, ${CREATED_NOW} from e
      on conflict (workspace_id, event_key) do nothing
      returning workspace_id, event_key
    ) select distinct on (e.ws, e.event_key) e.ord from e join ins on ins.workspace_id = e.ws and ins.event_key = e.event_key
      order by e.ws, e.event_key, e.ord`.execute(db);
  return new Set(result.rows.map((r) => r.ord));
}
