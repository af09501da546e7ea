import { sql } from 'kysely';
import { reassignTags } from '../customers/tag-reassign.ts';
import type { Session } from '../db/database.ts';
import { reassignEvents } from '../events/event-reassign.ts';
import { reassignOrders } from '../orders/order-reassign.ts';
import { reassignTasks } from '../tasks/task-reassign.ts';

/**
 * Merges customers as listed in `mergeTable (merged_id, survivor_id, identity_type,
 * identity_value)`: every order, event, tag, task, note and identity moves to the survivor, the survivor's
 * empty attributes are filled from the merged customer, the merge is logged, and the merged
 * customer is removed. Returns how many customers were merged away. Aggregates are the caller's
 * to refresh (survivors are the touched customers).
 */
export async function mergeCustomers(
  session: Session,
  workspaceId: number,
  mergeTable: string,
  source: string,
): Promise<number> {
  const db = session.db;
  const m = sql.table(mergeTable);
  const count = await sql<{ n: number }>`select count(*)::int as n from ${m}`.execute(db);
  const n = count.rows[0]?.n ?? 0;
  if (n === 0) return 0;
  await reassignOrders(session, workspaceId, mergeTable);
  await reassignEvents(session, workspaceId, mergeTable);
  await reassignTags(session, workspaceId, mergeTable);
  await reassignTasks(session, workspaceId, mergeTable);
  await sql`
    update identities i set customer_id = m.survivor_id from ${m} m
    where i.workspace_id = ${workspaceId} and i.customer_id = m.merged_id`.execute(db);
  // With several customers merged into one, each empty field takes the first merged customer's value.
  const first = (col: string) =>
    sql`(array_agg(mc.${sql.ref(col)} order by mc.id) filter (where mc.${sql.ref(col)} is not null))[1] as ${sql.ref(col)}`;
  const fields = [
    'external_id',
    'name',
    'gender',
    'birthday',
    'city',
    'country',
    'member_tier',
    'owner_user_id',
  ];
  await sql`
    update customers c set
      ${sql.join(fields.map((f) => sql`${sql.ref(f)} = coalesce(c.${sql.ref(f)}, x.${sql.ref(f)})`))},
      attributes = x.attributes || c.attributes, updated_at = now()
    from (
      select m.survivor_id, ${sql.join(fields.map(first))},
        coalesce(jsonb_object_agg(kv.key, kv.value) filter (where kv.key is not null), '{}'::jsonb) as attributes
      from ${m} m
      join customers mc on mc.workspace_id = ${workspaceId} and mc.id = m.merged_id
      left join lateral jsonb_each(mc.attributes) kv on true
      group by m.survivor_id
    ) x
    where c.workspace_id = ${workspaceId} and c.id = x.survivor_id`.execute(db);
  await sql`
    update tag_history h set customer_id = m.survivor_id from ${m} m
    where h.workspace_id = ${workspaceId} and h.customer_id = m.merged_id`.execute(db);
  await sql`
    insert into merge_log (workspace_id, survivor_id, merged_id, identity_type, identity_value, source)
    select ${workspaceId}, survivor_id, merged_id, identity_type, identity_value, ${source} from ${m}`.execute(
    db,
  );
  await sql`
    delete from customers c using ${m} m where c.workspace_id = ${workspaceId} and c.id = m.merged_id`.execute(
    db,
  );
  return n;
}
