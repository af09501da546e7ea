import { z } from 'zod';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

// The request and response shapes of the acquisition routes (marketing spend and the CAC report),
// shared by the API, the CLI and the dashboard (zod only: no node or database code).

/** Most spend rows one PUT may carry: ten years of a hundred channels is 12,000. */
export const MAX_SPEND_ITEMS = 5_000;
/** Largest spend of one channel in one month, in minor units: 10 亿元 in fen, far above any real budget. */
export const MAX_SPEND_MINOR = 100_000_000_000;

/** A calendar month `YYYY-MM` (months 01–12, years 1900–2999). */
export const MonthText = z
  .string()
  .regex(/^(19|2\d)\d{2}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM')
  .describe('YYYY-MM');

/** An acquisition channel as the orders carry it (their `channel`, or a store code). */
export const ChannelText = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(100)
  .refine((s) => !hasNul(s), 'must not contain a NUL byte')
  .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text')
  .describe('the channel the orders carry (抖音, 小红书 …) or a store code');

/** One month's spend on one channel. */
export const SpendRowSchema = z.object({
  month: z.string().describe('YYYY-MM'),
  channel: z.string(),
  amount: z.number().int().describe('minor units (fen) of the workspace currency'),
  updated_by: z.string(),
  updated_at: z.string(),
});
export type SpendRow = z.infer<typeof SpendRowSchema>;

/** A spend row to write: `amount` null removes the month's spend on that channel. */
export const SpendItem = z
  .object({
    month: MonthText,
    channel: ChannelText,
    amount: z
      .number()
      .int('must be whole minor units (fen)')
      .min(0)
      .max(MAX_SPEND_MINOR)
      .nullable()
      .describe('minor units (fen); null removes the row'),
  })
  .strict();
export type SpendItem = z.infer<typeof SpendItem>;

/** `PUT /acquisition/spend`: spend rows to insert, replace or (amount null) remove, all or none. */
export const SpendPutBody = z
  .object({ items: z.array(SpendItem).min(1).max(MAX_SPEND_ITEMS) })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.items.forEach((item, i) => {
      const key = `${item.month}\u0000${item.channel}`;
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['items', i],
          message: `${item.channel} in ${item.month} is given twice`,
        });
      seen.add(key);
    });
  });
export type SpendPutBody = z.infer<typeof SpendPutBody>;

/** What a spend write did. */
export const SpendPutResult = z.object({
  saved: z.number().int().describe('rows inserted or replaced'),
  removed: z.number().int().describe('rows removed (amount null)'),
});
export type SpendPutResult = z.infer<typeof SpendPutResult>;

/** `GET /acquisition/spend` and `GET /acquisition/report`: an optional month range, both ends included. */
export const MonthRangeQuery = z.object({
  from: MonthText.optional().describe('first month, YYYY-MM'),
  to: MonthText.optional().describe('last month (included), YYYY-MM'),
});
export type MonthRangeQuery = z.infer<typeof MonthRangeQuery>;

/** One channel and month of the CAC report: spend, new buyers and what that first-order cohort brought back. */
export const CacRowSchema = z.object({
  channel: z.string(),
  month: z.string().describe('YYYY-MM: the spend month and the new buyers’ first-order month'),
  spend: z.number().int().describe('minor units'),
  new_buyers: z
    .number()
    .int()
    .describe('customers whose first valid order fell in the month and carried the channel'),
  cac: z.number().nullable().describe('spend ÷ new buyers, minor units; null without new buyers'),
  historical_clv: z
    .number()
    .nullable()
    .describe('the workspace’s historical CLV (PRODUCT.md §3.5), minor units'),
  clv_cac: z.number().nullable().describe('historical CLV ÷ CAC'),
  predicted_clv: z
    .number()
    .nullable()
    .describe('mean stored predicted CLV of the cohort’s customers that have one, minor units'),
  predicted_clv_cac: z.number().nullable().describe('predicted CLV ÷ CAC'),
  revenue_to_date: z
    .number()
    .int()
    .describe('net revenue of the cohort’s valid orders up to the as-of date, minor units'),
  payback_month: z
    .string()
    .nullable()
    .describe(
      'YYYY-MM: first month whose cumulative net revenue of the cohort reaches the spend; null: not yet',
    ),
  payback_months: z
    .number()
    .int()
    .nullable()
    .describe('months from the spend month to the payback month (0: same month)'),
});
export type CacRow = z.infer<typeof CacRowSchema>;

/** `GET /acquisition/report`. */
export const CacReportSchema = z.object({
  as_of: z.string().describe('the local date revenue and CLV are counted up to'),
  currency: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  predictions_fitted_at: z
    .string()
    .nullable()
    .describe('when the stored predictions used were fitted; null: none yet (predicted CLV is then null)'),
  rows: z.array(CacRowSchema),
});
export type CacReport = z.infer<typeof CacReportSchema>;
