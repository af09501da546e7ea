import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { eventsOfTypes } from '../events/index.ts';
import { todayIn } from '../shared/local-date.ts';

/** One recorded change of a customer's lifecycle stage or RFM group. */
export interface StageChange {
  kind: 'lifecycle' | 'rfm_group';
  /** The local date the change was recorded for. */
  as_of: string;
  /** Null on the customer's first recording. */
  from: string | null;
  to: string | null;
}

/**
 * A customer's lifecycle stage and RFM group history as the daily recording wrote it
 * ({@link recordStageChanges}), oldest first.
 */
export async function stageHistory(
  db: Kysely<Schema>,
  workspace: { id: number; timezone: string },
  customerId: number,
): Promise<StageChange[]> {
  const rows = await eventsOfTypes(db, workspace.id, customerId, ['lifecycle_changed', 'rfm_group_changed']);
  return rows.map((e) => {
    const p = (e.properties ?? {}) as { from?: string | null; to?: string | null; as_of?: string };
    return {
      kind: e.type === 'lifecycle_changed' ? 'lifecycle' : 'rfm_group',
      // Imported change events may carry no as_of: their local date then.
      as_of: p.as_of ?? todayIn(workspace.timezone, e.occurred_at),
      from: p.from ?? null,
      to: p.to ?? null,
    };
  });
}

/** Customers per lifecycle stage and RFM group on each recorded day in [from, to), oldest first. */
export async function stageCounts(
  db: Kysely<Schema>,
  workspaceId: number,
  range: { from: string; to: string },
) {
  return db
    .selectFrom('stage_counts')
    .select(['as_of', 'kind', 'code', 'customers'])
    .where('workspace_id', '=', workspaceId)
    .where('as_of', '>=', range.from)
    .where('as_of', '<', range.to)
    .orderBy('as_of')
    .orderBy('kind')
    .orderBy('code')
    .execute();
}
