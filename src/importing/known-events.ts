import { type Kysely, sql } from 'kysely';
import { outsideRequestScope } from '../db/request-scope.ts';
import type { Schema } from '../db/schema.ts';
import { insertKnownEvents, type KnownEvent } from '../events/index.ts';
import { awardEventBonuses } from '../loyalty/points-earn.ts';
import { GroupQueue } from '../shared/group-queue.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { BatchRecords } from './batch-source.ts';
import type { ImportStats } from './import-service.ts';
import { rowNormalizer } from './row-normalize.ts';
import { STAGED_IDENTITIES, STAGING_COLUMNS } from './staging.ts';

type Row = unknown[];
const columns = STAGING_COLUMNS.events;
const at = (name: string) => columns.indexOf(name);
const ID_COLUMNS = STAGED_IDENTITIES.map(([type, column]) => [type, at(column)] as const);

/**
 * Validates an event batch exactly as the import pipeline would; undefined when any row is bad
 * (the pipeline then reports each bad row).
 */
export async function normalizeEventBatch(
  workspace: Workspace,
  batch: BatchRecords,
): Promise<Row[] | undefined> {
  const iterator = batch.source.records[Symbol.asyncIterator]();
  const headers = (await iterator.next()).value!.cells;
  const normalize = rowNormalizer({
    kind: 'events',
    columns: batch.columns,
    headers,
    currency: workspace.currency,
  });
  const rows: Row[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const row = normalize(next.value.line, next.value.cells);
    if (!Array.isArray(row)) return undefined;
    rows.push(row);
  }
  return rows;
}

interface Pending {
  workspace: Workspace;
  rows: Row[];
  onCommit: (db: Kysely<Schema>, stats: ImportStats) => Promise<void>;
}

/**
 * The fast path for event batches from the API, with group commit: batches that arrive while
 * the store is busy are written together, in one lookup, one insert and one commit, and each
 * sender is answered once its events are durable. A batch whose events do not all name
 * identities of one existing customer each (a new person, a new identity, a link between
 * customers) is answered with undefined and takes the full import pipeline instead.
 */
export class KnownEventWriter {
  private readonly queue: GroupQueue<Pending, ImportStats | undefined>;

  constructor(private readonly db: Kysely<Schema>) {
    this.queue = new GroupQueue((group) =>
      outsideRequestScope(() => this.writeGroup(group)).catch(() => group.map(() => undefined)),
    );
  }

  /** Writes a validated batch; `onCommit` runs inside the same transaction (the audit entry). */
  write(workspace: Workspace, rows: Row[], onCommit: Pending['onCommit']): Promise<ImportStats | undefined> {
    return this.queue.push({ workspace, rows, onCommit });
  }

  private async writeGroup(group: Pending[]): Promise<(ImportStats | undefined)[]> {
    return this.db.transaction().execute(async (trx) => {
      const wanted = group.flatMap((p) =>
        p.rows.flatMap((row) =>
          ID_COLUMNS.filter(([, i]) => row[i] !== null).map(
            ([type, i]) => [p.workspace.id, type, String(row[i])] as const,
          ),
        ),
      );
      const found = await sql<{ workspace_id: number; type: string; value: string; customer_id: number }>`
        select i.workspace_id, i.type, i.value, i.customer_id from identities i
        join unnest(${wanted.map(([w]) => w)}::int[], ${wanted.map(([, t]) => t)}::text[], ${wanted.map(([, , v]) => v)}::text[]) as w(ws, t, v)
          on i.workspace_id = w.ws and i.type = w.t and i.value = w.v`.execute(trx);
      const owner = new Map(
        found.rows.map((r) => [`${r.workspace_id}\u0000${r.type}\u0000${r.value}`, r.customer_id]),
      );
      const events: KnownEvent[] = [];
      const spans = group.map((p) => {
        const known: KnownEvent[] = [];
        for (const row of p.rows) {
          const owners = new Set(
            ID_COLUMNS.filter(([, i]) => row[i] !== null).map(([type, i]) =>
              owner.get(`${p.workspace.id}\u0000${type}\u0000${row[i]}`),
            ),
          );
          if (owners.size !== 1 || owners.has(undefined)) return undefined;
          known.push({
            workspaceId: p.workspace.id,
            timezone: p.workspace.timezone,
            customerId: [...owners][0]!,
            type: row[at('type')] as string,
            local: row[at('ts_local')] as string | null,
            absolute: row[at('ts_abs')] as string | null,
            properties: row[at('properties')] as string,
          });
        }
        const start = events.length;
        events.push(...known);
        return [start, events.length] as const;
      });
      const inserted = events.length > 0 ? await insertKnownEvents(trx, events) : new Set<number>();
      const written = new Map(group.filter((_p, k) => spans[k]).map((p) => [p.workspace.id, p.workspace]));
      for (const workspace of written.values()) await awardEventBonuses(trx, workspace);
      const results: (ImportStats | undefined)[] = [];
      for (const [k, span] of spans.entries()) {
        if (!span) {
          results.push(undefined);
          continue;
        }
        let n = 0;
        for (let i = span[0]; i < span[1]; i++) if (inserted.has(i)) n++;
        const read = span[1] - span[0];
        const stats: ImportStats = {
          read,
          inserted: n,
          updated: 0,
          unchanged: read - n,
          merged: 0,
          rejected: 0,
          guest: 0,
          identical_lines: 0,
          superseded_rows: 0,
          item_rows: 0,
          masked_identities: 0,
          errors: [],
        };
        await group[k]!.onCommit(trx, stats);
        results.push(stats);
      }
      return results;
    });
  }
}
