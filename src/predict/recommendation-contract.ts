import { z } from 'zod';
import { isCalendarDate } from '../shared/calendar-date.ts';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

// The request and response shapes of the recommendation routes, shared by the API (its OpenAPI
// document) and the dashboard (its types); only zod, so the browser build can read them.

const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a date that exists (YYYY-MM-DD)');

export const ASSOCIATION_KINDS = ['together', 'after'] as const;

/** When the associations were computed and from how much. */
export const AssociationRefreshSchema = z.object({
  as_of: z.string().describe('local date: orders up to it were counted'),
  orders: z.number().describe('valid orders with at least one product'),
  customers: z.number().describe('their buyers'),
  products: z.number(),
  associations: z.number().describe('stored pairs, both kinds'),
  source: z.enum(['daily', 'manual']),
  refreshed_at: z.string(),
});
export type AssociationRefresh = z.infer<typeof AssociationRefreshSchema>;

/** One recommended product. */
export const RecommendedSchema = z.object({
  rank: z.number(),
  item: z.string().describe('the product: its SKU, else its name on order lines without one'),
  name: z.string(),
  score: z.number().describe('sum of confidence × lift of the associations leading to it'),
  because: z.string().describe('the customer’s product that adds most to the score'),
});

/** `GET /customers/:id/recommendations`: the customer's top-N and when the associations were computed. */
export const CustomerRecommendationsSchema = z.object({
  customer_id: z.number(),
  refreshed: AssociationRefreshSchema.nullable().describe('null: never computed yet'),
  items: z.array(RecommendedSchema),
});
export type CustomerRecommendations = z.infer<typeof CustomerRecommendationsSchema>;

/** `GET /customers/:id/recommendations?top=`: how many (1–100, default 10). */
export const RecommendationsQuery = z.object({ top: z.coerce.number().int().min(1).max(100).default(10) });

/** `GET /predict/associations?product=&kind=`: one product's associations. */
export const AssociationsQuery = z.object({
  product: z
    .string()
    .min(1, 'must not be blank')
    .max(500)
    .refine((s) => !hasNul(s), 'must not contain a NUL byte')
    .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text')
    .describe('a SKU, or the name of a product sold without one'),
  kind: z.enum(ASSOCIATION_KINDS).optional().describe('together: same order; after: a later order'),
});

/** One association of a product with another. */
export const AssociationSchema = z.object({
  kind: z.enum(ASSOCIATION_KINDS),
  item: z.string(),
  name: z.string(),
  pairs: z.number().describe('orders (together) or buyers (after) with both'),
  support: z.number(),
  confidence: z.number(),
  lift: z.number(),
});

/** A product's associations, strongest first. */
export const ProductAssociationsSchema = z.object({
  product: z.string(),
  name: z.string().nullable().describe('null: the product was not in the orders counted'),
  refreshed: AssociationRefreshSchema.nullable(),
  associations: z.array(AssociationSchema),
});

/** `POST /predict/associations/refresh`: recompute now from orders up to a date (default today). */
export const AssociationRefreshBody = z.object({ as_of: DateText.optional() }).strict();
