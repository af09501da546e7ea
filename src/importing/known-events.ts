import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { insertKnownEvents, type KnownEvent } from '../events/events-import.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import type { BatchRecords } from './batch-source.ts';
import type { ImportStats } from './import-service.ts';
import { rowNormalizer } from './row-normalize.ts';
import { STAGED_IDENTITIES, STAGING_COLUMNS } from './staging.ts';

/**
 * The fast path for event batches from the API: when every event names only identities that
 * already belong to one existing customer (the usual case for tracking), the events are
 * validated exactly as the import pipeline would and inserted in one statement. Returns
 * undefined when any event needs the full pipeline (a bad row, a new person, a new identity or
 * a link between customers).
 */
export async function ingestKnownEvents(
  database: Database,
  workspace: Workspace,
  batch: BatchRecords,
): Promise<ImportStats | undefined> {
  const iterator = batch.source.records[Symbol.asyncIterator]();
  const headers = (await iterator.next()).value!.cells;
  const normalize = rowNormalizer({
    kind: 'events',
    columns: batch.columns,
    headers,
    currency: workspace.currency,
  });
  const columns = STAGING_COLUMNS.events;
  const at = (name: string) => columns.indexOf(name);
  const idColumns = STAGED_IDENTITIES.map(([type, column]) => [type, at(column)] as const);
  const rows: unknown[][] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const row = normalize(next.value.line, next.value.cells);
    if (!Array.isArray(row)) return undefined;
    rows.push(row);
  }
  const wanted = rows.flatMap((row) =>
    idColumns.filter(([, i]) => row[i] !== null).map(([type, i]) => [type, String(row[i])] as const),
  );
  const found = await sql<{ type: string; value: string; customer_id: number }>`
    select i.type, i.value, i.customer_id from identities i
    join unnest(${wanted.map(([t]) => t)}::text[], ${wanted.map(([, v]) => v)}::text[]) as w(t, v)
      on i.type = w.t and i.value = w.v
    where i.workspace_id = ${workspace.id}`.execute(database.db);
  const owner = new Map(found.rows.map((r) => [`${r.type}\u0000${r.value}`, r.customer_id]));
  const events: KnownEvent[] = [];
  for (const row of rows) {
    const owners = new Set(
      idColumns.filter(([, i]) => row[i] !== null).map(([type, i]) => owner.get(`${type}\u0000${row[i]}`)),
    );
    if (owners.size !== 1 || owners.has(undefined)) return undefined;
    events.push({
      customerId: [...owners][0]!,
      type: row[at('type')] as string,
      local: row[at('ts_local')] as string | null,
      absolute: row[at('ts_abs')] as string | null,
      properties: row[at('properties')] as string,
    });
  }
  const inserted = await insertKnownEvents(database.db, workspace.id, workspace.timezone, events);
  return {
    read: rows.length,
    inserted,
    updated: 0,
    unchanged: rows.length - inserted,
    merged: 0,
    rejected: 0,
    guest: 0,
    errors: [],
  };
}
