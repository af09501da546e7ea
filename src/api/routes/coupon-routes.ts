import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { existingCustomerIds, requireCustomer } from '../../customers/index.ts';
import {
  addCouponTemplate,
  CouponTemplateChange,
  CouponTemplateInput,
  changeCouponTemplate,
  couponReport,
  customerCoupons,
  findCoupon,
  findCouponTemplate,
  issueCouponsAs,
  listCouponTemplates,
  normalizeCouponCode,
} from '../../loyalty/index.ts';
import {
  CouponReportRowSchema,
  CouponSchema,
  CouponTemplateSchema,
  CustomerCouponSchema,
  IssueResultSchema,
} from '../../loyalty/loyalty-contract.ts';
import { segmentMemberIds } from '../../segments/index.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, ERRORS, IdNumber, IdValue, iso, MAX_INT4 } from '../schemas.ts';

const TemplateParams = z.object({ templateId: IdNumber(MAX_INT4) });
const presentTemplate = (t: Awaited<ReturnType<typeof findCouponTemplate>>) => ({
  ...t,
  valid_from: iso(t.valid_from),
  valid_until: iso(t.valid_until),
  created_at: iso(t.created_at),
});

/** Coupon templates, issuing (to customers or a segment), one coupon's story, and the report. */
export const couponRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/coupon-templates',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['coupons'],
        summary: 'Coupon templates',
        response: { 200: z.array(CouponTemplateSchema), ...ERRORS },
      },
    },
    async (request) => (await listCouponTemplates(db, callerOf(request).workspace.id)).map(presentTemplate),
  );

  app.post(
    '/coupon-templates',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['coupons'],
        summary:
          'Create a template: 满减 (amount_off with threshold), percent_off (capped) or gift; validity, limits, budget',
        body: CouponTemplateInput,
        response: { 201: CouponTemplateSchema, ...ERRORS, 409: ERRORS[400] },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const template = await addCouponTemplate(db, caller.workspace, caller.actor, request.body);
      return reply.code(201).send(presentTemplate(template));
    },
  );

  app.patch(
    '/coupon-templates/:templateId',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['coupons'],
        summary:
          'Change a template’s name, validity (given together), limits, budget or stacking; kind and value stay',
        params: TemplateParams,
        body: CouponTemplateChange,
        response: { 200: CouponTemplateSchema, ...ERRORS, 409: ERRORS[400] },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return presentTemplate(
        await changeCouponTemplate(
          db,
          caller.workspace,
          caller.actor,
          request.params.templateId,
          request.body,
        ),
      );
    },
  );

  app.post(
    '/coupon-templates/:templateId/issue',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['coupons'],
        summary: 'Issue coupons to customers (by id) or to every member of a saved segment',
        params: TemplateParams,
        body: z
          .object({
            customer_ids: z.array(IdValue).min(1).max(100_000).optional(),
            segment: z.string().min(1).optional(),
          })
          .strict(),
        response: { 200: IssueResultSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const ws = caller.workspace.id;
      const template = await findCouponTemplate(db, ws, request.params.templateId);
      const { customer_ids, segment } = request.body;
      if ((customer_ids === undefined) === (segment === undefined))
        throw new InvalidInputError('body: give either customer_ids or segment');
      let ids = segment ? await segmentMemberIds(db, ws, segment) : customer_ids!;
      if (customer_ids) {
        const known = await existingCustomerIds(db, ws, customer_ids);
        if (known.length !== new Set(customer_ids).size)
          throw new NotFoundError('some customer_ids are not customers of this workspace');
        ids = known;
      }
      return issueCouponsAs(
        db,
        template,
        ids,
        { source: segment ? 'segment' : 'manual', ref: segment ?? caller.actor.label },
        caller.actor,
      );
    },
  );

  app.get(
    '/coupons/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['coupons'],
        summary: 'Issued, redeemed, rate, discount cost, revenue and ROI per template and source',
        response: { 200: z.array(CouponReportRowSchema), ...ERRORS },
      },
    },
    async (request) => couponReport(db, callerOf(request).workspace.id),
  );

  app.get(
    '/coupons/:code',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['coupons'],
        summary: 'A coupon and every redemption attempt',
        params: z.object({ code: z.string().min(1).max(40) }),
        response: { 200: CouponSchema, ...ERRORS },
      },
    },
    async (request) => {
      const code = normalizeCouponCode(request.params.code);
      const coupon = code && (await findCoupon(db, callerOf(request).workspace.id, code));
      if (!coupon) throw new NotFoundError(`no coupon ${request.params.code}`);
      return {
        ...coupon,
        issued_at: iso(coupon.issued_at),
        starts_at: iso(coupon.starts_at),
        expires_at: iso(coupon.expires_at),
        redeemed_at: iso(coupon.redeemed_at),
        attempts: coupon.attempts.map((a) => ({ ...a, at: iso(a.at) })),
      };
    },
  );

  app.get(
    '/customers/:customerId/coupons',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['coupons'],
        summary: "A customer's coupons, newest first (at most 200), with their template and redemption",
        params: CustomerParams,
        response: { 200: z.array(CustomerCouponSchema), ...ERRORS },
      },
    },
    async (request) => {
      const workspaceId = callerOf(request).workspace.id;
      await requireCustomer(db, workspaceId, request.params.customerId);
      const rows = await customerCoupons(db, workspaceId, request.params.customerId);
      return rows.map((r) => ({
        ...r,
        discount: r.discount === null ? null : Number(r.discount),
        issued_at: iso(r.issued_at),
        expires_at: iso(r.expires_at),
        redeemed_at: iso(r.redeemed_at),
      }));
    },
  );
};
