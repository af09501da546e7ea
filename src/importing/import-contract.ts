import { z } from 'zod';

// The response shapes of file imports and the order look-up, shared by the API (its OpenAPI
// document) and the dashboard (its types); only zod, so the browser build can read them.

/** What an import did; the row errors name line and column. */
export const ImportStatsSchema = z.object({
  read: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  merged: z.number(),
  rejected: z.number(),
  guest: z.number(),
  identical_lines: z
    .number()
    .describe('order-lines files: lines identical to an earlier line of their order'),
  superseded_rows: z.number().describe('orders files: rows replaced by a later row of the same order'),
  item_rows: z
    .number()
    .describe(
      "orders files: a multi-item order's later rows carrying only items (Shopify), read as part of it",
    ),
  masked_identities: z.number().describe('rows loaded without their masked phone or email'),
  errors: z.array(z.object({ line: z.number(), column: z.string(), reason: z.string() })),
});

/** An import job of `POST /imports` and `GET /imports/{id}`. */
export const ImportJobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  file_name: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  progress: z.object({
    rows: z.number().describe('rows read so far'),
    bytes_read: z.number(),
    total_bytes: z.number(),
    phase: z
      .enum(['reading', 'resolving', 'saving', 'aggregates', 'finishing'])
      .describe('reading the file, then matching customers, saving orders, refreshing aggregates, finishing'),
    rows_saved: z
      .number()
      .describe('rows saved so far ahead of the final step (large order-lines files on the embedded store)'),
  }),
  stats: ImportStatsSchema.nullable().describe('null while running'),
  segments: z
    .array(z.object({ name: z.string(), entered: z.number(), exited: z.number() }))
    .nullable()
    .describe('with refresh_segments=true: how saved segments moved; null otherwise or while running'),
  error: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
});
export type ImportJob = z.infer<typeof ImportJobSchema>;

/** `POST /imports/columns`: the file's columns, the one detected for each field, and a sample row. */
export const DetectedColumnsSchema = z.object({
  columns: z.array(z.string()),
  sample: z.array(z.string()).describe('the first data row, cell by cell'),
  fields: z.array(z.object({ field: z.string(), required: z.boolean(), column: z.string().nullable() })),
  platform: z
    .object({
      platform: z.string().describe('tmall, jd, pinduoduo, douyin, youzan, weimob, shopify'),
      export: z
        .enum(['orders', 'order-items', 'customers', 'members'])
        .describe("the platform's export file"),
      kinds: z.array(z.string()).describe('the import kinds the file can be loaded as, best first'),
    })
    .nullable()
    .describe('the platform export the header row was recognised as, or null'),
  saved_mapping: z
    .boolean()
    .describe(
      'the columns follow the mapping last confirmed for this platform and kind (an upload reads it so too)',
    ),
});
export type DetectedColumns = z.infer<typeof DetectedColumnsSchema>;

/** `GET /orders/{orderId}`: one order with its lines (money in minor units). */
export const OrderSchema = z.object({
  order_id: z.string(),
  customer_id: z.number().nullable(),
  ordered_at: z.string(),
  local_date: z.string(),
  amount: z.number(),
  refunded_amount: z.number(),
  currency: z.string(),
  status: z.enum(['pending', 'paid', 'completed', 'cancelled', 'refunded']),
  channel: z.string().nullable(),
  store: z.string().nullable(),
  coupon_code: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  lines: z.array(
    z.object({
      line_no: z.number(),
      sku: z.string().nullable(),
      product_name: z.string().nullable(),
      quantity: z.string().describe('a decimal, as text'),
      unit_price: z.string().describe('minor units, may carry fractions: a decimal, as text'),
      amount: z.number(),
    }),
  ),
});
export type Order = z.infer<typeof OrderSchema>;
