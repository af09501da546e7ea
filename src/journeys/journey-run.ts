import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { enqueueMessages } from '../messaging/index.ts';
import type { Workspace } from '../workspaces/index.ts';
import { Batch, type Entry } from './journey-entry.ts';
import type { Journey } from './journey-model.ts';
import { journeyVersion, type StoredJourney } from './journey-service.ts';
import { type StepContext, takeStep } from './journey-steps.ts';
import { awaitedHappened } from './journey-triggers.ts';

/** Steps one entry may take in one go before it is stopped as a loop without a wait. */
const MAX_STEPS = 100;

/** What a run of due entries did. */
export interface RunResult {
  entries: number;
  steps: number;
  messages: number;
}

/**
 * Moves one entry along its journey from its current step until it waits or leaves, applying each
 * step's effect in the caller's transaction (tags, coupons, points, queued messages), so the
 * entry's progress and its effects commit together or not at all.
 */
async function advance(
  trx: Kysely<Schema>,
  workspace: Workspace,
  journey: StoredJourney,
  def: Journey,
  entry: Entry,
  now: Date,
  batch: Batch,
) {
  const leave = (state: 'completed' | 'exited', reason: string) => {
    entry.state = state;
    entry.exit_reason = reason;
    entry.wake_at = null;
  };
  if (entry.erased) return leave('exited', 'erased');
  const zone = entry.zone ?? workspace.timezone;
  for (let taken = 0; taken < MAX_STEPS; taken++) {
    const name = entry.step!;
    const step = def.steps[name];
    if (!step) return leave('exited', 'step_removed');
    const ctx: StepContext = {
      trx,
      workspace,
      journey,
      def,
      entry,
      name,
      now,
      batch,
      zone,
      waking: entry.state === 'waiting',
    };
    const move = await takeStep(ctx, step);
    switch (move.kind) {
      case 'go':
        batch.steps.push({ entry, step: name, outcome: move.outcome });
        entry.state = 'active';
        entry.step = move.next;
        entry.wait_since = null;
        break;
      case 'sleep':
        entry.state = 'waiting';
        entry.wait_since = now;
        entry.wake_at = move.until;
        return;
      case 'wait_more':
        entry.wake_at = move.until;
        return;
      case 'leave':
        if (move.outcome) batch.steps.push({ entry, step: name, outcome: move.outcome });
        return leave(move.state, move.reason);
    }
  }
  return leave('exited', 'loop_without_wait');
}

/** The definitions of journey versions, each read once per run (the published one is at hand). */
class VersionCache {
  private loaded = new Map<string, Promise<Journey>>();
  /** The definition of a version of a journey. */
  of(db: Kysely<Schema>, journey: StoredJourney, version: number): Promise<Journey> {
    if (version === journey.version) return Promise.resolve(journey.definition);
    const key = `${journey.id}:${version}`;
    let def = this.loaded.get(key);
    if (!def) {
      def = journeyVersion(db, journey.workspace_id, journey.id, version);
      this.loaded.set(key, def);
    }
    return def;
  }
}

/**
 * Runs the entries that are due (their wait ended, or they just entered) of the workspace's
 * active journeys, a batch per transaction. Entries are claimed with `FOR UPDATE SKIP LOCKED`, so
 * several workers can share the work without taking the same entry.
 */
