import { z } from 'zod';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

// The request and response shapes of the product routes, shared by the API and the dashboard
// (zod only: no node or database code).

const Typed = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(max)
    .refine((s) => !hasNul(s), 'must not contain a NUL byte')
    .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text');
const RepurchaseDays = z.number().int().min(1).max(3650).nullable();

/** A product: from imported order lines, or added in the dashboard before its first sale. */
export const ProductSchema = z.object({
  sku: z.string(),
  name: z.string().nullable(),
  category: z.string().nullable(),
  repurchase_days: z.number().nullable().describe('days after which a customer usually buys it again'),
});
export type Product = z.infer<typeof ProductSchema>;

/** `GET /products`: a page of products by SKU. */
export const ProductPageSchema = z.object({
  items: z.array(ProductSchema),
  next_cursor: z.string().nullable(),
});
export type ProductPage = z.infer<typeof ProductPageSchema>;

/** `POST /products`: a product added by hand. */
export const ProductCreateBody = z
  .object({
    sku: Typed(100),
    name: Typed(200).nullable().optional(),
    category: Typed(100).nullable().optional(),
    repurchase_days: RepurchaseDays.optional(),
  })
  .strict();
export type ProductCreateBody = z.infer<typeof ProductCreateBody>;

/** `PATCH /products/:sku`: its name, category or repurchase interval (null clears one). */
export const ProductChangeBody = ProductCreateBody.omit({ sku: true });
export type ProductChangeBody = z.infer<typeof ProductChangeBody>;

const INTERVAL_SOURCES = ['set', 'sku', 'category'] as const;

/** A product's learned interval: the distribution of its (or its category's) per-unit repeat intervals. */
export const LearnedIntervalSchema = z.object({
  basis: z
    .enum(['sku', 'category'])
    .describe('its own repeat purchases, or its category’s when it has too few'),
  intervals: z.number().describe('repeat intervals the figures come from'),
  customers: z.number(),
  median_days: z.number().describe('days per unit bought'),
  p25_days: z.number(),
  p75_days: z.number(),
  as_of: z.string(),
});

/** `GET /products/intervals`: a product's hand-set and learned intervals, and the one in use. */
export const ProductIntervalSchema = z.object({
  sku: z.string(),
  name: z.string().nullable(),
  category: z.string().nullable(),
  repurchase_days: z.number().nullable().describe('set by hand; overrides the learned interval'),
  learned: LearnedIntervalSchema.nullable(),
  effective_days: z.number().nullable().describe('days per unit the replenishment trigger goes by'),
  source: z.enum(INTERVAL_SOURCES).nullable(),
});
export type ProductInterval = z.infer<typeof ProductIntervalSchema>;

export const ProductIntervalPageSchema = z.object({
  items: z.array(ProductIntervalSchema),
  next_cursor: z.string().nullable(),
});
export type ProductIntervalPage = z.infer<typeof ProductIntervalPageSchema>;

/** `POST /products/intervals/refresh`: learn again now (the worker does it daily). */
export const IntervalsRefreshBody = z
  .object({
    as_of: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
      .refine(isCalendarDate, 'must be a date that exists (YYYY-MM-DD)')
      .optional(),
  })
  .strict();
export type IntervalsRefreshBody = z.infer<typeof IntervalsRefreshBody>;

export const IntervalsRefreshResult = z.object({
  as_of: z.string(),
  by_sku: z.number().describe('products whose interval comes from their own repeat purchases'),
  by_category: z.number().describe('products that go by their category’s'),
});

/** `GET /customers/:id/replenishment`: what the customer is due to run out of, soonest first. */
export const CustomerReplenishmentSchema = z.object({
  as_of: z.string().describe('the workspace’s local date days_left counts from'),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string().nullable(),
      last_purchase_date: z.string(),
      quantity: z.number().describe('bought on the last purchase day'),
      interval_days: z.number().describe('days per unit'),
      interval_source: z.enum(INTERVAL_SOURCES),
      need_date: z.string().describe('last purchase + interval × quantity'),
      days_left: z.number().describe('negative once the need date has passed'),
    }),
  ),
});
export type CustomerReplenishment = z.infer<typeof CustomerReplenishmentSchema>;
