import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit-log.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import type { Actor } from './caller.ts';
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

/** An email as accounts are keyed: trimmed and lower-case; refused when it is not an address. */
export function normalizeEmail(text: string): string {
  const email = text.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new InvalidInputError(`"${text}" is not an email address`);
  return email;
}

/** Checks a role name, with the list of valid ones in the error. */
export function requireRole(text: string): Role {
  const role = parseRole(text);
  if (!role) throw new InvalidInputError(`unknown role "${text}" (use admin, operator, service or viewer)`);
  return role;
}

/**
 * Creates a user with a membership in the workspace (the CLI's way: a server admin is trusted). An
 * existing user (same email, maybe of other workspaces) is refused unless `addExisting` says so;
 * then they only gain the membership and their password stays as it is.
 *
 * @example await createUser(db, ws.id, cliActor(), { email: 'ops@shop.cn', password: 'long secret', role: 'operator' })
 */
export async function createUser(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  input: { email: string; password: string; role: Role; name?: string; addExisting?: boolean },
): Promise<{ user: WorkspaceUser; existed: boolean }> {
  const email = normalizeEmail(input.email);
  const found = await db.selectFrom('users').select(['id']).where('email', '=', email).executeTakeFirst();
  if (found && !input.addExisting)
    throw new RetainError(
      'conflict',
      `${email} already has an account; add it to this workspace with --add-existing (its password stays), or send an invitation (retain users invite)`,
    );
  const password_hash = found ? undefined : await hashPassword(input.password);
  const userId = await db.transaction().execute(async (trx) => {
    const id =
      found?.id ??
      (
        await trx
          .insertInto('users')
          .values({ email, password_hash: password_hash!, name: input.name ?? null })
          .returning(['id'])
          .executeTakeFirstOrThrow()
      ).id;
    const added = await trx
      .insertInto('memberships')
      .values({ workspace_id: workspaceId, user_id: id, role: input.role })
      .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doNothing())
      .returning('user_id')
      .executeTakeFirst();
    if (!added) throw new RetainError('conflict', `${email} is already a member of this workspace`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'user.create',
      objectType: 'user',
      objectId: id,
      detail: { role: input.role, existing_account: Boolean(found) },
    });
    return id;
  });
  return { user: await getUser(db, workspaceId, userId), existed: Boolean(found) };
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
