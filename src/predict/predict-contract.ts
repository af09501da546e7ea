import { z } from 'zod';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { AssignSchema, TASK_PRIORITIES } from '../tasks/index.ts';

// The request and response shapes of the prediction routes, shared by the API (its OpenAPI
// document) and the dashboard (its types); only zod, so the browser build can read them.

const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a date that exists (YYYY-MM-DD)');

export const PREDICT_MODELS = ['bgnbd', 'paretonbd'] as const;
export const PREDICT_UNITS = ['day', 'week'] as const;

/** One frequency bin of the calibration/holdout comparison. */
export const HoldoutBinSchema = z.object({
  x: z.string().describe('repeat purchases in calibration: 0 … 6, or 7+'),
  customers: z.number(),
  actual: z.number().describe('purchases of the bin’s customers after the calibration end'),
  expected: z.number().describe('what the model expected of them'),
});

/** A fit: the parameters, the log-likelihood, the data it saw and, with later data, its check. */
export const FitSchema = z.object({
  id: z.number(),
  model: z.enum(PREDICT_MODELS),
  unit: z.enum(PREDICT_UNITS),
  calibration_end: z.string(),
  params: z.record(z.string(), z.number()).describe('r, alpha and a, b (BG/NBD) or s, beta (Pareto/NBD)'),
  log_likelihood: z.number(),
  spend: z
    .object({ p: z.number(), q: z.number(), gamma: z.number(), log_likelihood: z.number() })
    .nullable()
    .describe('Gamma-Gamma spend model, gamma in major currency units; null with too few repeat buyers'),
  customers: z.number(),
  repeat_customers: z.number(),
  repeat_purchases: z.number(),
  triples: z.number().describe('distinct (x, t_x, T) the likelihood was computed over'),
  holdout: z
    .object({
      end: z.string(),
      days: z.number(),
      actual: z.number(),
      expected: z.number(),
      bins: z.array(HoldoutBinSchema),
    })
    .nullable(),
  source: z.enum(['daily', 'manual']),
  fitted_at: z.string(),
});
export type Fit = z.infer<typeof FitSchema>;

/** `POST /predict/fit`: the split and the model to check; unset: the workspace's settings, today. */
export const FitBody = z
  .object({
    calibration_end: DateText.optional(),
    model: z.enum(PREDICT_MODELS).optional(),
    unit: z.enum(PREDICT_UNITS).optional(),
  })
  .strict();
export type FitBody = z.infer<typeof FitBody>;

/** `POST /predict/refresh`: refit and rescore everyone as of a date. */
export const RefreshBody = z
  .object({
    as_of: DateText.optional(),
    horizon_days: z.number().int().min(30).max(3650).optional(),
  })
  .strict();
export type RefreshBody = z.infer<typeof RefreshBody>;

/** What a refresh stored. */
export const RefreshResult = z.object({ fit: FitSchema, customers: z.number(), horizon_days: z.number() });

/** A customer's stored prediction; money in minor units. */
export const PredictionSchema = z.object({
  customer_id: z.number(),
  fit_id: z.number(),
  as_of: z.string(),
  horizon_days: z.number(),
  p_alive: z.number(),
  expected_purchases_30d: z.number(),
  expected_purchases_90d: z.number(),
  expected_purchases_365d: z.number(),
  expected_spend: z.number().nullable(),
  predicted_clv: z.number().nullable(),
  next_order_date: z.string().nullable().describe('if the customer is still active'),
});
export type Prediction = z.infer<typeof PredictionSchema>;

/** A saved segment's name as a filter (PostgreSQL text holds no NUL). */
const SegmentName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL')
  .describe('a saved segment’s name');

/** `GET /predict/call-list`: the top N by value at risk, optionally within a saved segment. */
export const CallListQuery = z
  .object({
    top: z.coerce.number().int().min(1).max(1000).default(50),
    segment: SegmentName.optional(),
    lang: z.enum(['zh-CN', 'en']).optional().describe('language of `reason`; default: Accept-Language'),
  })
  .strict();
