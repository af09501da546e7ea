import { z } from 'zod';
import { ConditionSchema } from '../segments/index.ts';

// The request and response shapes of broadcasts (群发), shared by the API (its OpenAPI document),
// the CLI (a broadcast file) and the dashboard (its types); only zod, so the browser can read them.

/** The states of a broadcast, in the order it passes them. */
export const BROADCAST_STATUSES = [
  'draft',
  'pending_approval',
  'scheduled',
  'sending',
  'paused',
  'completed',
  'cancelled',
] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(
    (s) => ![...s].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127),
    'must not contain control characters',
  );
const TemplateList = z.array(Name).min(1).max(5).describe('message templates in channel priority');
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 10:00');
const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-06-01');
const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time such as 2026-06-01T10:00');

/** Who a broadcast goes to: a saved segment's members, a condition, or an uploaded list. */
export const AudienceSchema = z.union([
  z.object({ segment: Name }).strict(),
  z.object({ condition: ConditionSchema }).strict(),
  z
    .object({
      list: z
        .array(z.string().trim().min(1).max(200))
        .min(1)
        .max(100_000)
        .describe('customer ids, phone numbers or email addresses, one a customer'),
    })
    .strict(),
]);
export type Audience = z.infer<typeof AudienceSchema>;

/** When it is sent: now, at a local time of the workspace, or at a time in each customer's own zone. */
export const SendTimeSchema = z.discriminatedUnion('at', [
  z.object({ at: z.literal('now') }).strict(),
  z.object({ at: z.literal('scheduled'), time: LocalDateTime.describe('in the workspace’s zone') }).strict(),
  z
    .object({
      at: z.literal('customer_local'),
      date: LocalDate,
      time: HHMM.describe('at this time in each customer’s zone (attribute timezone)'),
    })
    .strict(),
]);
export type SendTime = z.infer<typeof SendTimeSchema>;

const Variant = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,20}$/, 'a short code such as A or B')
      .describe('the arm’s name'),
    weight: z.number().int().min(1).max(100),
    templates: TemplateList,
  })
  .strict();

/** A broadcast as written (the body of `POST /broadcasts`, a CLI file). */
export const BroadcastDefinitionSchema = z
  .object({
    name: Name,
    audience: AudienceSchema,
    templates: TemplateList.optional().describe('without variants: the one message'),
    variants: z.array(Variant).min(2).max(5).optional().describe('A/B arms, each with its templates'),
    coupon: Name.optional().describe('a coupon template issued with it; its code is {{ coupon_code }}'),
    holdout_percent: z.number().min(0).max(50).default(0),
    send: SendTimeSchema.default({ at: 'now' }),
    attribution_days: z.number().int().min(1).max(90).default(7),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (!b.templates && !b.variants)
      ctx.addIssue({ code: 'custom', path: ['templates'], message: 'give templates, or variants' });
    if (b.templates && b.variants)
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'give templates or variants, not both' });
    const names = (b.variants ?? []).map((v) => v.name);
    if (new Set(names).size !== names.length)
      ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant names must differ' });
  });
export type BroadcastDefinition = z.output<typeof BroadcastDefinitionSchema>;

/** A broadcast in responses. */
export const BroadcastSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(BROADCAST_STATUSES),
  definition: z.record(z.string(), z.unknown()).describe('as written'),
  send_at: z.string().nullable(),
  created_by: z.string(),
  approved_by: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  /** The uploaded list's entries that matched no customer. */
  list_unmatched: z.number().optional(),
});
export type BroadcastView = z.infer<typeof BroadcastSchema>;

/** The reach estimate: how many of the audience a send would reach, and why the others not. */
export const ReachSchema = z.object({
  members: z.number().describe('the audience now'),
  held_out: z.number(),
  targeted: z.number().describe('members minus held out'),
  opted_out: z.number(),
  frequency_capped: z.number(),
  no_address: z.number().describe('no address on any channel of the templates'),
  deferred: z.number().describe('in quiet hours at the send time: sent when they end'),
  reachable: z.number().describe('will be sent: at once or deferred'),
  reasons: z.record(z.string(), z.number()).describe('every skip reason with its count'),
  arms: z.array(z.object({ name: z.string(), targeted: z.number(), reachable: z.number() })),
});
export type Reach = z.infer<typeof ReachSchema>;

/** `POST /broadcasts/{id}/test`: the rendered message to these addresses, marked as a test. */
export const TestSendBody = z
  .object({
    to: z.array(z.string().trim().min(1).max(200)).min(1).max(10),
    customer_id: z
      .number()
      .int()
      .positive()
      .max(2 ** 53 - 1)
      .optional()
      .describe('whose data fills the template; default: the first member'),
  })
  .strict();

/** What a test send did, per arm and address. */
export const TestSendResult = z.object({
  sent: z.array(
    z.object({
      arm: z.string(),
      template: z.string(),
      to: z.string(),
      ok: z.boolean(),
      error: z.string().nullable(),
    }),
  ),
});

const Comparison = {
  difference: z.number().nullable(),
  ci95: z.tuple([z.number(), z.number()]).nullable(),
  p_value: z.number().nullable(),
  significant: z.boolean(),
};
const Group = { customers: z.number(), converted: z.number(), conversion_rate: z.number().nullable() };
const FunnelShape = z.object({
  touched: z.number(),
  delivered: z.number(),
  opened: z.number(),
  clicked: z.number(),
  added_to_cart: z.number(),
  converted: z.number(),
  revenue: z.number().describe('minor units (fen)'),
  conversion_rate: z.number().nullable(),
});

/** A broadcast's results. */
export const BroadcastReportSchema = z.object({
  broadcast: BroadcastSchema,
  messages: z.record(z.string(), z.number()).describe('messages by status'),
  skipped: z.record(z.string(), z.number()).describe('skipped messages by reason'),
  held_out: z.number(),
  funnel: FunnelShape,
  coupons: z.object({ issued: z.number(), redeemed: z.number(), discount: z.number() }),
  lift: z.object({ treated: z.object(Group), held_out: z.object(Group), ...Comparison }).nullable(),
  arms: z.array(z.object({ name: z.string(), funnel: FunnelShape, ...Group, ...Comparison })),
});
export type BroadcastReport = z.infer<typeof BroadcastReportSchema>;
