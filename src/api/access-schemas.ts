import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../access/access-policy.ts';
import { ROLES } from '../access/roles.ts';
import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

/**
 * A string a person typed: bounded, without NUL bytes (PostgreSQL refuses them in text) and valid
 * Unicode, so bad input is a 400 naming its field rather than a database error.
 */
export const Text = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !hasNul(s), 'must not contain a NUL byte')
    .refine((s) => !hasLoneSurrogate(s), 'must be valid Unicode text (a lone surrogate is not)');

/** A sign-in email. */
export const Email = Text(320, 3).refine(
  (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim()),
  'must be an email address',
);

/** A new password, under the password policy. */
export const NewPassword = Text(1000, MIN_PASSWORD_LENGTH);

/** `POST /auth/login`. */
export const LoginBody = z
  .object({ email: Text(320, 1), password: Text(1000, 1), workspace: Text(200).optional() })
  .strict();

/** `GET /auth/me` and every answer that signs someone in. */
export const Me = z.object({
  user: z.object({ id: z.string().nullable(), label: z.string(), kind: z.string() }),
  workspace: z.object({ name: z.string(), timezone: z.string(), currency: z.string() }),
  role: z.enum(ROLES),
  csrf_token: z.string().nullable(),
  workspaces: z.array(z.object({ name: z.string(), role: z.string() })),
});
export type Me = z.infer<typeof Me>;

/** `POST /invitations`. */
export const InviteBody = z.object({ email: Email, role: z.enum(ROLES) }).strict();
export type InviteBody = z.infer<typeof InviteBody>;

/** An invitation as admins see it (never its token). */
export const InvitationOut = z.object({
  id: z.number(),
  email: z.string(),
  role: z.enum(ROLES),
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  invited_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});
export type InvitationOut = z.infer<typeof InvitationOut>;

/** A new invitation: its token and accept link are in this answer only. */
export const InvitationCreated = InvitationOut.extend({ token: z.string(), accept_path: z.string() });
export type InvitationCreated = z.infer<typeof InvitationCreated>;

/** `POST /invitations/accept`: a new person sets `password`; an existing user gives theirs or is signed in. */
export const AcceptBody = z
  .object({ token: Text(200, 1), password: Text(1000, 1).optional(), name: Text(200).optional() })
  .strict();
export type AcceptBody = z.infer<typeof AcceptBody>;

/** `POST /auth/password`. */
export const PasswordChangeBody = z
  .object({ current_password: Text(1000, 1), new_password: NewPassword })
  .strict();
export type PasswordChangeBody = z.infer<typeof PasswordChangeBody>;

/** `POST /users/{id}/password-reset`: a generated password, shown once. */
export const PasswordResetOut = z.object({ password: z.string(), sessions_ended: z.number() });
export type PasswordResetOut = z.infer<typeof PasswordResetOut>;

/** A member of the workspace (never the password hash). */
export const UserOut = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(ROLES),
  created_at: z.string(),
  stores: z.array(z.string()).describe('the stores they work in (the task rule `store`)'),
  language: z.enum(['zh-CN', 'en']).nullable().describe('language of their staff messages; null: zh-CN'),
});
export type UserOut = z.infer<typeof UserOut>;

/** `PATCH /users/:userId`: a member's role, stores and message language. */
export const MemberBody = z
  .object({
    role: z.enum(ROLES).optional(),
    stores: z
      .array(Text(100, 1).refine((v) => v.trim() !== '', 'must not be blank'))
      .max(100)
      .optional(),
    language: z.enum(['zh-CN', 'en']).nullable().optional(),
  })
  .strict();
export type MemberBody = z.infer<typeof MemberBody>;

/** An entry of the audit log. */
export const AuditEntryOut = z.object({
  id: z.number(),
  at: z.string(),
  actor_kind: z.string().describe('user, api_key or cli'),
  actor_id: z.string().nullable(),
  actor_label: z.string(),
  action: z.string(),
  object_type: z.string(),
  object_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});

/** A page of `GET /audit`, newest first. */
export const AuditPage = z.object({ items: z.array(AuditEntryOut), next_cursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

/** An API key of `GET /api-keys` (never the key itself: it is shown once, at creation). */
export const KeyOut = z.object({
  id: z.number(),
  name: z.string(),
  role: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export type KeyOut = z.infer<typeof KeyOut>;

/** `POST /api-keys`: the key, shown this once. */
export const KeyCreated = KeyOut.extend({ key: z.string() });
export type KeyCreated = z.infer<typeof KeyCreated>;
