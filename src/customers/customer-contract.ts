import { z } from 'zod';

// The response shapes of the customer list, shared by the API (its OpenAPI document) and the
// dashboard (its types); only zod, so the browser build can read them.

/** Up to this many matching customers are counted exactly; above it the total is the planner's estimate. */
export const EXACT_COUNT_BOUND = 10_000;

/** One row of `GET /customers` (name, phone and email masked for roles without `pii`). */
export const CustomerSummarySchema = z.object({
  id: z.number(),
  external_id: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  city: z.string().nullable(),
  member_tier: z.string().nullable(),
  order_count: z.number(),
  net_total: z.number().describe('net spend in minor units'),
  first_order_date: z.string().nullable(),
  last_order_date: z.string().nullable(),
});

/** `GET /customers`: a page, the cursor of the next one, and how many customers match in all. */
export const CustomerPageSchema = z.object({
  items: z.array(CustomerSummarySchema),
  next_cursor: z.string().nullable(),
  total: z
    .number()
    .int()
    .describe(`customers matching the search and filters (all pages); exact up to ${EXACT_COUNT_BOUND}`),
  total_exact: z.boolean().describe('false: more than the bound match and `total` is an estimate'),
});
export type CustomerPage = z.infer<typeof CustomerPageSchema>;

/** `GET /customers/{id}/owner`: the member who looks after the customer (专属客服/导购), or none. */
export const CustomerOwnerSchema = z.object({
  owner: z
    .object({ id: z.number(), email: z.string(), name: z.string().nullable() })
    .nullable()
    .describe('null: nobody is assigned; tasks by the owner rule go to the queue'),
});
export type CustomerOwner = z.infer<typeof CustomerOwnerSchema>;
