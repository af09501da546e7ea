import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCustomer } from '../../customers/index.ts';
import { messageFunnel } from '../../messaging/message-funnel.ts';
import {
  cohortRetention,
  historicalClv,
  PERIOD_UNITS,
  type PeriodUnit,
  periodMetrics,
} from '../../metrics/index.ts';
import {
  ClvSchema,
  CohortRowSchema,
  FunnelSchema,
  MetricsRowSchema,
} from '../../metrics/metrics-contract.ts';
import {
  findSegment,
  LIFECYCLE_STAGES,
  RFM_GROUPS,
  rfmGrid,
  rfmRowAt,
  rfmSummary,
  scoredPosition,
} from '../../segments/index.ts';
import {
  CustomerRfmSchema,
  LifecycleSummarySchema,
  MovementSchema,
  RfmGridSchema,
  RfmSummarySchema,
  StageChangeSchema,
  StageCountSchema,
} from '../../segments/segment-contract.ts';
import { segmentMovement } from '../../segments/segment-movement.ts';
import { stageCounts, stageHistory } from '../../segments/stage-history.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { todayIn } from '../../shared/local-date.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, DateText, ERRORS } from '../schemas.ts';

const SegQuery = z.object({
  as_of: DateText.optional().describe('default: today in the workspace zone'),
  window_days: z.coerce.number().int().min(1).max(36_500).optional(),
  split: z.enum(['mean', 'score']).optional(),
});
const Range = z.object({ from: DateText, to: DateText });
const read = { permission: 'read' as const };

function checkRange(from: string, to: string) {
  if (to <= from) throw new InvalidInputError(`querystring.to: ${to} must be after from ${from}`);
}

