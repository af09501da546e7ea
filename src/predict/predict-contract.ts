import { z } from 'zod';
import { isCalendarDate } from '../shared/calendar-date.ts';

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