export type CallListQuery = z.infer<typeof CallListQuery>;

/** One customer of the call list; money in minor units. */
export const CallListEntrySchema = z.object({
  rank: z.number(),
  customer_id: z.number(),
  external_id: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  p_alive: z.number(),
  predicted_clv: z.number(),
  value_at_risk: z.number().describe('predicted CLV × (1 − P(alive)), rounded to a minor unit'),
  last_order_date: z.string().nullable(),
  days_since_last_order: z.number().nullable(),
  rhythm_days: z
    .number()
    .nullable()
    .describe('the customer’s own mean days between purchases, or the model’s expected wait'),
  rhythm_source: z.enum(['own', 'model']),
  overdue_ratio: z.number().nullable().describe('days since the last order ÷ rhythm_days'),
  reason: z.string().describe('why this customer is on the list, in words'),
});
export type CallListEntry = z.infer<typeof CallListEntrySchema>;

/** The call list: as of the stored predictions' date, from the latest refresh. */
export const CallListSchema = z.object({
  as_of: z.string().nullable().describe('null before the first refresh'),
  fit_id: z.number().nullable(),
  horizon_days: z.number().nullable(),
  items: z.array(CallListEntrySchema),
});
export type CallList = z.infer<typeof CallListSchema>;

/** Task kinds a call list creates. */
export const CALL_TASK_KINDS = ['callback', 'winback_call'] as const;

/** `POST /predict/call-list/tasks`: one call-back task per chosen customer (or per entry of the top N). */
export const CallListTasksBody = z
  .object({
    customer_ids: z
      .array(
        z
          .number()
          .int()
          .positive()
          .max(2 ** 53 - 1),
      )
      .min(1)
      .max(1000)
      .optional()
      .describe('customers chosen from the call list; unset: the top N (and segment) below'),
    top: z.number().int().min(1).max(1000).default(50),
    segment: SegmentName.optional(),
    kind: z.enum(CALL_TASK_KINDS).default('callback'),
    due_in_hours: z
      .number()
      .min(0)
      .max(24 * 366)
      .default(48),
    priority: z.enum(TASK_PRIORITIES).default('normal'),
    assign: AssignSchema.default({ rule: 'owner' }).describe(
      'who gets each task (the tasks’ assignment rules)',
    ),
    lang: z
      .enum(['zh-CN', 'en'])
      .optional()
      .describe('language of the task titles; default: Accept-Language'),
  })
  .strict();

/** What creating call-back tasks did: new tasks per assignee; a customer already tasked from today’s list is skipped. */
export const CallListTasksResult = z.object({
  created: z.number(),
  skipped: z.number().describe('already had a task from the same day’s call list'),
  by_assignee: z.array(z.object({ assignee_id: z.number().nullable(), tasks: z.number() })),
});
export type CallListTasksResult = z.infer<typeof CallListTasksResult>;

/** One bar of a histogram: customers with a value in [from, to); `to` null: and above. */
export const HistogramBinSchema = z.object({
  from: z.number(),
  to: z.number().nullable(),
  customers: z.number(),
});

/** `GET /predict/distribution`: how the stored predictions spread, for the prediction page. */
export const DistributionSchema = z.object({
  as_of: z.string().nullable(),
  customers: z.number(),
  p_alive: z.array(HistogramBinSchema).describe('ten bins of width 0.1'),
  predicted_clv: z
    .array(HistogramBinSchema)
    .describe('minor units; equal widths up to the 99th percentile, the last bin open'),
  without_clv: z.number().describe('customers with no CLV (no spend to go by)'),
  total_clv: z.number(),
  total_value_at_risk: z.number(),
  mean_p_alive: z.number().nullable(),
});
export type Distribution = z.infer<typeof DistributionSchema>;
