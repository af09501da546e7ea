import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { clockNow } from '../shared/clock.ts';
import type { MonthRangeQuery, SpendItem, SpendPutResult, SpendRow } from './acquisition-contract.ts';

/** Where a spend write came from, for the audit row. */
export type SpendSource = 'api' | 'dashboard' | 'import';

/** `YYYY-MM` → the first day of that month, as the table stores it. */
export const monthStart = (month: string) => `${month}-01`;

/** The workspace's spend rows in [from, to] (months, both included), by month then channel. */
export async function listSpend(
  db: Kysely<Schema>,
  workspaceId: number,
  range: MonthRangeQuery = {},
): Promise<SpendRow[]> {
  let query = db
    .selectFrom('marketing_spend')
    .select(['month', 'channel', 'amount', 'updated_by', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('month')
    .orderBy('channel');
  if (range.from) query = query.where('month', '>=', monthStart(range.from));
  if (range.to) query = query.where('month', '<=', monthStart(range.to));
  const rows = await query.execute();
  return rows.map((r) => ({
    month: r.month.slice(0, 7),
    channel: r.channel,
    amount: Number(r.amount),
    updated_by: r.updated_by,
    updated_at: new Date(r.updated_at).toISOString(),
  }));
}

/**
 * Inserts, replaces or (amount null) removes spend rows, all in one transaction with one audit row.
 *
 * @example await saveSpend(db, ws.id, actor, [{ month: '2026-01', channel: '抖音', amount: 500000 }], 'api')
 */
export function saveSpend(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  items: readonly SpendItem[],
  source: SpendSource,
): Promise<SpendPutResult> {
  // The clock's time, not now() in ON CONFLICT … SET (Citus refuses that; simulations move the clock).
  const at = clockNow();
  const kept = items.filter((i) => i.amount !== null);
  const dropped = items.filter((i) => i.amount === null);
  return db.transaction().execute(async (trx) => {
    if (kept.length)
      await trx
        .insertInto('marketing_spend')
        .values(
          kept.map((i) => ({
            workspace_id: workspaceId,
            month: monthStart(i.month),
            channel: i.channel,
            amount: i.amount!,
            updated_by: actor.label,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['workspace_id', 'month', 'channel']).doUpdateSet((eb) => ({
            amount: eb.ref('excluded.amount'),
            updated_by: eb.ref('excluded.updated_by'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    let removed = 0;
    if (dropped.length) {
      const gone = await sql`
        delete from marketing_spend where workspace_id = ${workspaceId}
          and (month, channel) in (select * from unnest(${dropped.map((i) => monthStart(i.month))}::date[],
            ${dropped.map((i) => i.channel)}::text[]))`.execute(trx);
      removed = Number(gone.numAffectedRows ?? 0);
    }
    const months = [...new Set(items.map((i) => i.month))].sort();
    await recordAudit(trx, workspaceId, actor, {
      action: 'spend.set',
      objectType: 'marketing_spend',
      objectId: months.length === 1 ? months[0] : `${months[0]}…${months[months.length - 1]}`,
      detail: {
        source,
        saved: kept.length,
        removed,
        channels: [...new Set(items.map((i) => i.channel))].slice(0, 20),
      },
    });
    return { saved: kept.length, removed };
  });
}
