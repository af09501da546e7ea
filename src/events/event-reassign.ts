import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { eventKey } from './event-key.ts';

/** Moves events of merged customers to their survivors (`mergeTable (merged_id, survivor_id)`). */
export async function reassignEvents(
  session: Session,
  workspaceId: number,
  mergeTable: string,
): Promise<void> {
  await sql`
    update events e set customer_id = m.survivor_id from ${sql.table(mergeTable)} m
    where e.workspace_id = ${workspaceId} and e.customer_id = m.merged_id`.execute(session.db);
}
