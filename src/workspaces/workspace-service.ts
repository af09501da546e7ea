import type { Kysely, Selectable } from 'kysely';
import type { Schema, WorkspacesTable } from '../db/schema.ts';
import { isCurrencyCode } from '../importing/money-parse.ts';
import { InvalidInputError, RetainError } from '../shared/errors.ts';

export type Workspace = Selectable<WorkspacesTable>;

/** True for an IANA zone name such as `Asia/Shanghai`. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** Creates a workspace; a clear error when the name is taken or the zone/currency is unknown. */
export async function createWorkspace(
  db: Kysely<Schema>,
  input: { name: string; timezone?: string; currency?: string },
): Promise<Workspace> {
  const name = input.name.trim();
  if (!name) throw new InvalidInputError('a workspace needs a name');
  const timezone = input.timezone ?? 'Asia/Shanghai';
  if (!isTimeZone(timezone))
    throw new InvalidInputError(`unknown time zone "${timezone}" (use an IANA name such as Asia/Shanghai)`);
  const currency = (input.currency ?? 'CNY').toUpperCase();
  if (!isCurrencyCode(currency))
    throw new InvalidInputError(`unknown currency "${input.currency}" (use an ISO code such as CNY)`);
  const created = await db
    .insertInto('workspaces')
    .values({ name, timezone, currency })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!created) throw new RetainError('conflict', `workspace "${name}" already exists`);
  return created;
}

/** The named workspace, created with defaults on first use. */
export async function ensureWorkspace(db: Kysely<Schema>, name: string): Promise<Workspace> {
  const found = await findWorkspace(db, name);
  if (found) return found;
  await db
    .insertInto('workspaces')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (await findWorkspace(db, name))!;
}

/** The named workspace, or undefined. */
export async function findWorkspace(db: Kysely<Schema>, name: string): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('name', '=', name).executeTakeFirst();
}

/** Every workspace, by name. */
export async function listWorkspaces(db: Kysely<Schema>): Promise<Workspace[]> {
  return db.selectFrom('workspaces').selectAll().orderBy('name').execute();
}

/** Stores new raw settings (already checked by `setSetting`) and returns the workspace. */
export async function saveSettings(
  db: Kysely<Schema>,
  workspaceId: number,
  settings: Record<string, unknown>,
): Promise<Workspace> {
  return db
    .updateTable('workspaces')
    .set({ settings: JSON.stringify(settings) as unknown as Record<string, unknown> })
    .where('id', '=', workspaceId)
    .returningAll()
    .executeTakeFirstOrThrow();
}
