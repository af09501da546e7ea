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
  // Keys are computed in a query of their own: Citus refuses a STABLE function over columns
  // (concat_ws, extract) in an UPDATE or DELETE of a distributed table.
  await sql`
    with moving as materialized (
      select e.id, ${survivorKey} as event_key,
        min(e.id) over (partition by m.survivor_id, e.type, e.occurred_at, e.properties) as first_id
      from events e join ${m} m on m.merged_id = e.customer_id where e.workspace_id = ${workspaceId}
    )
    delete from events e using moving v
    where e.workspace_id = ${workspaceId} and e.id = v.id
      and (exists (select 1 from events s where s.workspace_id = ${workspaceId} and s.event_key = v.event_key)
        or v.id <> v.first_id)`.execute(session.db);
  await sql`
    with rekeyed as materialized (
      select e.id, m.survivor_id, ${survivorKey} as event_key from events e join ${m} m on m.merged_id = e.customer_id
      where e.workspace_id = ${workspaceId}
    )
    update events e set customer_id = r.survivor_id, event_key = r.event_key from rekeyed r
    where e.workspace_id = ${workspaceId} and e.id = r.id`.execute(session.db);
}
