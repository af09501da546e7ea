import { z } from 'zod';

// The request and response shapes of the WeCom customer-contact routes, shared by the API (its
// OpenAPI document) and the dashboard (its types); zod only, so the browser build can read them.

/** A staff member's WeCom userid (通讯录 账号): letters, digits and `_ - @ .`, at most 64. */
export const WecomUserid = z
  .string()
  .regex(/^[A-Za-z0-9_@.-]{1,64}$/, 'a WeCom userid: 1–64 letters, digits, _ - @ or .');

/** A customer's WeCom external userid (外部联系人 external_userid). */
export const ExternalUserid = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a WeCom external_userid: 1–64 letters, digits, _ or -');

/** `PUT /users/{userId}/wecom`: the member's WeCom userid, or null to clear it. */
export const StaffWecomInput = z.object({ wecom_userid: WecomUserid.nullable() }).strict();
/** A member's WeCom userid in responses. */
export const StaffWecomSchema = z.object({ user_id: z.number(), wecom_userid: z.string().nullable() });

/** `PUT /customers/{customerId}/wecom`: the customer's external userid, or null to clear it. */
export const CustomerWecomInput = z.object({ external_userid: ExternalUserid.nullable() }).strict();
/** A customer's WeCom external userid in responses (masked for roles without personal data). */
export const CustomerWecomSchema = z.object({
  customer_id: z.number(),
  external_userid: z.string().nullable(),
});

/**
 * Why a WeCom customer-contact message was not sent or not delivered, as stored in its `reason`:
 * no external userid, no owner, an owner without a WeCom userid, the daily quota, then the
 * results WeCom gives (not sent in time, not a contact, already received another message).
 */
export const WECOM_REASONS = [
  'no_wecom_external_userid',
  'no_owner',
  'no_owner_wecom_userid',
  'wecom_daily_quota',
  'wecom_not_sent',
  'wecom_not_friend',
  'wecom_already_received',
] as const;
