import { z } from 'zod';
import { FunnelSchema } from '../metrics/metrics-contract.ts';

// The response shapes of journeys and their results, shared by the API (its OpenAPI document) and
// the dashboard (its types); only zod, so the browser build can read them.

/**
 * A journey as stored: the JSON form of a journey file (see the journey format in the README).
 * Not re-checked on the way out: a journey saved under an older format must still be readable.
 */
const Definition = z
  .record(z.string(), z.unknown())
  .describe('the journey (the JSON form of a journey file)');
const JourneyStatus = z.enum(['active', 'paused']);

/** Entries of a journey by state. */
export const EntryCountsSchema = z.object({
  total: z.number(),
  active: z.number(),
  waiting: z.number(),
  completed: z.number(),
  exited: z.number(),
  capped: z.number().describe('refused by the journey’s entry cap'),
});

/** Per step: entries that reached it, by outcome, and entries there now. */
export const StepCountSchema = z.object({
  step: z.string(),
  type: z.string(),
  reached: z.number(),
  outcomes: z.record(z.string(), z.number()),
  not_sent: z
    .record(z.string(), z.number())
    .describe("a message step's messages skipped or failed, by reason"),
  now_at: z.number(),
});
export type StepCount = z.infer<typeof StepCountSchema>;

/** Two groups compared: difference of conversion, its 95% interval, the two-sided p-value. */
export const ComparisonSchema = z.object({
  difference: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  p_value: z.number().nullable(),
  significant: z.boolean(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;

/** Conversion of a group of entries anchored when they passed a step. */
export const GroupConversionSchema = z.object({
  group: z.string(),
  customers: z.number(),
  converted: z.number(),
  conversion_rate: z.number().nullable(),
});
export type GroupConversion = z.infer<typeof GroupConversionSchema>;

/** A journey's results: entries, steps, funnel, holdout lift and A/B arms. */
export const JourneyReportSchema = z.object({
  name: z.string(),
  status: z.string().describe('active or paused'),
  entries: EntryCountsSchema,
  steps: z.array(StepCountSchema),
  funnel: FunnelSchema,
  funnel_by_step: z.array(FunnelSchema.extend({ step: z.string() })),
  holdout: ComparisonSchema.extend({
    step: z.string(),
    treated: GroupConversionSchema,
    held_out: GroupConversionSchema,
  }).nullable(),
  splits: z.array(
    z.object({ step: z.string(), arms: z.array(GroupConversionSchema.extend(ComparisonSchema.shape)) }),
  ),
});
export type JourneyReport = z.infer<typeof JourneyReportSchema>;

/** `GET /journeys/{journey}`. */
export const JourneyDetailSchema = z.object({ definition: Definition, report: JourneyReportSchema });
export type JourneyDetail = z.infer<typeof JourneyDetailSchema>;

/** A row of `GET /journeys` (counts only: the funnel is per journey). */
export const JourneyRowSchema = z.object({
  name: z.string(),
  status: JourneyStatus,
  description: z.string().nullable(),
  trigger: z.record(z.string(), z.unknown()),
  definition: Definition,
  entries: EntryCountsSchema,
  steps: z.array(StepCountSchema),
  updated_at: z.string(),
});
export type JourneyRow = z.infer<typeof JourneyRowSchema>;

/** `PUT /journeys`: the journey saved, and whether it is new. */
export const JourneyAppliedSchema = z.object({ id: z.number(), name: z.string(), created: z.boolean() });
export type JourneyApplied = z.infer<typeof JourneyAppliedSchema>;

/** `POST /journeys/backtest`: what a journey would have done over past days (nothing is sent). */
export const BacktestSchema = z.object({
  from: z.string(),
  to: z.string(),
  triggered: z.number().describe('trigger firings, before conditions, re-entry and cap'),
  not_eligible: z.number(),
  entered: z.number(),
  capped: z.number(),
  in_progress_at_end: z.number().describe('entries still on their way when the period ended'),
  steps: z.array(z.object({ step: z.string(), type: z.string(), reached: z.number(), outcomes: z.string() })),
});
export type Backtest = z.infer<typeof BacktestSchema>;