/** RFM, lifecycle, movement, period metrics, cohorts and CLV, with the CLI's parameters. */
export const analyticsRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store, segmentations }) => {
  const segmentation = (request: { query: z.infer<typeof SegQuery> }, caller: ReturnType<typeof callerOf>) =>
    segmentations.get(caller.workspace, {
      asOf: request.query.as_of ?? todayIn(caller.workspace.timezone),
      windowDays: request.query.window_days,
      split: request.query.split,
    });

  app.get(
    '/rfm/summary',
    {
      config: read,
      schema: {
        tags: ['rfm'],
        summary: 'The 8 RFM groups with share, revenue, AOV and suggested action',
        querystring: SegQuery,
        response: { 200: RfmSummarySchema, ...ERRORS },
      },
    },
    async (request) => {
      const seg = await segmentation(request, callerOf(request));
      return { as_of: seg.asOf, split: seg.split, scored: seg.scored.length, groups: rfmSummary(seg) };
    },
  );

  app.get(
    '/rfm/grid',
    {
      config: read,
      schema: {
        tags: ['rfm'],
        summary: 'The 5×5 R×F grid: customers and revenue per cell, grid[r-1][f-1]',
        querystring: SegQuery,
        response: { 200: RfmGridSchema, ...ERRORS },
      },
    },
    async (request) => {
      const seg = await segmentation(request, callerOf(request));
      return { as_of: seg.asOf, ...rfmGrid(seg) };
    },
  );

  app.get(
    '/lifecycle/trend',
    {
      config: read,
      schema: {
        tags: ['lifecycle'],
        summary: 'Customers per lifecycle stage and RFM group on each day the worker recorded in [from, to)',
        querystring: Range,
        response: { 200: z.array(StageCountSchema), ...ERRORS },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      checkRange(from, to);
      return stageCounts(store.db, callerOf(request).workspace.id, { from, to });
    },
  );

  app.get(
    '/customers/:customerId/stages',
    {
      config: read,
      schema: {
        tags: ['lifecycle'],
        summary: "A customer's recorded lifecycle stage and RFM group changes, oldest first",
        params: CustomerParams,
        response: { 200: z.array(StageChangeSchema), ...ERRORS },
      },
    },
    async (request) => {
      const { workspace } = callerOf(request);
      await requireCustomer(store.db, workspace.id, request.params.customerId);
      return stageHistory(store.db, workspace, request.params.customerId);
    },
  );

  app.get(
    '/rfm/customers/:customerId',
    {
      config: read,
      schema: {
        tags: ['rfm'],
        summary: "A customer's recency, frequency, monetary, scores, group and lifecycle",
        params: CustomerParams,
        querystring: SegQuery,
        response: { 200: CustomerRfmSchema, ...ERRORS },
      },
    },
    async (request) => {
      const seg = await segmentation(request, callerOf(request));
      const i = seg.facts.ids.indexOf(request.params.customerId);
      if (i < 0) throw new NotFoundError(`customer ${request.params.customerId} not found`);
      const j = scoredPosition(seg, i);
      const lifecycle = LIFECYCLE_STAGES[seg.stages[i]!]!;
      if (j < 0)
        return { customer_id: request.params.customerId, as_of: seg.asOf, scored: false as const, lifecycle };
      const row = rfmRowAt(seg, j);
      const group = RFM_GROUPS.find((g) => g.code === row.rfm_group)!;
      return {
        ...row,
        customer_id: request.params.customerId,
        as_of: seg.asOf,
        scored: true as const,
        action_en: group.action_en,
        action_zh: group.action_zh,
      };
    },
  );

  app.get(
    '/lifecycle',
    {
      config: read,
      schema: {
        tags: ['lifecycle'],
        summary: 'Customers per lifecycle stage',
        querystring: SegQuery.pick({ as_of: true }),
        response: { 200: LifecycleSummarySchema, ...ERRORS },
      },
    },
    async (request) => {
      const seg = await segmentation(request, callerOf(request));
      const counts = LIFECYCLE_STAGES.map((stage, k) => ({ lifecycle: stage, customers: 0, k }));
      for (const s of seg.stages) counts[s]!.customers++;
      return { as_of: seg.asOf, stages: counts.map(({ k: _k, ...c }) => c) };
    },
  );

  app.get(
    '/rfm/movement',
    {
      config: read,
      schema: {
        tags: ['rfm'],
        summary: 'Customers moving between RFM groups and lifecycle stages from one date to another',
        querystring: Range,
        response: { 200: MovementSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { from, to } = request.query;
      checkRange(from, to);
      const movement = segmentMovement(
        await segmentations.get(caller.workspace, { asOf: from }),
        await segmentations.get(caller.workspace, { asOf: to }),
      );
      return { from, to, ...movement };
    },
  );

  app.get(
    '/metrics',
    {
      config: read,
      schema: {
        tags: ['metrics'],
        summary: 'Buyers, orders, revenue, AOV, repurchase, returning and retention rates per period',
        querystring: Range.extend({
          period: z.enum(PERIOD_UNITS as [PeriodUnit, ...PeriodUnit[]]).default('month'),
          segment: z.string().optional(),
        }),
        response: { 200: z.array(MetricsRowSchema), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { from, to, period, segment } = request.query;
      checkRange(from, to);
      const segmentId = segment ? (await findSegment(store.db, caller.workspace.id, segment)).id : undefined;
      return periodMetrics(store.db, caller.workspace.id, { from, to, period, segmentId });
    },
  );

  app.get(
    '/funnel',
    {
      config: read,
      schema: {
        tags: ['metrics'],
        summary:
          'Customers first touched by a message in [from, to): touched → delivered → opened → clicked → added to cart → ordered within attribution_days, with revenue',
        querystring: Range.extend({ attribution_days: z.coerce.number().int().min(1).max(90).default(7) }),
        response: { 200: FunnelSchema, ...ERRORS },
      },
    },
    async (request) => {
      const { workspace } = callerOf(request);
      const { from, to, attribution_days } = request.query;
      checkRange(from, to);
      return messageFunnel(
        store.db,
        workspace.id,
        { from, to, timezone: workspace.timezone },
        attribution_days,
      );
    },
  );

  app.get(
    '/cohorts',
    {
      config: read,
      schema: {
        tags: ['metrics'],
        summary: 'Monthly cohort retention matrix',
        querystring: Range,
        response: { 200: z.array(CohortRowSchema), ...ERRORS },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      checkRange(from, to);
      return cohortRetention(store.db, callerOf(request).workspace.id, { from, to });
    },
  );

  app.get(
    '/clv',
    {
      config: read,
      schema: {
        tags: ['metrics'],
        summary: 'Historical customer lifetime value',
        querystring: SegQuery.pick({ as_of: true }),
        response: { 200: ClvSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return historicalClv(
        store.db,
        caller.workspace.id,
        request.query.as_of ?? todayIn(caller.workspace.timezone),
      );
    },
  );
};
