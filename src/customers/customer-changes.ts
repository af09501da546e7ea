import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/**
 * Change detection for copies derived from the customers table (the facts snapshot, a segment's
 * stored membership): each stores the workspace's customers version it read (migration 0034), and
 * is current while the version has not moved. A row trigger bumps the version once in every
 * transaction that writes the workspace's customers, in that transaction, by whatever path.
 */

function checkedInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new Error(`invalid number ${n}`);
  return n;
}

/** The workspace's current customers version as SQL (0 before any customer was written). */
export function customersVersionSql(workspaceId: number): RawBuilder<number> {
  // Inlined (COPY takes no parameters), the workspace id is checked first.
  return sql<number>`coalesce((select v.version from customer_versions v
    where v.workspace_id = ${sql.lit(checkedInt(workspaceId))}), 0)`;
}

/**
 * The workspace's customers version as the current statement sees it. Read before the data it
 * describes (claiming less is safe: a change in between only makes the copy look stale).
 */
export async function customersVersion(db: Kysely<Schema>, workspaceId: number): Promise<number> {
  const row = await sql<{ v: number }>`select ${customersVersionSql(workspaceId)} as v`.execute(db);
  return Number(row.rows[0]!.v);
}

/**
 * Inside a transaction about to write the workspace's customers: locks the version (no other
 * writer changes those customers until this transaction ends) and returns it, the version before
 * this transaction's own changes. A copy stored with it was current just before them.
 */
export async function claimCustomersVersion(db: Kysely<Schema>, workspaceId: number): Promise<number> {
  const row = await sql<{ version: number }>`
    insert into customer_versions as v (workspace_id, version) values (${checkedInt(workspaceId)}, 0)
    on conflict (workspace_id) do update set version = v.version returning version`.execute(db);
  return Number(row.rows[0]!.version);
}

/**
 * True (in SQL) when a copy stored with `version` is current: the workspace's customers version is
 * still `version` (or, with `before`, the version before the current transaction's own changes
 * was — the caller is applying those itself).
 */
export function customersUnchangedSince(
  workspaceId: number,
  version: RawBuilder<unknown>,
  before?: number,
): RawBuilder<boolean> {
  const expected = before === undefined ? customersVersionSql(workspaceId) : sql.lit(checkedInt(before));
  return sql<boolean>`coalesce(${version} = ${expected}, false)`;
}
