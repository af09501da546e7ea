import type { Kysely } from 'kysely';
import { auditAs } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { Caller } from './caller.ts';
import { checkPassword, LoginFailedError, type LoginLimits } from './login-limit.ts';
import type { Role } from './roles.ts';
import { newToken, tokenHash } from './secret-token.ts';

/** How long a login lasts. */
export const SESSION_HOURS = 12;

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
    .orderBy('m.created_at')
    .orderBy('w.name')
    .limit(1);
  if (workspaceName) query = query.where('w.name', '=', workspaceName);
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const { role, ...workspace } = row;
  return { workspace: workspace as Workspace, role: role as Role };
}

/**
 * Checks email and password (within the login limits) and opens a session in the named workspace,
 * else in the one the user joined first, so joining another never changes where they land.
 *
 * @example const { token, caller } = await login(db, { email: 'ops@shop.cn', password: 'long secret', address: ip })
 */
export async function login(
  db: Kysely<Schema>,
  input: { email: string; password: string; address: string; workspace?: string },
  limits?: LoginLimits,
): Promise<Login> {
  const user = await checkPassword(db, input, limits);
  const member = await membership(db, user.id, input.workspace);
  if (!member) throw new LoginFailedError();
  return openSession(db, user, member);
}

/** Opens a session for a user already proven, in one workspace they belong to; audited as a login. */
export async function openSession(
  db: Kysely<Schema>,
  user: { id: number; email: string },
  member: { workspace: Workspace; role: Role },
): Promise<Login> {
  const token = newToken('rs_');
  const csrfToken = newToken('', 24);
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  const caller: Caller = {
    ...member,
    actor: { kind: 'user', id: String(user.id), label: user.email },
    csrfToken,
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        token_hash: tokenHash(token),
        user_id: user.id,
        workspace_id: member.workspace.id,
        csrf_token: csrfToken,
        expires_at: expiresAt,
      })
      .execute();
    await auditAs(trx, caller, { action: 'user.login', objectType: 'user', objectId: user.id });
  });
  return { token, expiresAt, caller };
}

/** The user's membership in a workspace by id (for a session opened right after joining it). */
export async function membershipIn(db: Kysely<Schema>, userId: number, workspaceId: number) {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .selectAll('w')
    .select('m.role')
    .where('m.user_id', '=', userId)
    .where('m.workspace_id', '=', workspaceId)
    .executeTakeFirstOrThrow();
  const { role, ...workspace } = row;
  return { workspace: workspace as Workspace, role: role as Role };
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
