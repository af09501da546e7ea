import { z } from 'zod';

// The response shapes of coupons, points, tiers and referrals, shared by the API (its OpenAPI
// document) and the dashboard (its types); only zod, so the browser build can read them.

const Instant = z.string().describe('ISO time');

/** A coupon template of `GET /coupon-templates` (money in minor units). */
export const CouponTemplateSchema = z.object({
  workspace_id: z.number(),
  id: z.number(),
  name: z.string(),
  kind: z.enum(['amount_off', 'percent_off', 'gift']),
  amount_off: z.number().nullable(),
  percent_off: z.number().nullable(),
  max_discount: z.number().nullable(),
  gift_sku: z.string().nullable(),
  threshold: z.number().describe('满 … minimum order amount'),
  valid_from: Instant.nullable(),
  valid_until: Instant.nullable(),
  valid_days: z.number().nullable().describe('days a coupon lasts from its issue'),
  per_customer_limit: z.number().nullable(),
  budget_count: z.number().nullable(),
  budget_amount: z.number().nullable(),
  channels: z.array(z.string()).nullable(),
  stores: z.array(z.string()).nullable(),
  products: z.array(z.string()).nullable().describe('SKUs it applies to; null: every product'),
  stackable: z.boolean(),
  issued_count: z.number(),
  created_at: Instant,
});
export type CouponTemplate = z.infer<typeof CouponTemplateSchema>;

/** What issuing coupons did. */
export const IssueResultSchema = z.object({
  issued: z.number(),
  over_customer_limit: z.number(),
  over_budget: z.number(),
  codes: z.array(z.object({ customer_id: z.number(), code: z.string() })),
});
export type IssueResult = z.infer<typeof IssueResultSchema>;

/** A row of `GET /coupons/report`: one template and issuing source. */
export const CouponReportRowSchema = z.object({
  template: z.string(),
  source: z.string(),
  source_ref: z.string().nullable(),
  issued: z.number(),
  redeemed: z.number(),
  redemption_rate: z.number().nullable(),
  discount_cost: z.number().describe('sum of discounts given, minor units'),
  revenue: z.number().describe('net revenue of the redeeming orders, minor units'),
  roi: z.number().nullable().describe('revenue per unit of discount; null without cost'),
});
export type CouponReportRow = z.infer<typeof CouponReportRowSchema>;

/** A coupon of a customer's list, with its template and what became of it. */
export const CustomerCouponSchema = z.object({
  code: z.string(),
  template: z.string(),
  source: z.string(),
  issued_at: Instant,
  expires_at: Instant.nullable(),
  redeemed_at: Instant.nullable(),
  redeemed_order_id: z.string().nullable(),
  discount: z.number().nullable(),
});
export type CustomerCoupon = z.infer<typeof CustomerCouponSchema>;

/** `GET /coupons/{code}`: one coupon and every redemption attempt. */
export const CouponSchema = CustomerCouponSchema.extend({
  customer_id: z.number().nullable(),
  starts_at: Instant.nullable(),
  source_ref: z.string().nullable(),
  attempts: z.array(
    z.object({ order_id: z.string(), result: z.string(), discount: z.number().nullable(), at: Instant }),
  ),
});

/** A tier of the workspace's settings. */
export const TierLevelSchema = z.object({
  code: z.string(),
  name_zh: z.string(),
  name_en: z.string(),
  min: z.number().describe('qualifying spend (minor units) or points'),
  multiplier: z.number(),
  free_shipping: z.boolean(),
  birthday_coupon_template: z.string().optional(),
});
export type TierLevel = z.infer<typeof TierLevelSchema>;

/** `GET /customers/{id}/loyalty`: points balance, ledger (newest first) and tier. */
export const LoyaltySchema = z.object({
  balance: z.number(),
  tier: z
    .object({
      tier: z.string(),
      since: Instant,
      below_since: z.string().nullable().describe('the local date the customer fell below it (grace)'),
      level: TierLevelSchema.optional().describe('absent when the tier is no longer in the settings'),
    })
    .nullable(),
  ledger: z.array(
    z.object({
      id: z.number(),
      kind: z.enum(['earn', 'bonus', 'redeem', 'expire', 'adjust', 'reverse']),
      points: z.number(),
      reason: z.string(),
      order_id: z.string().nullable(),
      expires_at: Instant.nullable(),
      at: Instant,
      idempotency_key: z.string(),
    }),
  ),
});
export type Loyalty = z.infer<typeof LoyaltySchema>;

/** A referral link between two customers. */
export const ReferralLinkSchema = z.object({ referrer_id: z.number(), referred_id: z.number() });

const Referral = ReferralLinkSchema.extend({
  linked_at: Instant,
  converted_at: Instant.nullable().describe("the referred customer's first valid order"),
  converted_order_id: z.string().nullable(),
});

/** `GET /customers/{id}/referrals`. */
export const CustomerReferralsSchema = z.object({
  code: z.string().nullable(),
  referred_by: Referral.nullable(),
  referred: z.array(Referral),
});
export type CustomerReferrals = z.infer<typeof CustomerReferralsSchema>;

/** `GET /referrals/report`. */
export const ReferralReportSchema = z.object({
  referrals: z.number(),
  converted: z.number(),
  revenue: z.number().describe('net spend of the referred customers, minor units'),
  top_referrers: z.array(
    z.object({
      customer_id: z.number(),
      external_id: z.string().nullable(),
      referrals: z.number(),
      converted: z.number(),
      revenue: z.number(),
    }),
  ),
});
export type ReferralReport = z.infer<typeof ReferralReportSchema>;

/** `POST /tiers/evaluate`. */
export const TierChangesSchema = z.object({
  as_of: z.string(),
  upgraded: z.number(),
  downgraded: z.number(),
  in_grace: z.number().describe('below their tier, kept in it until the grace period ends'),
});

/** `POST /points/expire`. */
export const PointsExpiredSchema = z.object({ as_of: z.string(), customers: z.number(), points: z.number() });
