import { type Kysely, sql } from 'kysely';
import { addTag, removeTag } from '../customers/tag-service.ts';
import type { Schema } from '../db/schema.ts';
import { issueCouponsInTransaction } from '../loyalty/coupon-issue.ts';
import { findCouponTemplate } from '../loyalty/coupon-template.ts';
import { awardBonusPoints } from '../loyalty/points-ledger.ts';
import { customerTier } from '../loyalty/tier-evaluate.ts';
import type { QueuedMessage } from '../messaging/index.ts';
import { conditionFilter } from '../segments/index.ts';
import { RetainError } from '../shared/errors.ts';
import { clockMinutes, nextWallTime } from '../shared/zoned-time.ts';
import { findSurvey } from '../surveys/survey-service.ts';
import type { Workspace } from '../workspaces/index.ts';
import { type Batch, draw, type Entry, pickArm } from './journey-entry.ts';
import { durationMs, type Journey, type Step, type StepType, TIER_BIRTHDAY_COUPON } from './journey-model.ts';
import type { StoredJourney } from './journey-service.ts';
import { createJourneyTask } from './journey-task.ts';
import { awaitedHappened } from './journey-triggers.ts';

/** One entry at one step, in the transaction its effects are written in. */
export interface StepContext {
  trx: Kysely<Schema>;
  workspace: Workspace;
  journey: StoredJourney;
  def: Journey;
  entry: Entry;
  /** The step's name in the journey. */
  name: string;
  now: Date;
  batch: Batch;
  /** The entry was waiting at this step and is now due. */
  waking: boolean;
  /** The customer's zone, or the workspace's. */
  zone: string;
}

/** What a step did to its entry. */
export type Move =
  /** Go on to `next`, recording the step with `outcome`. */
  | { kind: 'go'; next: string; outcome: string }
  /** Start waiting at this step until `until`. */
  | { kind: 'sleep'; until: Date }
  /** Keep waiting at this step, now until `until` (nothing recorded). */
  | { kind: 'wait_more'; until: Date }
  /** Leave the journey; `outcome` records the step too. */
  | { kind: 'leave'; state: 'completed' | 'exited'; reason: string; outcome?: string };

const go = (next: string, outcome = 'passed'): Move => ({ kind: 'go', next, outcome });
const sleepFor = (ctx: StepContext, ms: number): Move => ({
  kind: 'sleep',
  until: new Date(ctx.now.getTime() + ms),
});

/** The message a step queues for its entry: one key per entry and step, so a retry never sends twice. */
export function journeyMessage(
  ctx: StepContext,
  content: Pick<QueuedMessage, 'templates'> & Partial<QueuedMessage>,
): QueuedMessage {
  const { journey, entry, name, now } = ctx;
  return {
    customerId: entry.customer_id,
    idempotencyKey: `journey:${journey.id}:${entry.id}:${name}`,
    dueAt: now,
    journeyId: journey.id,
    entryId: entry.id,
    step: name,
    ...content,
  };
}

type Handler<K extends StepType> = (
  ctx: StepContext,
  step: Extract<Step, { type: K }>,
) => Move | Promise<Move>;

async function waitForEvent(
  ctx: StepContext,
  step: Extract<Step, { type: 'wait_for_event' }>,
): Promise<Move> {
  const { entry, now } = ctx;
  const timeout = durationMs(step.timeout);
  if (!ctx.waking) return sleepFor(ctx, timeout);
  const since = entry.wait_since ?? entry.entered_at;
  const happened = awaitedHappened(step, ctx.workspace.id, entry.customer_id, since, now);
  const hit = (await sql<{ hit: boolean }>`select ${happened} as hit`.execute(ctx.trx)).rows[0]!.hit;
  if (hit) return go(step.on_event, 'event');
  const timedOut =
    entry.wake_at &&
    entry.wake_at <= now &&
    entry.wait_since &&
    now.getTime() - entry.wait_since.getTime() >= timeout;
  if (timedOut) return go(step.on_timeout, 'timeout');
  return { kind: 'wait_more', until: new Date(entry.wait_since!.getTime() + timeout) };
}

async function branch(ctx: StepContext, step: Extract<Step, { type: 'branch' }>): Promise<Move> {
  const { batch, journey, entry, workspace } = ctx;
  // One compiled condition per journey version and step for the whole batch.
  const key = `${journey.id}:${entry.version}:${ctx.name}`;
  if (!batch.conditions.has(key)) batch.conditions.set(key, conditionFilter(ctx.trx, workspace, step.if));
  const where = await batch.conditions.get(key)!;
  const hit = await sql<{ hit: boolean }>`select exists (select 1 from customers c
    where c.workspace_id = ${workspace.id} and c.id = ${entry.customer_id} and ${where}) as hit`.execute(
    ctx.trx,
  );
  return hit.rows[0]!.hit ? go(step.then, 'matched') : go(step.else, 'not_matched');
}

/**
 * The `send_survey` step: the message of a `send` step whose variables name the survey and when
 * its link expires, so `{{ survey_link }}` renders as the customer's own signed link.
 */
