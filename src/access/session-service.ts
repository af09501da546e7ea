import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import type { Caller } from './caller.ts';
import { verifyPassword } from './password.ts';
import type { Role } from './roles.ts';
import { newToken, tokenHash } from './secret-token.ts';

/** How long a login lasts. */
export const SESSION_HOURS = 12;

/** A wrong email or password; one message for both so emails cannot be probed. */
export class LoginFailedError extends RetainError {
  constructor() {
    super('unauthorized', 'wrong email or password');
  }
}

/** A fresh login: the cookie token (shown once) and the CSRF token writes must echo. */
export interface Login {
  token: string;
  caller: Caller;
  expiresAt: Date;
}

async function membership(db: Kysely<Schema>, userId: number, workspaceName?: string) {
  let query = db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .selectAll('w')
    .select('m.role')
    .where('m.user_id', '=', userId)
    .orderBy('w.name')
    .limit(1);
  if (workspaceName) query = query.where('w.name', '=', workspaceName);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const { role, ...workspace } = row;
  return { workspace: workspace as Workspace, role: role as Role };
}

/**
 * Checks email and password and opens a session in the named workspace (or the user's first).
 *
 * @example const { token, caller } = await login(db, 'ops@shop.cn', 'long secret')
 */
export async function login(
  db: Kysely<Schema>,
  email: string,
  password: string,
  workspaceName?: string,
): Promise<Login> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'email', 'password_hash'])
    .where('email', '=', email.trim().toLowerCase())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  // Verify against a throwaway hash when there is no such user, so timing does not tell.
  const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, password);
  if (!user || !ok) throw new LoginFailedError();
  const member = await membership(db, user.id, workspaceName);
  if (!member) throw new LoginFailedError();
  const token = newToken('rs_');
  const csrfToken = newToken('', 24);
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await db
    .insertInto('sessions')
    .values({
      token_hash: tokenHash(token),
      user_id: user.id,
      workspace_id: member.workspace.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
    })
    .execute();
  return {
    token,
    expiresAt,
    caller: { ...member, actor: { kind: 'user', id: String(user.id), label: user.email }, csrfToken },
  };
}

/** The caller behind a session cookie, or undefined when unknown or expired. */
export async function resolveSession(db: Kysely<Schema>, token: string): Promise<Caller | undefined> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('memberships as m', (j) =>
      j.onRef('m.user_id', '=', 's.user_id').onRef('m.workspace_id', '=', 's.workspace_id'),
    )
    .innerJoin('workspaces as w', 'w.id', 's.workspace_id')
    .selectAll('w')
    .select(['m.role', 'u.id as user_id', 'u.email', 's.csrf_token', 's.expires_at'])
    .where('s.token_hash', '=', tokenHash(token))
    .where('u.disabled_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.expires_at.getTime() <= Date.now()) return undefined;
  const { role, user_id, email, csrf_token, expires_at: _e, ...workspace } = row;
  return {
    workspace: workspace as Workspace,
    role: role as Role,
    actor: { kind: 'user', id: String(user_id), label: email },
    csrfToken: csrf_token,
  };
}

/** Moves a session to another workspace the user belongs to; false when they do not. */
export async function switchWorkspace(
  db: Kysely<Schema>,
  token: string,
  userId: number,
  workspaceName: string,
) {
  const member = await membership(db, userId, workspaceName);
  if (!member) return false;
  await db
    .updateTable('sessions')
    .set({ workspace_id: member.workspace.id })
    .where('token_hash', '=', tokenHash(token))
    .execute();
  return true;
}

/** Ends a session. */
export async function logout(db: Kysely<Schema>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash(token)).execute();
}

/** Workspaces the user can switch to. */
export async function userWorkspaces(db: Kysely<Schema>, userId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('w.name')
    .execute();
}

// argon2id of a random string nobody knows.
const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$y11h5l5tOmpvwHvnjuL++w$kq1ykJSbwBx36YHty5R7z0SdGS2sdZv9F7qy+zmgO68';
