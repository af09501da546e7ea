import type { Kysely, Selectable } from 'kysely';
import { type Actor, audited } from '../audit/index.ts';
import type { Schema, WorkspacesTable } from '../db/schema.ts';
import { hasEvents } from '../events/event-history.ts';
import { isCurrencyCode } from '../importing/money-parse.ts';
import { hasOrders } from '../orders/order-lookup.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import { setSetting } from './workspace-settings.ts';

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

/** A zone checked as an IANA name; a clear error otherwise. */
function checkedZone(zone: string): string {
  if (!isTimeZone(zone))
    throw new InvalidInputError(`unknown time zone "${zone}" (use an IANA name such as Asia/Shanghai)`);
  return zone;
}

/** A currency checked as an ISO code, upper-cased; a clear error otherwise. */
function checkedCurrency(code: string): string {
  const currency = code.trim().toUpperCase();
  if (!isCurrencyCode(currency))
    throw new InvalidInputError(`unknown currency "${code}" (use an ISO code such as CNY)`);
  return currency;
}

/** Creates a workspace; a clear error when the name is taken or the zone/currency is unknown. */
export async function createWorkspace(
  db: Kysely<Schema>,
  input: { name: string; timezone?: string; currency?: string },
): Promise<Workspace> {
  const name = input.name.trim();
  if (!name) throw new InvalidInputError('a workspace needs a name');
  const timezone = checkedZone(input.timezone ?? 'Asia/Shanghai');
  const currency = checkedCurrency(input.currency ?? 'CNY');
  const created = await db
    .insertInto('workspaces')
    .values({ name, timezone, currency })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!created) throw new RetainError('conflict', `workspace "${name}" already exists`);
  return created;
}

/** Whether the workspace's zone and currency are fixed by what was imported into it. */
export async function zoneLocked(db: Kysely<Schema>, workspace: Workspace): Promise<boolean> {
  return (await hasOrders(db, workspace.id)) || (await hasEvents(db, workspace.id));
}

/**
 * Changes a workspace's time zone or currency. Only before anything is imported: orders' and
 * events' local times were read in the zone, and their amounts are in the currency, so changing
 * either afterwards would silently shift every local date and figure. A clear error says so.
 */
export async function changeWorkspace(
  db: Kysely<Schema>,
  workspace: Workspace,
  change: { timezone?: string; currency?: string },
): Promise<Workspace> {
  const timezone = change.timezone === undefined ? workspace.timezone : checkedZone(change.timezone);
  const currency = change.currency === undefined ? workspace.currency : checkedCurrency(change.currency);
  if (timezone === workspace.timezone && currency === workspace.currency) return workspace;
  if (await zoneLocked(db, workspace))
    throw new RetainError(
      'conflict',
      `workspace "${workspace.name}" already holds orders or events read in ${workspace.timezone} and ${workspace.currency}; create a new workspace with the zone and currency you need and import there`,
    );
  return db
    .updateTable('workspaces')
    .set({ timezone, currency })
    .where('id', '=', workspace.id)
    .returningAll()
    .executeTakeFirstOrThrow();
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

/** A workspace by id; not found otherwise. */
export async function workspaceById(db: Kysely<Schema>, id: number): Promise<Workspace> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`workspace ${id} not found`);
  return row;
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

/**
 * Renames a workspace; a conflict when the name is taken (the CLI's `--workspace` and sign-in
 * switching find workspaces by name).
 */
export async function renameWorkspace(
  db: Kysely<Schema>,
  workspace: Workspace,
  name: string,
): Promise<Workspace> {
  const next = name.trim();
  if (!next)
    throw new InvalidInputError('name: a workspace needs a name', [
      { field: 'name', message: 'must not be blank' },
    ]);
  if (next === workspace.name) return workspace;
  const taken = await findWorkspace(db, next);
  if (taken) throw new RetainError('conflict', `name: workspace "${next}" already exists`);
  return db
    .updateTable('workspaces')
    .set({ name: next })
    .where('id', '=', workspace.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A change of the workspace itself: its name, time zone or currency. */
export interface WorkspaceChange {
  name?: string;
  timezone?: string;
  currency?: string;
}

/**
 * Renames the workspace or changes its zone or currency (refused once anything is imported), as
 * admins do it on the API and the CLI alike: the change and its `workspace.change` audit row
 * commit together.
 */
export function updateWorkspace(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  change: WorkspaceChange,
): Promise<Workspace> {
  const { name, ...zone } = change;
  return audited(
    db,
    workspace.id,
    actor,
    async (trx) => {
      const zoned = await changeWorkspace(trx, workspace, zone);
      return name === undefined ? zoned : renameWorkspace(trx, zoned, name);
    },
    () => ({
      action: 'workspace.change',
      objectType: 'workspace',
      objectId: workspace.id,
      // Only what was asked for: a flag left out is not part of the change.
      detail: Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
    }),
  );
}

/**
 * Sets workspace settings by dotted path, in order (e.g. `["points.enabled", true]`), and audits
 * which paths were set — never their values, which may be addresses or keys.
 */
export function changeSettings(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  assignments: readonly (readonly [path: string, value: unknown])[],
): Promise<Workspace> {
  let raw: unknown = workspace.settings;
  for (const [path, value] of assignments) raw = setSetting(raw, path, value);
  return audited(
    db,
    workspace.id,
    actor,
    (trx) => saveSettings(trx, workspace.id, raw as Record<string, unknown>),
    () => ({
      action: 'workspace.settings',
      objectType: 'workspace',
      objectId: workspace.id,
      detail: { set: assignments.map(([path]) => path) },
    }),
  );
}
