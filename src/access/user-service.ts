import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { requeueMemberTasks } from '../tasks/task-requeue.ts';
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
  /** The stores they work in (the `store` assignment rule). */
  stores: string[];
  /** The language of their staff messages; null: zh-CN. */
  language: 'zh-CN' | 'en' | null;
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
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'u.created_at', 'm.stores', 'm.language'])
    .where('m.workspace_id', '=', workspaceId)
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`user ${userId} not found`);
  return memberOf(row);
}

/** A membership row as a WorkspaceUser. */
const memberOf = (r: {
  id: number;
  email: string;
  name: string | null;
  role: string;
  created_at: Date;
  stores: string[];
  language: 'zh-CN' | 'en' | null;
}): WorkspaceUser => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  createdAt: r.created_at,
  stores: r.stores,
  language: r.language,
});

/** Members of the workspace, by email. */
export async function listUsers(db: Kysely<Schema>, workspaceId: number): Promise<WorkspaceUser[]> {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'u.email', 'u.name', 'm.role', 'u.created_at', 'm.stores', 'm.language'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('u.email')
    .execute();
  return rows.map(memberOf);
}

/** What an admin may set on a member besides the role: their stores and message language. */
export interface MemberChanges {
  role?: Role;
  stores?: string[];
  language?: 'zh-CN' | 'en' | null;
}

/**
 * Sets a member's role, stores (trimmed, empty and repeated names dropped) and language, with the
 * audit row, in one transaction; not found for users of other workspaces. An admin does not change
 * their own role, and the workspace keeps at least one admin (either would lock it out).
 */
export async function updateMember(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  userId: number,
  changes: MemberChanges,
): Promise<WorkspaceUser> {
  const stores = changes.stores && [...new Set(changes.stores.map((s) => s.trim()).filter(Boolean))];
  await db.transaction().execute(async (trx) => {
    if (changes.role !== undefined) await checkRoleChange(trx, workspaceId, actor, userId, changes.role);
    const updated = await trx
      .updateTable('memberships')
      .set({
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(stores ? { stores } : {}),
        ...(changes.language !== undefined ? { language: changes.language } : {}),
      })
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new NotFoundError(`user ${userId} not found`);
    await recordAudit(trx, workspaceId, actor, {
      action: 'user.update',
      objectType: 'user',
      objectId: userId,
      detail: { fields: Object.keys(changes), ...(changes.role ? { role: changes.role } : {}) },
    });
  });
  return getUser(db, workspaceId, userId);
}

/** Refuses a role change that would lock the workspace out: one's own, or its last admin's. */
async function checkRoleChange(
  trx: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  userId: number,
  role: Role,
): Promise<void> {
  // The admins, locked so two demotions at once cannot both pass the count.
  const admins = await trx
    .selectFrom('memberships')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'admin')
    .forUpdate()
    .execute();
  const isAdmin = admins.some((a) => a.user_id === userId);
  if (actor.kind === 'user' && Number(actor.id) === userId && role !== 'admin')
    throw new RetainError('conflict', 'role: you cannot change your own role; another admin can');
  if (isAdmin && role !== 'admin' && admins.length === 1)
    throw new RetainError('conflict', 'role: the workspace needs at least one admin');
}

/**
 * Removes a user from the workspace, ends their sessions in it and puts their open tasks back in
 * the queue (each with a history row), with the audit row, in one transaction; returns how many
 * tasks were requeued.
 */
export async function removeUser(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  userId: number,
  now = new Date(),
): Promise<{ requeued: number }> {
  return db.transaction().execute(async (trx) => {
    const removed = await trx
      .deleteFrom('memberships')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (removed.numDeletedRows === 0n) throw new NotFoundError(`user ${userId} not found`);
    await trx
      .deleteFrom('sessions')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .execute();
    const requeued = await requeueMemberTasks(trx, workspaceId, userId, actor.label, now);
    await recordAudit(trx, workspaceId, actor, {
      action: 'user.remove',
      objectType: 'user',
      objectId: userId,
      detail: { requeued_tasks: requeued },
    });
    return { requeued };
  });
}
