import { sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import { refreshCustomerAggregates } from '../customers/customer-aggregates.ts';
import type { Database } from '../db/database.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';
import { mergeCustomers } from './customer-merge.ts';

/**
 * Merges customer `mergedId` into `survivorId` by hand (an operator found they are one person):
 * everything moves to the survivor, the merge is logged as `manual:<actor>`, aggregates are refreshed,
 * and `customer.merge` is audited in the same transaction.
 */
export async function mergeTwoCustomers(
  database: Database,
  workspaceId: number,
  survivorId: number,
  mergedId: number,
  actor: Actor,
): Promise<void> {
  const source = `manual:${actor.label}`;
  if (survivorId === mergedId) throw new InvalidInputError('a customer cannot be merged into itself');
  await database.withSession(async (session) => {
    const db = session.db;
    await sql`begin`.execute(db);
    try {
      await sql`select pg_advisory_xact_lock(${workspaceId})`.execute(db);
      const found = await db
        .selectFrom('customers')
        .select('id')
        .where('workspace_id', '=', workspaceId)
        .where('id', 'in', [survivorId, mergedId])
        .where('erased_at', 'is', null)
        .execute();
      for (const id of [survivorId, mergedId]) {
        if (!found.some((f) => f.id === id)) throw new NotFoundError(`customer ${id} not found`);
      }
      await sql`drop table if exists manual_merge`.execute(db);
      await sql`create temp table manual_merge (merged_id bigint, survivor_id bigint, identity_type text, identity_value text)`.execute(
        db,
      );
      await sql`insert into manual_merge values (${mergedId}, ${survivorId}, 'manual', ${source})`.execute(
        db,
      );
      await mergeCustomers(session, workspaceId, 'manual_merge', source);
      await sql`drop table if exists manual_touched`.execute(db);
      await sql`create temp table manual_touched as select ${survivorId}::bigint as customer_id`.execute(db);
      await refreshCustomerAggregates(session, workspaceId, 'manual_touched');
      await recordAudit(db, workspaceId, actor, {
        action: 'customer.merge',
        objectType: 'customer',
        objectId: survivorId,
        detail: { merged: mergedId },
      });
      await sql`commit`.execute(db);
    } catch (error) {
      await sql`rollback`.execute(db);
      throw error;
    }
  });
}
