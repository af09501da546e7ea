import { z } from 'zod';
import { FunnelSchema } from '../metrics/metrics-contract.ts';

// The response shapes of journeys and their results, shared by the API (its OpenAPI document) and
// the dashboard (its types); only zod, so the browser build can read them.

/**
 * A journey as stored: the JSON form of a journey file (see the journey format in docs/journeys.md).
 * Not re-checked on the way out: a journey saved under an older format must still be readable.
 */
const Definition = z
  .record(z.string(), z.unknown())
  .describe('the journey (the JSON form of a journey file)');
const JourneyStatus = z
  .enum(['active', 'paused', 'draft'])
  .describe('draft: saved as a draft, never published');

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
  reached: z
    .number()
    .describe('entries that reached the step: those that left it (by outcome) and those there now'),
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
export const JourneyDetailSchema = z.object({
  definition: Definition,
  report: JourneyReportSchema,
  version: z.number().describe('the published version (0: never published)'),
  draft: Definition.nullable().describe('unpublished edits, or null'),
  draft_updated_at: z.string().nullable(),
  draft_by: z.string().nullable(),
});
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
  version: z.number().describe('the published version (0: never published)'),
  has_draft: z.boolean(),
});
export type JourneyRow = z.infer<typeof JourneyRowSchema>;

/** `PUT /journeys`: the journey saved, and whether it is new. */
export const JourneyAppliedSchema = z.object({
  id: z.number(),
  name: z.string(),
  created: z.boolean(),
  version: z.number().describe('the version now published'),
});
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

const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** `PUT /journeys/draft`: the draft saved (the published version keeps running). */
export const DraftSavedSchema = z.object({
  name: z.string(),
  version: z.number().describe('the published version, unchanged (0: never published)'),
  draft_updated_at: z.string(),
  created: z.boolean().describe('the journey is new (a draft only, running nothing)'),
});
export type DraftSaved = z.infer<typeof DraftSavedSchema>;

/** `POST /journeys/{journey}/publish/preview`: the draft's backtest over the last 30 days. */
export const PublishPreviewSchema = z.object({
  name: z.string(),
  published_version: z.number(),
  next_version: z.number(),
  draft_digest: z.string().describe('name it when publishing: the draft this backtest is of'),
  backtest: BacktestSchema,
});
export type PublishPreview = z.infer<typeof PublishPreviewSchema>;

/** `POST /journeys/{journey}/publish`: confirms publishing the draft whose backtest was shown. */
export const PublishRequestSchema = z
  .object({
    draft_digest: z.string().regex(/^[0-9a-f]{32}$/, 'the draft_digest of the publish preview'),
    confirm: z.literal(true, { error: 'must be true: publishing is confirmed after its backtest' }),
  })
  .strict();

/** The version a publish made. */
export const PublishedSchema = z.object({ name: z.string(), version: z.number() });
export type Published = z.infer<typeof PublishedSchema>;

/** A row of `GET /journeys/{journey}/versions`. */
export const JourneyVersionSchema = z.object({
  version: z.number(),
  published_at: z.string(),
  published_by: z.string().nullable(),
  steps: z.number(),
  in_progress: z.number().describe('entries still running on this version'),
  current: z.boolean(),
});
export type JourneyVersion = z.infer<typeof JourneyVersionSchema>;

/** `POST /journeys/{journey}/test-run`: one customer through the draft or the published definition. */
export const TestRunRequestSchema = z
  .object({
    customer_id: Id,
    source: z.enum(['draft', 'published']).default('published'),
  })
  .strict();

/** A test run: the path the customer would take and each message rendered (nothing is sent). */
export const TestRunSchema = z.object({
  name: z.string(),
  source: z.enum(['draft', 'published']),
  version: z.number().nullable().describe('the published version walked; null for the draft'),
  customer_id: z.number(),
  path: z.array(
    z.object({
      step: z.string(),
      type: z.string(),
      outcome: z.string(),
      at: z.string().describe('when the customer would reach the step, entering now'),
      message: z
        .object({
          template: z.string(),
          channel: z.string(),
          decision: z.enum(['send', 'skip', 'defer']),
          reason: z.string().nullable(),
          locale: z.string(),
          subject: z.string().nullable(),
          body: z.string(),
        })
        .nullable(),
    }),
  ),
  ended: z.string().describe('completed, held_out or loop_without_wait'),
});
export type TestRun = z.infer<typeof TestRunSchema>;
