import type { Kysely } from 'kysely';
import { audited } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { Actor, Caller } from './caller.ts';
import type { Role } from './roles.ts';
import { newToken, tokenHash } from './secret-token.ts';

/** An API key as listed (the secret itself is shown once, at creation). */
export interface ApiKeyInfo {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const KEY_PREFIX = 'rk_';

/**
 * Creates an API key for one workspace and role; returns the key, which is stored only hashed.
 *
 * @example const { key } = await createApiKey(db, ws.id, { name: 'POS', role: 'operator' })
 */
export async function createApiKey(
  db: Kysely<Schema>,
  workspaceId: number,
  input: { name: string; role: Role; createdBy?: string },
): Promise<{ key: string; info: ApiKeyInfo }> {
  const key = newToken(KEY_PREFIX);
  const row = await db
    .insertInto('api_keys')
    .values({
      workspace_id: workspaceId,
      name: input.name,
      role: input.role,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      key_hash: tokenHash(key),
      created_by: input.createdBy ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { key, info: toInfo(row) };
}

/**
 * {@link createApiKey} as admins do it (API and CLI alike): the key and its `api_key.create`
 * audit row (role and name, never the key) commit together.
 */
export function addApiKey(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  input: { name: string; role: Role },
): Promise<{ key: string; info: ApiKeyInfo }> {
  return audited(
    db,
    workspaceId,
    actor,
    (trx) => createApiKey(trx, workspaceId, { ...input, createdBy: actor.label }),
    ({ info }) => ({
      action: 'api_key.create',
      objectType: 'api_key',
      objectId: info.id,
      detail: { role: info.role, name: info.name },
    }),
  );
}

function toInfo(row: {
  id: number;
  name: string;
  role: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** The workspace's keys, newest first. */
export async function listApiKeys(db: Kysely<Schema>, workspaceId: number): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toInfo);
}

/** Revokes a key of the workspace (audited with it); it stops working at once. */
export async function revokeApiKey(
  db: Kysely<Schema>,
  workspaceId: number,
  id: number,
  actor: Actor,
): Promise<void> {
  await audited(
    db,
    workspaceId,
    actor,
    async (trx) => {
      const result = await trx
        .updateTable('api_keys')
        .set({ revoked_at: new Date() })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new NotFoundError(`API key ${id} not found`);
    },
    () => ({ action: 'api_key.revoke', objectType: 'api_key', objectId: id }),
  );
}

/** The caller behind an API key, or undefined when unknown or revoked. */
export async function resolveApiKey(db: Kysely<Schema>, key: string): Promise<Caller | undefined> {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('workspaces as w', 'w.id', 'k.workspace_id')
    .selectAll('w')
    .select(['k.id as key_id', 'k.name as key_name', 'k.role', 'k.prefix'])
    .where('k.key_hash', '=', tokenHash(key))
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { key_id, key_name, role, prefix, ...workspace } = row;
  return {
    workspace: workspace as Workspace,
    role: role as Role,
    actor: { kind: 'api_key', id: String(key_id), label: `key:${key_name} (${prefix}…)` },
  };
}

/** Notes that a key was just used (the cache calls this at most every few seconds per key). */
export async function markApiKeyUsed(db: Kysely<Schema>, caller: Caller): Promise<void> {
  if (caller.actor.kind !== 'api_key' || !caller.actor.id) return;
  await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('workspace_id', '=', caller.workspace.id)
    .where('id', '=', Number(caller.actor.id))
    .execute();
}

/**
 * On a store with no users and no API keys at all, creates an admin key for the given workspace
 * so the first person can reach the API (the server prints it once); undefined otherwise.
 */
export async function bootstrapAdminKey(
  db: Kysely<Schema>,
  workspaceId: number,
): Promise<string | undefined> {
  const keys = await db.selectFrom('api_keys').select('id').limit(1).execute();
  const users = await db.selectFrom('users').select('id').limit(1).execute();
  if (keys.length > 0 || users.length > 0) return undefined;
  return (
    await createApiKey(db, workspaceId, { name: 'first start', role: 'admin', createdBy: 'retain serve' })
  ).key;
}
