import { sql } from 'kysely';
import { ID_MAP } from '../identity/identity-resolve.ts';
import type { StageContext, StageCounts } from '../importing/index.ts';
import { STAGING_TABLE } from '../importing/index.ts';

const FIELDS = ['name', 'gender', 'birthday', 'city', 'country', 'member_tier', 'owner_user_id'] as const;

/**
 * Applies staged customer rows: for each customer the last non-empty value of each field wins
 * (empty cells never erase what is known); `tags` add imported tags. Counts are of customers.
 */
export async function processCustomers(ctx: StageContext): Promise<StageCounts> {
  const { session, workspaceId: ws } = ctx;
  const db = session.db;
  const lastValue = (f: string) =>
    sql`(array_agg(s.${sql.ref(f)} order by s.line desc) filter (where s.${sql.ref(f)} is not null))[1] as ${sql.ref(f)}`;
  await sql`drop table if exists customer_final`.execute(db);
  await sql`
    create temp table customer_final as
    select m.customer_id, bool_or(m.created) as created, ${sql.join(FIELDS.map(lastValue))},
      array_remove(array_agg(distinct t.tag), null) as tags
    from ${sql.table(STAGING_TABLE)} s join ${sql.table(ID_MAP)} m on m.idkey = s.idkey
    left join lateral unnest(string_to_array(s.tags, chr(31))) t(tag) on true
    group by m.customer_id`.execute(db);
  const set = FIELDS.map((f) => sql`${sql.ref(f)} = coalesce(f.${sql.ref(f)}, c.${sql.ref(f)})`);
  const current = FIELDS.map((f) => sql`c.${sql.ref(f)}`);
  const next = FIELDS.map((f) => sql`coalesce(f.${sql.ref(f)}, c.${sql.ref(f)})`);
  await sql`drop table if exists customer_changed`.execute(db);
  await sql`create temp table customer_changed (id bigint)`.execute(db);
  await sql`
    with up as (
      update customers c set ${sql.join(set)}, updated_at = now() from customer_final f
      where c.workspace_id = ${ws} and c.id = f.customer_id and (${sql.join(current)}) is distinct from (${sql.join(next)})
      returning c.id
    ) insert into customer_changed select id from up`.execute(db);
  await sql`
    with added as (
      insert into tags (workspace_id, customer_id, tag, source)
      select ${ws}, f.customer_id, unnest(f.tags), 'import' from customer_final f
      on conflict do nothing returning customer_id, tag
    ), history as (
      insert into tag_history (workspace_id, customer_id, tag, action, source)
      select ${ws}, customer_id, tag, 'added', 'import' from added
    ) insert into customer_changed select customer_id from added`.execute(db);
  const result = await sql<{ created: number; changed: number; total: number }>`
    select count(*) filter (where f.created)::int as created,
      count(*) filter (where not f.created and f.customer_id in (select id from customer_changed))::int as changed,
      count(*)::int as total
    from customer_final f`.execute(db);
  const { created = 0, changed = 0, total = 0 } = result.rows[0] ?? {};
  return { inserted: created, updated: changed, unchanged: total - created - changed, guest: 0 };
}
