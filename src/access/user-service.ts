import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { hashPassword } from './password.ts';
import { parseRole, type Role } from './roles.ts';

/** A user as others may see it (never the password hash). */
export interface WorkspaceUser {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  createdAt: Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks a role name, with the list of valid ones in the error. */
export function requireRole(text: string): Role {
  const role = parseRole(text);
  if (!role) throw new InvalidInputError(`unknown role "${text}" (use admin, operator, service or viewer)`);
  return role;
}

/**
 * Creates a user with a membership in the workspace. An existing user (same email) only gains
 * the membership; their password stays as it is.
 *
 * @example await createUser(db, ws.id, { email: 'ops@shop.cn', password: 'long secret', role: 'operator' })
 */
export async function createUser(
  db: Kysely<Schema>,
  workspaceId: number,
  input: { email: string; password: string; role: Role; name?: string },
): Promise<{ user: WorkspaceUser; existed: boolean }> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new InvalidInputError(`"${input.email}" is not an email address`);
  let user = await db.selectFrom('users').select(['id']).where('email', '=', email).executeTakeFirst();
  const existed = Boolean(user);
  if (!user) {
    const password_hash = await hashPassword(input.password);
    user = await db
      .insertInto('users')
      .values({ email, password_hash, name: input.name ?? null })
      .returning(['id'])
      .executeTakeFirstOrThrow();
  }
  const added = await db
    .insertInto('memberships')
    .values({ workspace_id: workspaceId, user_id: user.id, role: input.role })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (!added) throw new RetainError('conflict', `${email} is already a member of this workspace`);
  return { user: await getUser(db, workspaceId, user.id), existed };
}

/** A member of the workspace; not found for users of other workspaces. */
export async function getUser(
  db: Kysely<Schema>,
  workspaceId: number,
  userId: number,
): Promise<WorkspaceUser> {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'u.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`user ${userId} not found`);
  return { id: row.id, email: row.email, name: row.name, role: row.role as Role, createdAt: row.created_at };
}

/** Members of the workspace, by email. */
export async function listUsers(db: Kysely<Schema>, workspaceId: number): Promise<WorkspaceUser[]> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'u.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('u.email')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    createdAt: r.created_at,
  }));
}

/** Removes a user from the workspace and ends their sessions in it. */
export async function removeUser(db: Kysely<Schema>, workspaceId: number, userId: number): Promise<void> {
  const removed = await db
    .deleteFrom('memberships')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (removed.numDeletedRows === 0n) throw new NotFoundError(`user ${userId} not found`);
  await db
    .deleteFrom('sessions')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
}
