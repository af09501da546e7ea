import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import type { Actor } from './caller.ts';
import { checkPassword, LoginFailedError, type LoginLimits } from './login-limit.ts';
import { hashPassword } from './password.ts';
import { newToken, tokenHash } from './secret-token.ts';
import { getUser, normalizeEmail } from './user-service.ts';

/**
 * Changes the signed-in user's password after checking the current one (within the login limits,
 * so a stolen session cannot be used to guess it) and ends their other sessions.
 *
 * @example await changePassword(db, caller, { current: 'old secret', next: 'new long secret', sessionToken, address })
 */
export async function changePassword(
  db: Kysely<Schema>,
  caller: { workspace: { id: number }; actor: Actor },
  input: { current: string; next: string; sessionToken?: string; address: string },
  limits?: LoginLimits,
): Promise<{ sessionsEnded: number }> {
  if (caller.actor.kind !== 'user' || !caller.actor.id)
    throw new RetainError('forbidden', 'only a signed-in user has a password to change (API keys do not)');
  const userId = Number(caller.actor.id);
  const user = await db
    .selectFrom('users')
    .select('email')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  try {
    await checkPassword(db, { email: user.email, password: input.current, address: input.address }, limits);
  } catch (error) {
    if (!(error instanceof LoginFailedError)) throw error;
    throw new InvalidInputError('body.current_password: this is not your current password', [
      { field: 'body.current_password', message: 'not your current password' },
    ]);
  }
  if (input.next === input.current)
    throw new InvalidInputError('body.new_password: choose a password different from the current one', [
      { field: 'body.new_password', message: 'the same as the current password' },
    ]);
  const hash = await hashPassword(input.next);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
    let others = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (input.sessionToken) others = others.where('token_hash', '<>', tokenHash(input.sessionToken));
    const ended = Number((await others.executeTakeFirst()).numDeletedRows);
    await recordAudit(trx, caller.workspace.id, caller.actor, {
      action: 'user.password_change',
      objectType: 'user',
      objectId: userId,
      detail: { sessions_ended: ended },
    });
    return { sessionsEnded: ended };
  });
}

// Sets a new password, ends every session and clears the account's failed attempts (so the user
// can sign in at once), auditing in every workspace named.
async function setPassword(
  db: Kysely<Schema>,
  user: { id: number; email: string },
  password: string,
  actor: Actor,
  workspaceIds: number[],
): Promise<{ password: string; sessionsEnded: number }> {
  const hash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', user.id).execute();
    const ended = await trx.deleteFrom('sessions').where('user_id', '=', user.id).executeTakeFirst();
    await trx
      .deleteFrom('login_attempts')
      .where('email', '=', user.email)
      .where('succeeded', '=', false)
      .execute();
    const sessionsEnded = Number(ended.numDeletedRows);
    for (const workspaceId of workspaceIds)
      await recordAudit(trx, workspaceId, actor, {
        action: 'user.password_reset',
        objectType: 'user',
        objectId: user.id,
        detail: { sessions_ended: sessionsEnded },
      });
    return { password, sessionsEnded };
  });
}

/** A generated password: 16 random URL-safe characters (96 bits). */
export const generatedPassword = () => newToken('', 12);

/**
 * An admin's reset of a member's password: a generated password (shown once) replaces it and every
 * session of the user ends. Refused for a user who also belongs to other workspaces, since the new
 * password would open those too; they change it themselves, or a server admin resets it (CLI).
 */
export async function resetMemberPassword(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  userId: number,
): Promise<{ password: string; sessionsEnded: number }> {
  const member = await getUser(db, workspaceId, userId);
  const elsewhere = await db
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', userId)
    .where('workspace_id', '<>', workspaceId)
    .executeTakeFirst();
  if (elsewhere)
    throw new RetainError(
      'conflict',
      `${member.email} also belongs to other workspaces: they can change their password themselves, or a server admin can run "retain users reset-password"`,
    );
  return setPassword(db, member, generatedPassword(), actor, [workspaceId]);
}

/** A server admin's reset by email (CLI): any user, audited in each of their workspaces. */
export async function resetPasswordByEmail(
  db: Kysely<Schema>,
  actor: Actor,
  emailText: string,
  password = generatedPassword(),
): Promise<{ password: string; sessionsEnded: number }> {
  const email = normalizeEmail(emailText);
  const user = await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user) throw new NotFoundError(`no user ${email}`);
  const workspaces = await db
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', user.id)
    .execute();
  return setPassword(
    db,
    user,
    password,
    actor,
    workspaces.map((w) => w.workspace_id),
  );
}
