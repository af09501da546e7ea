import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { conditionFilter } from '../segments/index.ts';
import { todayIn } from '../shared/local-date.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { Journey } from './journey-model.ts';
import type { StoredJourney } from './journey-service.ts';
import { isDateTrigger, triggerCandidates } from './journey-triggers.ts';

/** How one scan of a journey's trigger went. */
export interface EnterResult {
  entered: number;
  /** Customers who met the trigger and conditions but found the journey's entry cap reached. */
  capped: number;
}

/** Days a stopped worker catches up on for date triggers (older days are not replayed). */
const DATE_CATCH_UP_DAYS = 7;

function reentryFilter(journey: Journey, journeyId: number, now: Date): RawBuilder<boolean> {
  const mine = sql`je.workspace_id = c.workspace_id and je.journey_id = ${journeyId} and je.customer_id = c.id`;
  if (journey.reentry === 'once')
    return sql<boolean>`not exists (select 1 from journey_entries je where ${mine})`;
  if (journey.reentry === 'always') return sql<boolean>`true`;
  return sql<boolean>`not exists (select 1 from journey_entries je where ${mine}
    and je.entered_at > ${now}::timestamptz - ${journey.reentry.every_days}::int * interval '1 day')`;
}

/**
 * Enters the candidates who meet the journey's entry condition and re-entry policy, within its
 * cap, at its start step, due now. Candidates already entered for the same occurrence are left
 * alone, so a scan repeated after a crash enters no one twice.
 */
export async function enterCandidates(
  db: Kysely<Schema>,
  workspace: Workspace,
  stored: StoredJourney,
  candidates: RawBuilder<unknown>,
  now: Date,
): Promise<EnterResult> {
  const journey = stored.definition;
  const ws = workspace.id;
  const where = journey.entry ? await conditionFilter(db, workspace, journey.entry) : sql<boolean>`true`;
  // One entry per customer per scan unless every firing enters.
  const distinct = journey.reentry === 'always' ? sql`` : sql`distinct on (c.id)`;
  // The room left under the cap is counted on its own first: inside the insert it was a subquery
  // Citus could not plan beside the window function. (Two workers scanning one journey at once
  // could each fill the room, as they could when it was counted in the same statement.)
  const room = sql`${journey.max_entries === undefined ? null : await roomUnderCap(db, ws, stored.id, journey.max_entries)}::bigint`;
  const result = await sql<{ entered: number; capped: number }>`
    -- The candidates are read on their own (on Citus: one worker's query, its rows then joined
    -- like a small table); the rest matches the outer customer's workspace_id, never a parameter
    -- again, so Citus can run it on that workspace's shards.
    with cand as materialized (${candidates}),
    fresh as (
      select ${distinct} c.id as customer_id, t.occurrence from cand t
      join customers c on c.workspace_id = ${ws} and c.id = t.customer_id and c.erased_at is null
      where ${where} and ${reentryFilter(journey, stored.id, now)}
        and not exists (select 1 from journey_entries je where je.workspace_id = c.workspace_id and je.journey_id = ${stored.id}
          and je.customer_id = c.id and je.occurrence = t.occurrence)
      order by c.id, t.occurrence
    ), ranked as (select f.*, row_number() over (order by customer_id, occurrence) as n from fresh f),
    added as (
      insert into journey_entries (workspace_id, journey_id, customer_id, occurrence, entered_at, state, step, wake_at, version)
      select ${ws}, ${stored.id}, customer_id, occurrence, ${now}, 'active', ${journey.start}, ${now}, ${stored.version}::int from ranked
      where ${room} is null or n <= ${room}
      on conflict do nothing returning 1
    ) select (select count(*) from added)::int as entered,
        (select count(*) from ranked where ${room} is not null and n > ${room})::int as capped`.execute(db);
  const counts = result.rows[0]!;
  if (counts.capped > 0)
    await sql`update journeys set capped = capped + ${counts.capped} where workspace_id = ${ws} and id = ${stored.id}`.execute(
      db,
    );
  return counts;
}

/** How many more customers may enter a journey capped at `max` entries. */
async function roomUnderCap(db: Kysely<Schema>, ws: number, journeyId: number, max: number): Promise<number> {
  const row = await db
    .selectFrom('journey_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', ws)
    .where('journey_id', '=', journeyId)
    .executeTakeFirstOrThrow();
  return Math.max(0, max - Number(row.n));
}

/**
 * The database time up to which changes are safe to read: the start of the oldest transaction
 * still open in another connection of this store (its rows carry that time and may commit later),
 * or now. Only this store's connections count (same application name, which names the schema):
 * other programs on the database, and Citus's own background work, never write these rows.
 */
async function safeWatermark(db: Kysely<Schema>): Promise<Date> {
  const row = await sql<{ upto: Date }>`
    select coalesce((select min(xact_start) from pg_stat_activity
      where pid <> pg_backend_pid() and xact_start is not null and datname = current_database()
        and application_name = current_setting('application_name')), now()) as upto`.execute(db);
  return row.rows[0]!.upto;
}

/** Days from `from` (exclusive) to `to` (inclusive), at most the last `max`. */
function daysBetween(from: string | null, to: string, max: number): string[] {
  const end = Date.parse(`${to}T00:00:00Z`);
  const start = from ? Date.parse(`${from}T00:00:00Z`) + 86_400_000 : end;
  const days: string[] = [];
  for (let t = Math.max(start, end - (max - 1) * 86_400_000); t <= end; t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/**
 * Reads what fired the journey's trigger since the last scan and enters those customers: a change
 * trigger reads what was committed since, a date trigger each local day not yet evaluated (today
 * included; at most a week back after a stop).
 */
export async function scanTrigger(
  db: Kysely<Schema>,
  workspace: Workspace,
  stored: StoredJourney,
  now: Date,
): Promise<EnterResult> {
  const trigger = stored.definition.trigger;
  const total: EnterResult = { entered: 0, capped: 0 };
  const scope = {
    workspaceId: workspace.id,
    timezone: workspace.timezone,
    since: stored.scanned_to,
    upto: now,
    day: '',
    activeFrom: stored.active_from,
  };
  if (isDateTrigger(trigger)) {
    const today = todayIn(workspace.timezone, now);
    for (const day of daysBetween(stored.dated_to, today, DATE_CATCH_UP_DAYS)) {
      if (stored.dated_to && day <= stored.dated_to) continue;
      const r = await enterCandidates(
        db,
        workspace,
        stored,
        triggerCandidates(trigger, { ...scope, day }),
        now,
      );
      total.entered += r.entered;
      total.capped += r.capped;
    }
    await db
      .updateTable('journeys')
      .set({ dated_to: today })
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', stored.id)
      .execute();
    return total;
  }
  const upto = await safeWatermark(db);
  if (upto <= stored.scanned_to) return total;
  const r = await enterCandidates(db, workspace, stored, triggerCandidates(trigger, { ...scope, upto }), now);
  await db
    .updateTable('journeys')
    .set({ scanned_to: upto })
    .where('workspace_id', '=', workspace.id)
    .where('id', '=', stored.id)
    .execute();
  return r;
}