export async function runDueEntries(
  db: Kysely<Schema>,
  workspace: Workspace,
  journeys: readonly StoredJourney[],
  now: Date,
  options: { batch?: number } = {},
): Promise<RunResult> {
  const byId = new Map(journeys.filter((j) => j.status === 'active').map((j) => [j.id, j]));
  const result: RunResult = { entries: 0, steps: 0, messages: 0 };
  if (!byId.size) return result;
  const versions = new VersionCache();
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const claimed = await sql<Entry>`
        select je.id, je.journey_id, je.customer_id, je.entered_at, je.state, je.step, je.wake_at, je.wait_since, je.arm,
          je.holdout, je.vars, je.exit_reason, je.version, c.attributes->>'timezone' as zone, c.external_id, c.erased_at is not null as erased
        from journey_entries je join customers c on c.workspace_id = je.workspace_id and c.id = je.customer_id
        where je.workspace_id = ${workspace.id} and je.state in ('active', 'waiting') and je.wake_at <= ${now}
          and je.journey_id = any(${[...byId.keys()]}::int[])
        order by je.wake_at, je.id limit ${options.batch ?? 500} for update of je skip locked`.execute(trx);
      if (!claimed.rows.length) return true;
      const batch = new Batch();
      for (const entry of claimed.rows) {
        const journey = byId.get(entry.journey_id)!;
        const def = await versions.of(trx, journey, entry.version);
        await advance(trx, workspace, journey, def, entry, now, batch);
      }
      await writeBatch(trx, workspace.id, claimed.rows, batch, now);
      result.entries += claimed.rows.length;
      result.steps += batch.steps.length;
      result.messages += batch.messages.length;
      return false;
    });
    if (done) return result;
  }
}

async function writeBatch(trx: Kysely<Schema>, ws: number, entries: Entry[], batch: Batch, now: Date) {
  const col = <T>(f: (e: Entry) => T) => entries.map(f);
  await sql`
    update journey_entries je set state = u.state, step = u.step, wake_at = u.wake_at, wait_since = u.wait_since,
      arm = u.arm, holdout = u.holdout, vars = u.vars, exit_reason = u.exit_reason, updated_at = now()
    from unnest(${col((e) => e.id)}::bigint[], ${col((e) => e.state)}::text[], ${col((e) => e.step)}::text[],
      ${col((e) => e.wake_at?.toISOString() ?? null)}::timestamptz[], ${col((e) => e.wait_since?.toISOString() ?? null)}::timestamptz[],
      ${col((e) => e.arm)}::text[], ${col((e) => e.holdout)}::boolean[], ${col((e) => JSON.stringify(e.vars))}::jsonb[],
      ${col((e) => e.exit_reason)}::text[]) as u(id, state, step, wake_at, wait_since, arm, holdout, vars, exit_reason)
    where je.workspace_id = ${ws} and je.id = u.id`.execute(trx);
  if (batch.steps.length) {
    const s = batch.steps;
    await sql`
      insert into journey_steps (workspace_id, journey_id, entry_id, customer_id, step, outcome, at)
      select ${ws}, * , ${now}::timestamptz from unnest(${s.map((x) => x.entry.journey_id)}::int[], ${s.map((x) => x.entry.id)}::bigint[],
        ${s.map((x) => x.entry.customer_id)}::bigint[], ${s.map((x) => x.step)}::text[], ${s.map((x) => x.outcome)}::text[])`.execute(
      trx,
    );
  }
  await enqueueMessages(trx, ws, batch.messages);
}

/**
 * Wakes entries waiting for an event that has now happened (an `add_to_cart`, a valid order), so
 * they take their `on_event` path at once instead of at the timeout.
 */
export async function wakeOnEvents(
  db: Kysely<Schema>,
  workspace: Workspace,
  journeys: readonly StoredJourney[],
  now: Date,
) {
  let woken = 0;
  const versions = new VersionCache();
  for (const j of journeys) {
    if (j.status !== 'active') continue;
    const ws = workspace.id;
    const waiting = await sql<{ version: number }>`select distinct version from journey_entries
      where workspace_id = ${ws} and journey_id = ${j.id} and state = 'waiting'`.execute(db);
    for (const { version } of waiting.rows) {
      const def = await versions.of(db, j, version);
      for (const [name, step] of Object.entries(def.steps)) {
        if (step.type !== 'wait_for_event') continue;
        const happened = awaitedHappened(step, ws, sql`je.customer_id`, sql`je.wait_since`, now);
        const r = await sql`update journey_entries je set wake_at = ${now}
          where je.workspace_id = ${ws} and je.journey_id = ${j.id} and je.version = ${version}
            and je.step = ${name} and je.state = 'waiting' and je.wake_at > ${now} and ${happened}`.execute(
          db,
        );
        woken += Number(r.numAffectedRows ?? 0);
      }
    }
  }
  return woken;
}
