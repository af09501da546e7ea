import { sql } from 'kysely';
import { ID_MAP } from '../identity/identity-resolve.ts';
import type { RowError, StageContext, StageCounts } from '../importing/index.ts';
import { STAGING_TABLE } from '../importing/index.ts';

/** What the service-records processor reports: counts, and rows refused once customers are known. */
export interface ServiceRecordCounts extends StageCounts {
  rowErrors: RowError[];
}

const REFUSED = 'service_refused';

/**
 * Writes staged service records on the customers their identities name. A row whose customer is
 * unknown, erased or ambiguous (its phone and card name two people), or whose ticket number an
 * earlier line already gave, is refused with its line and column: never dropped, never a new
 * customer. Each record is keyed on its ticket number (`external_ref`) or, without one, on its
 * content, so importing the same export again changes nothing, and a later export of the same
 * tickets updates their status and text.
 */
export async function processServiceRecords(ctx: StageContext): Promise<ServiceRecordCounts> {
  const { session, workspaceId: ws, timezone } = ctx;
  const db = session.db;
  const stage = sql.table(STAGING_TABLE);
  await sql`drop table if exists ${sql.table(REFUSED)}`.execute(db);
  await sql`
    create temp table ${sql.table(REFUSED)} as
    select s.line, coalesce(s.id_column, '') as "column",
      coalesce(s.id_column, 'the customer') || case
        when m.idkey is null then ' names no known customer (import or create the customer first)'
        when m.erased then ' names an erased customer'
        else ' and the other identities of the row name ' || m.customers || ' different customers'
      end as reason
    from ${stage} s left join ${sql.table(ID_MAP)} m on m.idkey = s.idkey
    where m.idkey is null or m.erased or m.customers > 1
    union all
    select s.line, s.ref_column, s.ref_column || ' "' || s.external_ref || '" is already on line ' || f.first_line
    from ${stage} s join (
      select external_ref, min(line) as first_line from ${stage} where external_ref is not null group by external_ref
    ) f on f.external_ref = s.external_ref and s.line > f.first_line`.execute(db);
  const refused = await sql<RowError>`
    select distinct on (line) line, "column", reason from ${sql.table(REFUSED)} order by line, reason`.execute(
    db,
  );
  const result = await sql<{ inserted: number; updated: number }>`
    with ok as (
      select distinct on (k.key) m.customer_id, s.type, s.status, s.summary, coalesce(s.staff, '') as author,
        k.occurred_at, s.external_ref, k.key
      from ${stage} s join ${sql.table(ID_MAP)} m on m.idkey = s.idkey
      cross join lateral (select coalesce(s.ts_abs, s.ts_local at time zone ${timezone}) as occurred_at) t
      cross join lateral (select t.occurred_at, coalesce('ref:' || s.external_ref, 'row:' || md5(concat_ws(chr(31),
        s.idkey, s.type, s.status, s.summary, s.staff, extract(epoch from t.occurred_at)::text))) as key) k
      where s.line not in (select line from ${sql.table(REFUSED)})
      order by k.key, s.line
    ), up as (
      insert into customer_notes as n (workspace_id, customer_id, type, status, summary, author, occurred_at,
        source, external_ref, import_key)
      select ${ws}, customer_id, type, status, summary, author, occurred_at, 'import', external_ref, key from ok
      on conflict (workspace_id, import_key) where import_key is not null do update set
        customer_id = excluded.customer_id, type = excluded.type, status = excluded.status,
        summary = excluded.summary, author = excluded.author, occurred_at = excluded.occurred_at
      where (n.customer_id, n.type, n.status, n.summary, n.author, n.occurred_at)
        is distinct from (excluded.customer_id, excluded.type, excluded.status, excluded.summary, excluded.author, excluded.occurred_at)
      returning (xmax = 0) as inserted
    ) select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up`.execute(
    db,
  );
  const { inserted, updated } = result.rows[0]!;
  const rowErrors = refused.rows.map((r) => ({ ...r, line: Number(r.line) }));
  return {
    inserted,
    updated,
    unchanged: ctx.stagedRows - rowErrors.length - inserted - updated,
    guest: 0,
    rowErrors,
  };
}
