import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCustomer } from '../../customers/index.ts';
import {
  CustomerReferralsSchema,
  LoyaltySchema,
  PointsExpiredSchema,
  ReferralLinkSchema,
  ReferralReportSchema,
  TierChangesSchema,
} from '../../loyalty/loyalty-contract.ts';
import { changePoints, expirePointsAs, pointsBalance, pointsHistory } from '../../loyalty/points-ledger.ts';
import {
  customerReferrals,
  existingReferralCode,
  linkReferral,
  referralCodeAs,
  referralReport,
} from '../../loyalty/referrals.ts';
import { customerTier, evaluateTiersAs } from '../../loyalty/tier-evaluate.ts';
import { todayIn } from '../../shared/local-date.ts';
import { changeSettings, readSettings, updateWorkspace, zoneLocked } from '../../workspaces/index.ts';
import {
  WorkspaceChangeBody,
  WorkspaceInfoSchema,
  WorkspaceSchema,
  WorkspaceSettingsSchema,
} from '../../workspaces/workspace-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, DateText, ERRORS, Int32, iso } from '../schemas.ts';

/** Points, tiers and the workspace settings that configure them. */
export const loyaltyRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store, callers }) => {
  const db = store.db;

  app.get(
    '/customers/:customerId/loyalty',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['loyalty'],
        summary: "A customer's points balance, ledger and tier",
        params: CustomerParams,
        response: { 200: LoyaltySchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      const ws = caller.workspace;
      await requireCustomer(db, ws.id, customerId);
      const [balance, ledger, tier] = await Promise.all([
        pointsBalance(db, ws.id, customerId),
        pointsHistory(db, ws.id, customerId),
        customerTier(db, ws, customerId),
      ]);
      return {
        balance,
        tier: tier ? { ...tier, since: iso(tier.since) } : null,
        ledger: ledger.map((e) => ({ ...e, at: iso(e.at), expires_at: iso(e.expires_at) })),
      };
    },
  );

  app.post(
    '/customers/:customerId/points',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['loyalty'],
        summary: 'Adjust (±) or redeem points; the same idempotency_key twice records once',
        params: CustomerParams,
        body: z
          .object({
            kind: z.enum(['adjust', 'redeem']),
            points: Int32.refine((n) => n !== 0, 'must not be 0'),
            reason: z.string().min(1).max(200),
            idempotency_key: z.string().min(1).max(200),
            coupon_template: z.string().min(1).optional().describe('a redemption that buys this coupon'),
          })
          .strict(),
        response: {
          200: z.object({ balance: z.number(), recorded: z.boolean() }),
          ...ERRORS,
          409: ERRORS[400],
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      const { kind, points, reason, idempotency_key } = request.body;
      const result = await changePoints(db, caller.workspace, customerId, {
        kind,
        points,
        reason,
        idempotencyKey: `api:${idempotency_key}`,
        actor: caller.actor,
      });
      return result;
    },
  );

  const ReferralCode = z.object({ code: z.string().nullable() });
  app.get(
    '/customers/:customerId/referral-code',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['loyalty'],
        summary: "A customer's personal referral code, or null before one is created (POST creates it)",
        params: CustomerParams,
        response: { 200: ReferralCode, ...ERRORS },
      },
    },
    async (request) => ({
      code: await existingReferralCode(db, callerOf(request).workspace.id, request.params.customerId),
    }),
  );

  app.post(
    '/customers/:customerId/referral-code',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['loyalty'],
        summary: "Create the customer's personal referral code (the existing one when there is one)",
        params: CustomerParams,
        response: { 200: ReferralCode.extend({ code: z.string() }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      const code = await referralCodeAs(db, caller.workspace.id, caller.actor, customerId);
      return { code };
    },
  );

  app.post(
    '/customers/:customerId/referral',
    {
      // A link pays the referrer a reward when the customer orders: a loyalty write, not a profile edit.
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['loyalty'],
        summary:
          'Record that this new customer came with a referral code (own code, loops and existing buyers refused)',
        params: CustomerParams,
        body: z.object({ code: z.string().min(1).max(40) }).strict(),
        response: { 200: ReferralLinkSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const link = await linkReferral(
        db,
        caller.workspace.id,
        request.params.customerId,
        request.body.code,
        caller.actor,
      );
      return { referrer_id: link.referrerId, referred_id: link.referredId };
    },
  );

  app.get(
    '/customers/:customerId/referrals',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['loyalty'],
        summary:
          'Who referred the customer, whom they referred (at most 200) and their code if they have one',
        params: CustomerParams,
        response: { 200: CustomerReferralsSchema, ...ERRORS },
      },
    },
    async (request) => {
      const workspaceId = callerOf(request).workspace.id;
      const { customerId } = request.params;
      await requireCustomer(db, workspaceId, customerId);
      const { code, referredBy: by, referred } = await customerReferrals(db, workspaceId, customerId);
      const present = (r: NonNullable<typeof by>) => ({
        referrer_id: Number(r.referrer_id),
        referred_id: Number(r.referred_id),
        linked_at: iso(r.linked_at),
        converted_at: iso(r.converted_at),
        converted_order_id: r.converted_order_id,
      });
      return {
        code,
        referred_by: by ? present(by) : null,
        referred: referred.map(present),
      };
    },
  );

  app.get(
    '/referrals/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['loyalty'],
        summary: 'Referrals, converted, revenue from referred customers, top referrers',
        response: { 200: ReferralReportSchema, ...ERRORS },
      },
    },
    async (request) => referralReport(db, callerOf(request).workspace.id),
  );

  const AsOf = z.object({ as_of: DateText.optional() }).strict();
  app.post(
    '/tiers/evaluate',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['loyalty'],
        summary: 'Evaluate every customer’s tier (run daily)',
        body: AsOf,
        response: { 200: TierChangesSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const asOf = request.body.as_of ?? todayIn(caller.workspace.timezone);
      const changes = await evaluateTiersAs(db, caller.workspace, caller.actor, asOf);
      return { as_of: asOf, ...changes };
    },
  );

  app.post(
    '/points/expire',
    {
      config: { permission: 'loyalty.write' },
      schema: {
        tags: ['loyalty'],
        summary: 'Expire points whose time has come (run daily)',
        body: AsOf,
        response: { 200: PointsExpiredSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const asOf = request.body.as_of ?? todayIn(caller.workspace.timezone);
      const result = await expirePointsAs(db, caller.workspace, caller.actor, asOf);
      return { as_of: asOf, ...result };
    },
  );

  app.get(
    '/workspace',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['workspace'],
        summary:
          'The workspace: zone, currency, and whether they can still change (`locked` once anything is imported)',
        response: { 200: WorkspaceInfoSchema, ...ERRORS },
      },
    },
    async (request) => {
      const { workspace } = callerOf(request);
      return {
        name: workspace.name,
        timezone: workspace.timezone,
        currency: workspace.currency,
        locked: await zoneLocked(db, workspace),
      };
    },
  );

  app.patch(
    '/workspace',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['workspace'],
        summary:
          'Rename the workspace, or change the time zone or currency (only while nothing is imported: 409 otherwise)',
        body: WorkspaceChangeBody,
        response: { 200: WorkspaceSchema, ...ERRORS, 409: ERRORS[400] },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const changed = await updateWorkspace(db, caller.workspace, caller.actor, request.body);
      callers.clear();
      return { name: changed.name, timezone: changed.timezone, currency: changed.currency };
    },
  );

  app.get(
    '/workspace/settings',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['workspace'],
        summary: 'RFM, lifecycle, points and tier settings, defaults filled in',
        response: { 200: WorkspaceSettingsSchema, ...ERRORS },
      },
    },
    async (request) => readSettings(callerOf(request).workspace.settings),
  );

  app.patch(
    '/workspace/settings',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['workspace'],
        summary: 'Change settings by dotted path, e.g. {"points.enabled": true, "tiers.grace_days": 60}',
        body: z.record(z.string(), z.unknown()),
        response: { 200: WorkspaceSettingsSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const saved = await changeSettings(db, caller.workspace, caller.actor, Object.entries(request.body));
      // Cached callers carry the workspace and its settings.
      callers.clear();
      return readSettings(saved.settings);
    },
  );
};
