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

const Instant = z.string().describe('ISO 8601 instant');
const LocalDate = z.string().describe('YYYY-MM-DD in the workspace zone');

/**
 * `GET /customers/{id}/export`: everything held about a customer, unmasked, for a data subject's
 * request — the stored rows as they are (column names as in the database).
 */
export const CustomerExportSchema = z.object({
  customer: z.object({
    workspace_id: z.number(),
    id: z.number(),
    external_id: z.string().nullable(),
    name: z.string().nullable(),
    gender: z.string().nullable(),
    birthday: LocalDate.nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    member_tier: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    created_at: Instant,
    updated_at: Instant,
    first_order_at: Instant.nullable(),
    last_order_at: Instant.nullable(),
    first_order_date: LocalDate.nullable(),
    last_order_date: LocalDate.nullable(),
    order_count: z.number(),
    net_total: z.number().describe('net spend in minor units'),
    recent_order_dates: z.array(LocalDate),
    erased_at: Instant.nullable(),
    owner_user_id: z.number().nullable(),
    purchase_first_date: LocalDate.nullable().describe('first purchase day (prediction inputs)'),
    purchase_last_date: LocalDate.nullable().describe('last purchase day'),
    purchase_days: z.number().describe('local days with a purchase'),
    purchase_net: z.number().describe('net spend of those days in minor units'),
    purchase_first_net: z.number().describe('net spend of the first purchase day in minor units'),
  }),
  identities: z.array(z.object({ type: z.string(), value: z.string(), created_at: Instant })),
  tags: z.array(z.object({ tag: z.string(), source: z.string(), added_at: Instant })),
  orders: z.array(
    z.object({
      order_id: z.string(),
      customer_id: z.number().nullable(),
      ordered_at: Instant,
      local_date: LocalDate,
      amount: z.number().describe('minor units'),
      refunded_amount: z.number().describe('minor units'),
      currency: z.string(),
      status: z.string(),
      channel: z.string().nullable(),
      store: z.string().nullable(),
      coupon_code: z.string().nullable(),
      created_at: Instant,
      updated_at: Instant,
    }),
  ),
  orderTotal: z.number().describe('how many orders the customer has'),
  tag_history: z.array(z.object({ tag: z.string(), action: z.string(), source: z.string(), at: Instant })),
  events: z.array(
    z.object({ type: z.string(), occurred_at: Instant, properties: z.record(z.string(), z.unknown()) }),
  ),
  exported_at: Instant,
});
export type CustomerExport = z.infer<typeof CustomerExportSchema>;
