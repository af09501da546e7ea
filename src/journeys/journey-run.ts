import { createHash } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { addTag, removeTag } from '../customers/tag-service.ts';
import type { Schema } from '../db/schema.ts';
import { issueCouponsInTransaction } from '../loyalty/coupon-issue.ts';
import { findCouponTemplate } from '../loyalty/coupon-template.ts';
import { awardBonusPoints } from '../loyalty/points-ledger.ts';
import { customerTier } from '../loyalty/tier-evaluate.ts';
import { enqueueMessages, type QueuedMessage } from '../messaging/send-message.ts';
import { conditionFilter } from '../segments/segment-service.ts';
import { RetainError } from '../shared/errors.ts';
import { clockMinutes, nextWallTime } from '../shared/zoned-time.ts';
import { findSurvey } from '../surveys/survey-service.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import { durationMs, type Journey, type Step, TIER_BIRTHDAY_COUPON } from './journey-model.ts';
import { journeyVersion, type StoredJourney } from './journey-service.ts';
import { createJourneyTask } from './journey-task.ts';
import { awaitedHappened } from './journey-triggers.ts';

/** An entry as the runner holds it. */
export interface Entry {
  id: number;
  journey_id: number;
  customer_id: number;
  entered_at: Date;
  state: 'active' | 'waiting' | 'completed' | 'exited';
  step: string | null;
  wake_at: Date | null;
  wait_since: Date | null;
  arm: string | null;
  holdout: boolean;
  vars: Record<string, unknown>;
  exit_reason: string | null;
  zone: string | null;
  external_id: string | null;
  erased: boolean;
  /** The journey version the entry entered on: its steps are that version's. */
  version: number;
}

/** A share in [0, 100) fixed by the journey, the customer and the step: the same draw every time. */
export function draw(journeyId: number, customerId: number, step: string): number {
  const h = createHash('sha256').update(`${journeyId}:${customerId}:${step}`).digest();
  return (h.readUInt32BE(0) / 2 ** 32) * 100;
}

/** The arm a draw in [0, 100) falls in, the arms sharing the range by weight. */
export function pickArm<A extends { weight: number }>(arms: readonly A[], share: number): A {
  const total = arms.reduce((s, a) => s + a.weight, 0);
  let left = (share / 100) * total;
  for (const arm of arms) {
    left -= arm.weight;
    if (left < 0) return arm;
  }
  return arms[arms.length - 1]!;
}

/** Steps one entry may take in one go before it is stopped as a loop without a wait. */
const MAX_STEPS = 100;

/** What a run of due entries did. */
export interface RunResult {
  entries: number;
  steps: number;
  messages: number;
}

