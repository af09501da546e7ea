import { z } from 'zod';
import { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
import { RFM_GROUPS } from './rfm-groups.ts';

// The response shapes of segments, RFM and lifecycle, shared by the API (its OpenAPI document)
// and the dashboard (its types); only zod and the codes, so the browser build can read them.

/** The RFM group codes, in the API's order. */
export const RFM_GROUP_CODES = RFM_GROUPS.map((g) => g.code) as [
  (typeof RFM_GROUPS)[number]['code'],
  ...(typeof RFM_GROUPS)[number]['code'][],
];
export const RfmGroupCode = z.enum(RFM_GROUP_CODES);
export const LifecycleStageCode = z.enum(LIFECYCLE_STAGES);
export { LIFECYCLE_STAGES };

const Condition = z
  .unknown()
  .describe('the segment condition as saved (the condition language: docs/segmentation.md)');

/** A saved segment of `GET /segments` and `GET /segments/{name}`. */
export const SegmentSchema = z.object({
  name: z.string(),
  definition: Condition,
  members: z.number(),
  refreshed_at: z.string().nullable().describe('null: never refreshed'),
});
export type Segment = z.infer<typeof SegmentSchema>;

/** `POST /segments/preview`: how many customers match, and the first few (names masked without `pii`). */
export const SegmentPreviewSchema = z.object({
  count: z.number(),
  sample: z.array(
    z.object({
      id: z.number(),
      external_id: z.string().nullable(),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      order_count: z.number(),
      net_total: z.number().describe('minor units (fen)'),
    }),
  ),
});
export type SegmentPreview = z.infer<typeof SegmentPreviewSchema>;

/** What a segment's (re)computation changed. */
export const MembershipChangeSchema = z.object({ entered: z.number(), exited: z.number() });

/** A page of `GET /segments/{name}/members` (the export's columns). */
export const SegmentMemberPage = z.object({
  items: z.array(
    z.object({
      customer_id: z.string().describe('the external id, or the internal id as text'),
      name: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
      city: z.string().nullable(),
      tags: z.string().describe('comma-separated, sorted'),
      order_count: z.number(),
      net_total: z.number(),
      last_order_date: z.string().nullable(),
    }),
  ),
  next_cursor: z.string().nullable(),
});

/** A group of `GET /rfm/summary`. */
export const RfmGroupRowSchema = z.object({
  rfm_group: RfmGroupCode,
  name_zh: z.string(),
  customers: z.number(),
  share: z.number().nullable().describe('of the scored customers; null when none is scored'),
  revenue: z.number(),
  aov: z.number().nullable(),
  action_en: z.string(),
  action_zh: z.string(),
});
export type RfmGroupRow = z.infer<typeof RfmGroupRowSchema>;

/** `GET /rfm/summary`. */
export const RfmSummarySchema = z.object({
  as_of: z.string(),
  split: z.enum(['mean', 'score']),
  scored: z.number(),
  groups: z.array(RfmGroupRowSchema),
});
export type RfmSummary = z.infer<typeof RfmSummarySchema>;

/** `GET /rfm/grid`: `customers[r-1][f-1]` and `revenue[r-1][f-1]`. */
export const RfmGridSchema = z.object({
  as_of: z.string(),
  customers: z.array(z.array(z.number())),
  revenue: z.array(z.array(z.number())),
});
export type RfmGrid = z.infer<typeof RfmGridSchema>;

/** `GET /rfm/customers/{id}`: a scored customer's figures, or only the stage of one not scored. */
export const CustomerRfmSchema = z.discriminatedUnion('scored', [
  z.object({
    customer_id: z.number(),
    as_of: z.string(),
    scored: z.literal(false),
    lifecycle: LifecycleStageCode,
  }),
  z.object({
    customer_id: z.number(),
    as_of: z.string(),
    scored: z.literal(true),
    recency: z.number().describe('days since the last order'),
    frequency: z.number(),
    monetary: z.number(),
    r_score: z.number(),
    f_score: z.number(),
    m_score: z.number(),
    rfm_group: RfmGroupCode,
    lifecycle: LifecycleStageCode,
    action_en: z.string(),
    action_zh: z.string(),
  }),
]);
export type CustomerRfm = z.infer<typeof CustomerRfmSchema>;

/** `GET /lifecycle`. */
export const LifecycleSummarySchema = z.object({
  as_of: z.string(),
  stages: z.array(z.object({ lifecycle: LifecycleStageCode, customers: z.number() })),
});
export type LifecycleSummary = z.infer<typeof LifecycleSummarySchema>;

/** A row of `GET /lifecycle/trend`: customers in one stage or group on one recorded day. */
export const StageCountSchema = z.object({
  as_of: z.string(),
  kind: z.enum(['lifecycle', 'rfm_group']),
  code: z.string(),
  customers: z.number(),
});
export type StageCount = z.infer<typeof StageCountSchema>;

/** A change of `GET /customers/{id}/stages`. */
export const StageChangeSchema = z.object({
  kind: z.enum(['lifecycle', 'rfm_group']),
  as_of: z.string().describe('the local date the change was recorded for'),
  from: z.string().nullable().describe('null on the first recording'),
  to: z.string().nullable(),
});
export type StageChange = z.infer<typeof StageChangeSchema>;

/** `matrix[from][to]`: customers in `labels[from]` on the first date and in `labels[to]` on the second. */
const MovementMatrix = z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.number())) });

/** `GET /rfm/movement`. */
export const MovementSchema = z.object({
  from: z.string(),
  to: z.string(),
  rfm: MovementMatrix.describe('the 8 groups, then "unscored"'),
  lifecycle: MovementMatrix,
});
export type Movement = z.infer<typeof MovementSchema>;
