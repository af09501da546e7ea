import { z } from 'zod';
import { NoteSchema, TaskSchema } from '../tasks/task-contract.ts';

// The 360° profile as `GET/PATCH /customers/{id}` answer it: the customers domain's read model
// (customer-360.ts) with the service side (owner, latest tasks and notes) the edge adds to it.

const Instant = z.string().describe('ISO 8601 instant');
const LocalDate = z.string().describe('YYYY-MM-DD in the workspace zone');

/** One of the customer's latest orders. */
export const ProfileOrderSchema = z.object({
  order_id: z.string(),
  ordered_at: Instant,
  local_date: LocalDate,
  amount: z.number().describe('minor units'),
  refunded_amount: z.number().describe('minor units'),
  currency: z.string(),
  status: z.string(),
  channel: z.string().nullable(),
  store: z.string().nullable(),
  coupon_code: z.string().nullable(),
});

/** The 360° profile (name, identities and event properties masked for roles without `pii`). */
export const CustomerProfileSchema = z.object({
  customer: z.object({
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
    erased_at: Instant.nullable(),
    order_count: z.number(),
    net_total: z.number().describe('net spend in minor units'),
    first_order_date: LocalDate.nullable(),
    last_order_date: LocalDate.nullable(),
    lifecycle: z.string().nullable(),
    rfm_group: z.string().nullable(),
    stage_as_of: LocalDate.nullable().describe('the day the lifecycle and RFM group were recorded'),
    owner_user_id: z.number().nullable().describe('the member who looks after the customer'),
  }),
  identities: z.array(z.object({ type: z.string(), value: z.string(), since: Instant })),
  tags: z.array(z.object({ tag: z.string(), source: z.string(), added_at: Instant })),
  tag_history: z.array(z.object({ tag: z.string(), action: z.string(), source: z.string(), at: Instant })),
  orders: z.array(ProfileOrderSchema).describe('the latest 50, newest first'),
  order_total: z.number().describe('all the customer’s orders'),
  events: z
    .array(
      z.object({ type: z.string(), occurred_at: Instant, properties: z.record(z.string(), z.unknown()) }),
    )
    .describe('the latest 50, newest first'),
  tasks: z.array(TaskSchema).describe('the latest 20 tasks, by due time'),
  notes: z.array(NoteSchema).describe('the latest 20 service records'),
});
export type CustomerProfile = z.output<typeof CustomerProfileSchema>;