/** Everything one transaction of entries writes besides the entries themselves. */
class Batch {
  steps: { entry: Entry; step: string; outcome: string }[] = [];
  messages: QueuedMessage[] = [];
  conditions = new Map<string, Promise<RawBuilder<boolean>>>();
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
  const ws = workspace.id;
  const zone = entry.zone ?? workspace.timezone;
  const leave = (state: 'completed' | 'exited', reason: string) => {
    entry.state = state;
    entry.exit_reason = reason;
    entry.wake_at = null;
  };
  if (entry.erased) return leave('exited', 'erased');
  for (let taken = 0; taken < MAX_STEPS; taken++) {
    const name = entry.step!;
    const step = def.steps[name];
    if (!step) return leave('exited', 'step_removed');
    const waking = entry.state === 'waiting';
    const go = (next: string, outcome = 'passed') => {
      batch.steps.push({ entry, step: name, outcome });
      entry.state = 'active';
      entry.step = next;
      entry.wait_since = null;
    };
    const sleep = (until: Date) => {
      entry.state = 'waiting';
      entry.wait_since = now;
      entry.wake_at = until;
    };
    switch (step.type) {
      case 'wait':
        if (!waking) return sleep(new Date(now.getTime() + durationMs(step.duration)));
        go(step.next);
        break;
      case 'wait_until':
        if (!waking) return sleep(nextWallTime(now, zone, clockMinutes(step.time), step.weekday));
        go(step.next);
        break;
      case 'wait_for_event': {
        if (!waking) return sleep(new Date(now.getTime() + durationMs(step.timeout)));
        const since = entry.wait_since ?? entry.entered_at;
        const happened = awaitedHappened(step, ws, entry.customer_id, since, now);
        const hit = (await sql<{ hit: boolean }>`select ${happened} as hit`.execute(trx)).rows[0]!.hit;
        if (hit) go(step.on_event, 'event');
        else if (
          entry.wake_at &&
          entry.wake_at <= now &&
          entry.wait_since &&
          now.getTime() - entry.wait_since.getTime() >= durationMs(step.timeout)
        )
          go(step.on_timeout, 'timeout');
        else {
          entry.wake_at = new Date(entry.wait_since!.getTime() + durationMs(step.timeout));
          return;
        }
        break;
      }
      case 'branch': {
        const key = `${journey.id}:${entry.version}:${name}`;
        if (!batch.conditions.has(key)) batch.conditions.set(key, conditionFilter(trx, workspace, step.if));
        const where = await batch.conditions.get(key)!;
        const hit = await sql<{ hit: boolean }>`select exists (select 1 from customers c
          where c.workspace_id = ${ws} and c.id = ${entry.customer_id} and ${where}) as hit`.execute(trx);
        if (hit.rows[0]!.hit) go(step.then, 'matched');
        else go(step.else, 'not_matched');
        break;
      }
      case 'split': {
        const arm = pickArm(step.arms, draw(journey.id, entry.customer_id, name));
        entry.arm = arm.name;
        go(arm.next, arm.name);
        break;
      }
      case 'holdout':
        if (draw(journey.id, entry.customer_id, 'holdout') < step.percent) {
          entry.holdout = true;
          batch.steps.push({ entry, step: name, outcome: 'held_out' });
          return leave('exited', 'holdout');
        }
        go(step.next, 'treated');
        break;
      case 'send':
        batch.messages.push({
          customerId: entry.customer_id,
          templates: step.templates,
          idempotencyKey: `journey:${journey.id}:${entry.id}:${name}`,
          dueAt: now,
          variables: entry.vars,
          journeyId: journey.id,
          entryId: entry.id,
          step: name,
          skipIfOrderedSince: step.skip_if_ordered ? entry.entered_at : null,
        });
        go(step.next, 'queued');
        break;
      case 'send_survey':
        go(step.next, await queueSurvey(trx, ws, journey, entry, name, step, now, batch));
        break;
      case 'tag':
        for (const t of step.add) await addTag(trx, ws, t, [entry.customer_id], `journey:${def.name}`);
        for (const t of step.remove) await removeTag(trx, ws, t, [entry.customer_id], `journey:${def.name}`);
        go(step.next);
        break;
      case 'webhook':
        batch.messages.push({
          customerId: entry.customer_id,
          templates: [`webhook:${name}`],
          idempotencyKey: `journey:${journey.id}:${entry.id}:${name}`,
          dueAt: now,
          payload: {
            type: 'journey.step',
            journey: def.name,
            step: name,
            customer_id: entry.customer_id,
            external_id: entry.external_id,
            at: now.toISOString(),
            data: step.data ?? {},
          },
          journeyId: journey.id,
          entryId: entry.id,
          step: name,
        });
        go(step.next, 'queued');
        break;
      case 'issue_coupon': {
        let outcome = 'issued';
        try {
          const couponName =
            step.template === TIER_BIRTHDAY_COUPON
              ? (await customerTier(trx, workspace, entry.customer_id))?.level?.birthday_coupon_template
              : step.template;
          if (!couponName) {
            go(step.next, 'no_tier_coupon');
            break;
          }
          const template = await findCouponTemplate(trx, ws, couponName);
          const issued = await issueCouponsInTransaction(trx, template, [entry.customer_id], {
            source: 'journey',
            ref: `${def.name}/${name}`,
          });
          if (issued.issued) entry.vars = { ...entry.vars, coupon_code: issued.codes[0]!.code };
          else outcome = issued.over_budget ? 'over_budget' : 'over_customer_limit';
        } catch (error) {
          if (!(error instanceof RetainError)) throw error;
          outcome = `failed: ${error.message}`;
        }
        go(step.next, outcome);
        break;
      }
      case 'award_points': {
        const fresh = await awardBonusPoints(trx, workspace, entry.customer_id, {
          points: step.points,
          reason: step.reason,
          idempotencyKey: `journey:${journey.id}:${entry.id}:${name}`,
          at: now,
        });
        go(step.next, fresh ? 'awarded' : 'already_awarded');
        break;
      }
      case 'create_task':
        go(step.next, await createJourneyTask(trx, workspace, journey, entry, name, step, now));
        break;
      case 'exit':
        batch.steps.push({ entry, step: name, outcome: 'exit' });
        return leave('completed', 'exit');
    }
  }
  return leave('exited', 'loop_without_wait');
}

/**
 * The `send_survey` step: the message of a `send` step whose variables name the survey and when
 * its link expires, so `{{ survey_link }}` renders as the customer's own signed link.
 */
async function queueSurvey(
  trx: Kysely<Schema>,
  ws: number,
  journey: StoredJourney,
  entry: Entry,
  name: string,
  step: Extract<Step, { type: 'send_survey' }>,
  now: Date,
  batch: Batch,
): Promise<string> {
  const survey = await findSurvey(trx, ws, step.survey).catch((error) => {
    if (error instanceof RetainError) return undefined;
    throw error;
  });
  if (!survey) return 'no_survey';
  if (survey.status !== 'active') return 'survey_closed';
  const expires = Math.floor(now.getTime() / 1000) + survey.definition.expires_days * 86_400;
  batch.messages.push({
    customerId: entry.customer_id,
    templates: step.templates,
    idempotencyKey: `journey:${journey.id}:${entry.id}:${name}`,
    dueAt: now,
    variables: { ...entry.vars, survey_id: survey.id, survey_expires: expires },
    journeyId: journey.id,
    entryId: entry.id,
    step: name,
  });
  return 'queued';
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
