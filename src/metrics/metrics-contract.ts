import { z } from 'zod';

// The response shapes of the period metrics, cohorts, CLV and the message funnel, shared by the API
// (its OpenAPI document) and the dashboard (its types); only zod, so the browser build can read them.

/** A row of `GET /metrics` (money in minor units, rates as shares). */
export const MetricsRowSchema = z.object({
  period_start: z.string(),
  buyers: z.number(),
  orders: z.number(),
  revenue: z.number(),
  aov: z.number().nullable(),
  repurchase_rate: z.number().nullable(),
  avg_repurchase_frequency: z.number().nullable(),
  returning_rate: z.number().nullable(),
  retention_rate: z.number().nullable(),
});
export type MetricsRow = z.infer<typeof MetricsRowSchema>;

/** A cohort of `GET /cohorts`: its size and, for month k = 0, 1, …, the share that bought again. */
export const CohortRowSchema = z.object({
  cohort: z.string().describe('the month of the first valid order, YYYY-MM'),
  customers: z.number(),
  retention: z.array(z.number()),
});
export type CohortRow = z.infer<typeof CohortRowSchema>;

/** `GET /clv`: historical customer lifetime value and the figures it is made of. */
export const ClvSchema = z.object({
  as_of: z.string(),
  aov: z.number().nullable(),
  orders_per_customer: z.number().nullable(),
  annual_retention: z.number().nullable(),
  expected_lifetime_years: z.number().nullable(),
  clv: z.number().nullable().describe('minor units'),
});
export type Clv = z.infer<typeof ClvSchema>;

/** The message funnel: touched → delivered → opened → clicked → added to cart → ordered. */
export const FunnelSchema = z.object({
  touched: z.number(),
  delivered: z.number(),
  opened: z.number(),
  clicked: z.number(),
  added_to_cart: z.number(),
  converted: z.number(),
  revenue: z.number().describe('net of the attributed orders, minor units'),
  conversion_rate: z.number().nullable().describe('converted / touched; null with no touch'),
});
export type Funnel = z.infer<typeof FunnelSchema>;
