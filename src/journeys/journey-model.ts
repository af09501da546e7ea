import { z } from 'zod';
import { ConditionSchema, LIFECYCLE_STAGES, RFM_GROUPS } from '../segments/index.ts';
import { NPS_GROUPS } from '../surveys/survey-codes.ts';
import { AssignSchema, TASK_PRIORITIES, TaskCode } from '../tasks/task-model.ts';

/** A duration such as `30m`, `2h`, `7d`, `2w`; see {@link durationMs}. */
const Duration = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(m|min|h|d|w)$/, 'a duration such as 30m, 2h, 7d or 2w')
  .or(z.object({ days: z.number().positive().max(3650) }).strict());

const props = z.record(z.string(), z.string()).optional();
const groupCode = z.enum(RFM_GROUPS.map((g) => g.code) as [string, ...string[]]);
const stage = z.enum(LIFECYCLE_STAGES);
const nDays = z.number().int().min(0).max(3650);

/** What starts a journey for a customer. */
export const TriggerSchema = z.union([
  z.object({ order_placed: z.object({ channel: z.string().optional() }).strict() }).strict(),
  z.object({ first_order: z.object({}).strict() }).strict(),
  z.object({ event: z.string().min(1), properties: props }).strict(),
  z
    .object({ lifecycle_changed: z.object({ from: stage.optional(), to: stage.optional() }).strict() })
    .strict(),
  z
    .object({
      rfm_group_changed: z.object({ from: groupCode.optional(), to: groupCode.optional() }).strict(),
    })
    .strict(),
  z
    .object({ tier_changed: z.object({ from: z.string().optional(), to: z.string().optional() }).strict() })
    .strict(),
  z.object({ segment: z.string().min(1), on: z.enum(['entered', 'exited']).default('entered') }).strict(),
  /** A prediction refresh that moves the customer's P(alive) from at or above `threshold` to below it. */
  z
    .object({
      p_alive_below: z
        .object({ threshold: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1') })
        .strict(),
    })
    .strict(),
  /** A survey answer, optionally of one survey, an NPS group or a score range. */
  z
    .object({
      survey_answered: z
        .object({
          survey: z.string().min(1).max(100).optional(),
          nps_group: z.enum(NPS_GROUPS).optional(),
          score_min: z.number().int().min(0).max(10).optional(),
          score_max: z.number().int().min(0).max(10).optional(),
        })
        .strict(),
    })
    .strict(),
  z.object({ date: z.literal('birthday') }).strict(),
  z.object({ date: z.literal('days_after_last_order'), days: nDays }).strict(),
  z.object({ date: z.literal('days_without_order'), days: nDays }).strict(),
  z.object({ date: z.literal('first_order_anniversary') }).strict(),
  /** `days_before` the expected date of need: last purchase + the product's interval (hand-set, else learned) × quantity. */
  z.object({ date: z.literal('replenishment'), days_before: nDays.default(0) }).strict(),
  /** Customers with a positive balance and earned points that expire `days_before` days from the day. */
  z.object({ date: z.literal('points_expiring'), days_before: nDays.default(30) }).strict(),
]);
export type Trigger = z.output<typeof TriggerSchema>;

const next = z.string().min(1);
const weekday = z.number().int().min(1).max(7);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 10:00');

/** One step of a journey; `next` names the step that follows. */
export const StepSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('wait'), duration: Duration, next }).strict(),
  z
    .object({
      type: z.literal('wait_until'),
      /** ISO weekday (1 = Monday); any day when absent. */
      weekday: weekday.optional(),
      time: clock,
      next,
    })
    .strict(),
  z
    .object({
      type: z.literal('wait_for_event'),
      /** An event type, or `order_placed` for a valid order. */
      event: z.string().min(1),
      properties: props,
      timeout: Duration,
      on_event: next,
      on_timeout: next,
    })
    .strict(),
  // biome-ignore lint/suspicious/noThenProperty: a journey file's branch reads if/then/else; this object is data, never awaited
  z.object({ type: z.literal('branch'), if: ConditionSchema, then: next, else: next }).strict(),
  z
    .object({
      type: z.literal('split'),
      arms: z
        .array(z.object({ name: z.string().min(1), weight: z.number().positive(), next }).strict())
        .min(2),
    })
    .strict(),
  z.object({ type: z.literal('holdout'), percent: z.number().min(0).max(100), next }).strict(),
  z
    .object({
      type: z.literal('send'),
      /** Templates in channel-priority order: the first the customer can receive on is sent. */
      templates: z.array(z.string().min(1)).min(1),
      /** Skip when the customer bought again since entering (reminders). */
      skip_if_ordered: z.boolean().default(false),
      next,
    })
    .strict(),
  z
    .object({
      type: z.literal('send_survey'),
      /** The survey whose personal link `{{ survey_link }}` the templates carry. */
      survey: z.string().min(1).max(100),
      /** Templates in channel-priority order, as in `send`. */
      templates: z.array(z.string().min(1)).min(1),
      next,
    })
    .strict(),
  z
    .object({
      type: z.literal('tag'),
      add: z.array(z.string().min(1)).default([]),
      remove: z.array(z.string().min(1)).default([]),
      next,
    })
    .strict(),
  z.object({ type: z.literal('webhook'), data: z.record(z.string(), z.unknown()).optional(), next }).strict(),
  z
    .object({
      type: z.literal('issue_coupon'),
      /** A coupon template, or `tier_birthday_coupon` for the birthday coupon of the customer's tier. */
      template: z.string().min(1),
      next,
    })
    .strict(),
  z
    .object({
      type: z.literal('award_points'),
      points: z.number().int().positive(),
      reason: z.string(),
      next,
    })
    .strict(),
  z
    .object({
      type: z.literal('create_task'),
      /** callback, vip_care, winback_call, complaint, store_invite or the workspace's own. */
      kind: TaskCode.default('callback'),
      /** Liquid with the customer's variables: `回访 {{ name }}`. */
      title: z.string().min(1).max(200),
      due_in_hours: z.number().min(0).max(8784).default(24),
      priority: z.enum(TASK_PRIORITIES).default('normal'),
      assign: AssignSchema.default({ rule: 'owner' }),
      next,
    })
    .strict(),
  z.object({ type: z.literal('exit') }).strict(),
]);
export type Step = z.output<typeof StepSchema>;

