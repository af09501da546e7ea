import { sql } from 'kysely';
import type { Session } from '../db/database.ts';

/** Moves tags of merged customers to their survivors, keeping the earliest when both had one. */
export async function reassignTags(session: Session, workspaceId: number, mergeTable: string): Promise<void> {
  const m = sql.table(mergeTable);
  await sql`
    insert into tags (workspace_id, customer_id, tag, source, added_at)
    select ${workspaceId}, m.survivor_id, t.tag, min(t.source), min(t.added_at) from tags t
    join ${m} m on t.workspace_id = ${workspaceId} and t.customer_id = m.merged_id
    group by m.survivor_id, t.tag
    on conflict (workspace_id, customer_id, tag) do update set added_at = least(tags.added_at, excluded.added_at)`.execute(
    session.db,
  );
  await sql`delete from tags t using ${m} m where t.workspace_id = ${workspaceId} and t.customer_id = m.merged_id`.execute(
    session.db,
  );
}
