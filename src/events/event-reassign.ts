import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { eventKey } from './event-key.ts';

/**
 * Moves events of merged customers to their survivors (`mergeTable (merged_id, survivor_id)`),
 * re-keyed to the survivor; an event both already had is kept once.
 */
export async function reassignEvents(
  session: Session,
  workspaceId: number,
  mergeTable: string,
): Promise<void> {
  const m = sql.table(mergeTable);
  const survivorKey = eventKey(
    sql.ref('m.survivor_id'),
    sql.ref('e.type'),
    sql.ref('e.occurred_at'),
    sql.ref('e.properties'),
  );
  await sql`
    delete from events e using ${m} m
    where e.workspace_id = ${workspaceId} and e.customer_id = m.merged_id
      and (exists (select 1 from events s where s.workspace_id = ${workspaceId} and s.event_key = ${survivorKey})
        or e.id <> (select min(d.id) from events d join ${m} dm on dm.merged_id = d.customer_id
          where d.workspace_id = ${workspaceId} and dm.survivor_id = m.survivor_id
            and d.type = e.type and d.occurred_at = e.occurred_at and d.properties = e.properties))`.execute(
    session.db,
  );
  // The new keys are computed in a query of their own: Citus refuses a STABLE function over
  // columns (concat_ws, extract) in an UPDATE's SET list.
  await sql`
    with rekeyed as materialized (
      select e.id, m.survivor_id, ${survivorKey} as event_key from events e join ${m} m on m.merged_id = e.customer_id
      where e.workspace_id = ${workspaceId}
    )
    update events e set customer_id = r.survivor_id, event_key = r.event_key from rekeyed r
    where e.workspace_id = ${workspaceId} and e.id = r.id`.execute(session.db);
}
