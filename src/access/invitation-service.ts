import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { INVITATION_DAYS, MIN_PASSWORD_LENGTH } from './access-policy.ts';
import type { Actor } from './caller.ts';
import { checkPassword, type LoginLimits } from './login-limit.ts';
import { hashPassword } from './password.ts';
import type { Role } from './roles.ts';
import { newToken, tokenHash } from './secret-token.ts';
import { normalizeEmail } from './user-service.ts';

/** An invitation as admins see it; the token is never stored, only its hash. */
export interface Invitation {
  id: number;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  invitedBy: string;
  createdAt: Date;
  expiresAt: Date;
}

const statusOf = (r: { accepted_at: Date | null; revoked_at: Date | null; expires_at: Date }) =>
  r.accepted_at
    ? 'accepted'
    : r.revoked_at
      ? 'revoked'
      : r.expires_at.getTime() <= Date.now()
        ? 'expired'
        : 'pending';

const present = (r: {
  id: number;
  email: string;
  role: string;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}): Invitation => ({
  id: r.id,
  email: r.email,
  role: r.role as Role,
  status: statusOf(r),
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/**
 * Invites an email to the workspace with a role. The answer is the same whether or not the email
 * has an account anywhere, so inviting discloses nothing; an earlier pending invitation of the
 * same email is replaced. The token is returned once (for the accept link) and stored hashed.
 *
 * @example const { token } = await inviteUser(db, ws.id, actor, { email: 'ops@shop.cn', role: 'operator' })
 */
export async function inviteUser(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  input: { email: string; role: Role },
): Promise<{ invitation: Invitation; token: string }> {
  const email = normalizeEmail(input.email);
  const token = newToken('ri_');
  return db.transaction().execute(async (trx) => {
    // Only this workspace's own members are checked: its admins can list them anyway.
    const member = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('m.user_id')
      .where('m.workspace_id', '=', workspaceId)
      .where('u.email', '=', email)
      .executeTakeFirst();
    if (member) throw new RetainError('conflict', `${email} is already a member of this workspace`);
    await trx
      .updateTable('invitations')
      .set({ revoked_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
    const row = await trx
      .insertInto('invitations')
      .values({
        workspace_id: workspaceId,
        email,
        role: input.role,
        token_hash: tokenHash(token),
        invited_by: actor.label,
        expires_at: new Date(Date.now() + INVITATION_DAYS * 86_400_000),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, workspaceId, actor, {
      action: 'invitation.create',
      objectType: 'invitation',
      objectId: row.id,
      detail: { role: input.role },
    });
    return { invitation: present(row), token };
  });
}

/** Invitations of the workspace, newest first. */
export async function listInvitations(db: Kysely<Schema>, workspaceId: number): Promise<Invitation[]> {
  const rows = await db
    .selectFrom('invitations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map(present);
}

/** Revokes a pending invitation; its link stops working. */
export async function revokeInvitation(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  invitationId: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable('invitations')
      .set({ revoked_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (revoked.numUpdatedRows === 0n) throw new NotFoundError(`no pending invitation ${invitationId}`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'invitation.revoke',
      objectType: 'invitation',
      objectId: invitationId,
    });
  });
}

/** What accepting needs: the token and either a signed-in user or a password. */
export interface AcceptInput {
  token: string;
  /** A new person's chosen password, or an existing user's own. */
  password?: string;
  name?: string;
  /** The user signed in on this browser, if any: needs no password when they are the invitee. */
  signedInUserId?: number;
  address: string;
}

/**
 * Accepts an invitation: a new person gets an account with their password; an existing user must
 * be signed in as the invited email or give its password (checked within the login limits). Only
 * then is the membership added, so nobody is moved into a workspace they did not accept.
 */
export async function acceptInvitation(
  db: Kysely<Schema>,
  input: AcceptInput,
  limits?: LoginLimits,
): Promise<{ user: { id: number; email: string }; workspaceId: number; role: Role }> {
  const invitation = await db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash(input.token))
    .executeTakeFirst();
  if (!invitation || statusOf(invitation) !== 'pending')
    throw new NotFoundError('this invitation is unknown, already used, revoked or expired');
  const existing = await db
    .selectFrom('users')
    .select(['id', 'email', 'disabled_at'])
    .where('email', '=', invitation.email)
    .executeTakeFirst();
  let passwordHash: string | undefined;
  if (existing) {
    if (existing.id !== input.signedInUserId) {
      if (!input.password)
        throw new RetainError(
          'unauthorized',
          'this email already has an account: sign in as it, or give its password',
        );
      await checkPassword(
        db,
        { email: invitation.email, password: input.password, address: input.address },
        limits,
      );
    }
  } else {
    if (!input.password || input.password.length < MIN_PASSWORD_LENGTH)
      throw new InvalidInputError(
        `body.password: choose a password of at least ${MIN_PASSWORD_LENGTH} characters`,
        [{ field: 'body.password', message: `at least ${MIN_PASSWORD_LENGTH} characters` }],
      );
    passwordHash = await hashPassword(input.password);
  }
  return db.transaction().execute(async (trx) => {
    const user =
      existing ??
      (await trx
        .insertInto('users')
        .values({ email: invitation.email, password_hash: passwordHash!, name: input.name?.trim() || null })
        .returning(['id', 'email'])
        .executeTakeFirstOrThrow());
    // Claimed with a condition, so two accepts of one link cannot both succeed.
    const claimed = await trx
      .updateTable('invitations')
      .set({ accepted_at: new Date(), accepted_by: user.id })
      .where('workspace_id', '=', invitation.workspace_id)
      .where('id', '=', invitation.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n)
      throw new NotFoundError('this invitation is unknown, already used, revoked or expired');
    await trx
      .insertInto('memberships')
      .values({ workspace_id: invitation.workspace_id, user_id: user.id, role: invitation.role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .execute();
    await recordAudit(
      trx,
      invitation.workspace_id,
      { kind: 'user', id: String(user.id), label: user.email },
      {
        action: 'invitation.accept',
        objectType: 'invitation',
        objectId: invitation.id,
        detail: { role: invitation.role, new_account: !existing },
      },
    );
    return {
      user: { id: user.id, email: user.email },
      workspaceId: invitation.workspace_id,
      role: invitation.role as Role,
    };
  });
}