/** An `issue_coupon` template that names the customer's tier's birthday coupon. */
export const TIER_BIRTHDAY_COUPON = 'tier_birthday_coupon';
export type StepType = Step['type'];

/** How often one customer may enter. */
const Reentry = z.union(
  [
    z.literal('once'),
    z.literal('always'),
    z.object({ every_days: z.number().int().positive().max(3650) }).strict(),
  ],
  { error: 'use once, always or { every_days: N }' },
);

/** A journey file: trigger, entry conditions, re-entry policy, cap and the graph of steps. */
export const JourneySchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().optional(),
    trigger: TriggerSchema,
    /** A segment condition the customer must meet when the trigger fires. */
    entry: ConditionSchema.optional(),
    reentry: Reentry.default('once'),
    /** At most this many entries in all; later ones are counted as capped. */
    max_entries: z.number().int().positive().optional(),
    /** Days after a touch in which a valid order counts as its conversion. */
    attribution_days: z.number().int().min(1).max(90).default(7),
    start: z.string().min(1),
    steps: z.record(z.string().min(1), StepSchema),
  })
  .strict();
export type Journey = z.output<typeof JourneySchema>;

/** Milliseconds of a duration (`2h`, `7d`, `{days: 30}`). */
export function durationMs(d: z.output<typeof Duration>): number {
  if (typeof d !== 'string') return d.days * 86_400_000;
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d|w)$/.exec(d)!;
  const unit = { m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm'];
  return Number(m[1]) * unit;
}

/** The fields of a step that name a following step, with the step each names, as written. */
export function nextFields(step: Step): [field: string, target: string][] {
  switch (step.type) {
    case 'exit':
      return [];
    case 'wait_for_event':
      return [
        ['on_event', step.on_event],
        ['on_timeout', step.on_timeout],
      ];
    case 'branch':
      return [
        ['then', step.then],
        ['else', step.else],
      ];
    case 'split':
      return step.arms.map((a, i) => [`arms.${i}.next`, a.next]);
    default:
      return [['next', step.next]];
  }
}

/** The steps that may follow a step, in the order they are written. */
export function nextSteps(step: Step): string[] {
  return nextFields(step).map(([, target]) => target);
}
