import { sql } from 'kysely';
import type { Session } from '../db/database.ts';

/** Moves orders of merged customers to their survivors (`mergeTable (merged_id, survivor_id)`). */
export async function reassignOrders(
  session: Session,
  workspaceId: number,
  mergeTable: string,
): Promise<void> {
  await sql`
    update orders o set customer_id = m.survivor_id, updated_at = now() from ${sql.table(mergeTable)} m
    where o.workspace_id = ${workspaceId} and o.customer_id = m.merged_id`.execute(session.db);
}