async function sendSurvey(ctx: StepContext, step: Extract<Step, { type: 'send_survey' }>): Promise<Move> {
  const survey = await findSurvey(ctx.trx, ctx.workspace.id, step.survey).catch((error) => {
    if (error instanceof RetainError) return undefined;
    throw error;
  });
  if (!survey) return go(step.next, 'no_survey');
  if (survey.status !== 'active') return go(step.next, 'survey_closed');
  const expires = Math.floor(ctx.now.getTime() / 1000) + survey.definition.expires_days * 86_400;
  ctx.batch.messages.push(
    journeyMessage(ctx, {
      templates: step.templates,
      variables: { ...ctx.entry.vars, survey_id: survey.id, survey_expires: expires },
    }),
  );
  return go(step.next, 'queued');
}

async function issueCoupon(ctx: StepContext, step: Extract<Step, { type: 'issue_coupon' }>): Promise<Move> {
  const { trx, workspace, entry } = ctx;
  try {
    const couponName =
      step.template === TIER_BIRTHDAY_COUPON
        ? (await customerTier(trx, workspace, entry.customer_id))?.level?.birthday_coupon_template
        : step.template;
    if (!couponName) return go(step.next, 'no_tier_coupon');
    const template = await findCouponTemplate(trx, workspace.id, couponName);
    const issued = await issueCouponsInTransaction(trx, template, [entry.customer_id], {
      source: 'journey',
      ref: `${ctx.def.name}/${ctx.name}`,
    });
    if (!issued.issued) return go(step.next, issued.over_budget ? 'over_budget' : 'over_customer_limit');
    entry.vars = { ...entry.vars, coupon_code: issued.codes[0]!.code };
    return go(step.next, 'issued');
  } catch (error) {
    if (!(error instanceof RetainError)) throw error;
    return go(step.next, `failed: ${error.message}`);
  }
}

async function tag(ctx: StepContext, step: Extract<Step, { type: 'tag' }>): Promise<Move> {
  const { trx, workspace, entry } = ctx;
  const source = `journey:${ctx.def.name}`;
  for (const t of step.add) await addTag(trx, workspace.id, t, [entry.customer_id], source);
  for (const t of step.remove) await removeTag(trx, workspace.id, t, [entry.customer_id], source);
  return go(step.next);
}

/** What each kind of step does; `advance` applies the moves. */
export const STEP_HANDLERS: { [K in StepType]: Handler<K> } = {
  wait: (ctx, step) => (ctx.waking ? go(step.next) : sleepFor(ctx, durationMs(step.duration))),
  wait_until: (ctx, step) =>
    ctx.waking
      ? go(step.next)
      : { kind: 'sleep', until: nextWallTime(ctx.now, ctx.zone, clockMinutes(step.time), step.weekday) },
  wait_for_event: waitForEvent,
  branch,
  split: (ctx, step) => {
    const arm = pickArm(step.arms, draw(ctx.journey.id, ctx.entry.customer_id, ctx.name));
    ctx.entry.arm = arm.name;
    return go(arm.next, arm.name);
  },
  holdout: (ctx, step) => {
    if (draw(ctx.journey.id, ctx.entry.customer_id, 'holdout') >= step.percent)
      return go(step.next, 'treated');
    ctx.entry.holdout = true;
    return { kind: 'leave', state: 'exited', reason: 'holdout', outcome: 'held_out' };
  },
  send: (ctx, step) => {
    const skipIfOrderedSince = step.skip_if_ordered ? ctx.entry.entered_at : null;
    ctx.batch.messages.push(
      journeyMessage(ctx, { templates: step.templates, variables: ctx.entry.vars, skipIfOrderedSince }),
    );
    return go(step.next, 'queued');
  },
  send_survey: sendSurvey,
  tag,
  webhook: (ctx, step) => {
    const { entry, name, now } = ctx;
    const payload = {
      type: 'journey.step',
      journey: ctx.def.name,
      step: name,
      customer_id: entry.customer_id,
      external_id: entry.external_id,
      at: now.toISOString(),
      data: step.data ?? {},
    };
    ctx.batch.messages.push(journeyMessage(ctx, { templates: [`webhook:${name}`], payload }));
    return go(step.next, 'queued');
  },
  issue_coupon: issueCoupon,
  award_points: async (ctx, step) => {
    const fresh = await awardBonusPoints(ctx.trx, ctx.workspace, ctx.entry.customer_id, {
      points: step.points,
      reason: step.reason,
      idempotencyKey: `journey:${ctx.journey.id}:${ctx.entry.id}:${ctx.name}`,
      at: ctx.now,
    });
    return go(step.next, fresh ? 'awarded' : 'already_awarded');
  },
  create_task: async (ctx, step) =>
    go(
      step.next,
      await createJourneyTask(ctx.trx, ctx.workspace, ctx.journey, ctx.entry, ctx.name, step, ctx.now),
    ),
  exit: () => ({ kind: 'leave', state: 'completed', reason: 'exit', outcome: 'exit' }),
};

/** Takes one step: the move its handler decides. */
export function takeStep(ctx: StepContext, step: Step): Move | Promise<Move> {
  return (STEP_HANDLERS[step.type] as Handler<StepType>)(ctx, step as never);
}
