import { sql } from 'kysely';
import type { Session } from '../db/database.ts';

/** Moves tasks and service records of merged customers to their survivors. */
export async function reassignTasks(
  session: Session,
  workspaceId: number,
  mergeTable: string,
): Promise<void> {
  const m = sql.table(mergeTable);
  await sql`update tasks t set customer_id = m.survivor_id from ${m} m
    where t.workspace_id = ${workspaceId} and t.customer_id = m.merged_id`.execute(session.db);
  await sql`update customer_notes n set customer_id = m.survivor_id from ${m} m
    where n.workspace_id = ${workspaceId} and n.customer_id = m.merged_id`.execute(session.db);
}
