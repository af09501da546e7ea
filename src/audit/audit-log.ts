import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Schema } from '../db/schema.ts';
import type { Actor } from './actor.ts';

/** One audited action: what was done to which object. */
export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | number | null;
  detail?: Record<string, unknown>;
}

/**
 * Records that `actor` did something in the workspace. Detail must never hold secrets or
 * unmasked personal data.
 *
 * @example await recordAudit(db, ws.id, actor, { action: 'customer.erase', objectType: 'customer', objectId: 42 })
 */
export async function recordAudit(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      workspace_id: workspaceId,
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_label: actor.label,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId == null ? null : String(entry.objectId),
      detail: entry.detail ?? {},
    })
    .execute();
}

/** Audit entries of the workspace, newest first, after the `before` id cursor. */
export async function listAudit(
  db: Kysely<Schema>,
  workspaceId: number,
  options: { limit: number; before?: number; action?: string; actor?: string },
): Promise<Selectable<AuditLogTable>[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(options.limit);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  // A literal prefix: % and _ typed in a filter are not wildcards.
  if (options.action)
    query = query.where('action', 'like', `${options.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (options.actor) query = query.where('actor_label', '=', options.actor);
  return query.execute();
}

/** Records an entry for an authenticated caller (its workspace and actor). */
export function auditAs(
  db: Kysely<Schema>,
  caller: { workspace: { id: number }; actor: Actor },
  entry: AuditEntry,
): Promise<void> {
  return recordAudit(db, caller.workspace.id, caller.actor, entry);
}

/**
 * Runs `work` in one transaction (the caller's when `db` is one already) and records the audit
 * entry of its result inside it: the change and its audit row commit together or not at all, and
 * every edge (API, CLI, worker) that calls the service audits the same way.
 *
 * @example await audited(db, ws.id, actor, (trx) => removeThing(trx, ws.id, id), () => ({ action: 'thing.delete', objectType: 'thing', objectId: id }))
 */
export function audited<T>(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  work: (trx: Kysely<Schema>) => Promise<T>,
  entryOf: (result: T) => AuditEntry,
): Promise<T> {
  const run = async (trx: Kysely<Schema>) => {
    const result = await work(trx);
    await recordAudit(trx, workspaceId, actor, entryOf(result));
    return result;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}
