import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { RetainError, TooManyAttemptsError } from '../shared/errors.ts';
import type { Actor } from './caller.ts';
import { verifyPassword } from './password.ts';

/** How many failed passwords an account and a client address may have within the window. */
export interface LoginLimits {
  account: number;
  address: number;
  windowMinutes: number;
}

/** Ten wrong passwords for one account, or fifty from one address, within 15 minutes. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = { account: 10, address: 50, windowMinutes: 15 };

/** A wrong email or password; one message for both so emails cannot be probed. */
export class LoginFailedError extends RetainError {
  constructor() {
    super('unauthorized', 'wrong email or password');
  }
}

/** A user who may sign in, as the password check found them. */
export interface CheckedUser {
  id: number;
  email: string;
}

// argon2id of a random string nobody knows.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$y11h5l5tOmpvwHvnjuL++w$kq1ykJSbwBx36YHty5R7z0SdGS2sdZv9F7qy+zmgO68';

const DAY = 86_400_000;

async function failures(db: Kysely<Schema>, column: 'email' | 'address', value: string, since: Date) {
  const row = await db
    .selectFrom('login_attempts')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('at').as('first')])
    .where(column, '=', value)
    .where('succeeded', '=', false)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), first: row.first ? new Date(row.first) : undefined };
}

/**
 * Checks a user's password with the limits applied: every attempt is recorded first (so parallel
 * guesses count each other), and an account or address over its limit is refused with 429 even
 * with the right password until the window has passed. Failures and lockouts are audited in the
 * user's workspaces (an unknown email has none; its attempts are only counted).
 *
 * @example const user = await checkPassword(db, { email, password, address: request.ip })
 */
export async function checkPassword(
  db: Kysely<Schema>,
  input: { email: string; password: string; address: string },
  limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
): Promise<CheckedUser> {
  const email = input.email.trim().toLowerCase();
  const now = new Date();
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  // Attempts only matter inside the window; a day keeps some for reading, then they go.
  await db
    .deleteFrom('login_attempts')
    .where('at', '<', new Date(now.getTime() - DAY))
    .execute();
  const attempt = await db
    .insertInto('login_attempts')
    .values({ email, address: input.address, at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const account = await failures(db, 'email', email, since);
  const address = await failures(db, 'address', input.address, since);
  const over = account.count > limits.account ? account : address.count > limits.address ? address : null;
  if (over) {
    // A refused attempt is not counted, so the lock ends when the window passes rather than
    // stretching while someone keeps knocking.
    await db.deleteFrom('login_attempts').where('id', '=', attempt.id).execute();
    const until = (over.first ?? now).getTime() + limits.windowMinutes * 60_000;
    const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
    throw new TooManyAttemptsError(
      `too many failed sign-ins; try again in ${Math.ceil(seconds / 60)} minutes`,
      seconds,
    );
  }
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash'])
    .where('email', '=', email)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  // Verify against a throwaway hash when there is no such user, so timing does not tell.
  const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, input.password);
  if (user && ok) {
    // The account's count starts again; the address's does not, or one known password would
    // let an address keep guessing others.
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('login_attempts').set({ succeeded: true }).where('id', '=', attempt.id).execute();
      await trx
        .deleteFrom('login_attempts')
        .where('email', '=', email)
        .where('succeeded', '=', false)
        .execute();
    });
    return { id: user.id, email: user.email };
  }
  if (user) await auditFailure(db, user.id, input.address, account.count, limits, address.count);
  throw new LoginFailedError();
}

async function auditFailure(
  db: Kysely<Schema>,
  userId: number,
  address: string,
  accountFailures: number,
  limits: LoginLimits,
  addressFailures: number,
) {
  const actor: Actor = { kind: 'user', id: null, label: `sign-in from ${address}` };
  const workspaces = await db
    .selectFrom('memberships')
    .select('workspace_id')
    .where('user_id', '=', userId)
    .execute();
  await db.transaction().execute(async (trx) => {
    for (const { workspace_id } of workspaces) {
      const entry = { objectType: 'user', objectId: userId };
      await recordAudit(trx, workspace_id, actor, {
        ...entry,
        action: 'auth.login_failed',
        detail: { address, failures: accountFailures },
      });
      const lockedBy =
        accountFailures === limits.account
          ? 'account'
          : addressFailures === limits.address
            ? 'address'
            : null;
      if (lockedBy)
        await recordAudit(trx, workspace_id, actor, {
          ...entry,
          action: 'auth.locked',
          detail: { by: lockedBy, address, minutes: limits.windowMinutes },
        });
    }
  });
}
