import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { STAGED_IDENTITIES, STAGING_TABLE } from '../importing/staging.ts';
import { mergeCustomers } from './customer-merge.ts';

/** What resolving a file's identities did. */
export interface ResolveResult {
  /** Customers created for identities never seen before. */
  created: number;
  /** Customers merged into another because a row linked them. */
  merged: number;
}

/** The table, filled by {@link resolveIdentities}, mapping each staged `idkey` to its customer. */
export const ID_MAP = 'id_map';

/**
 * Finds or creates one customer per person for every staged row, set-based so a 10M-row file costs
 * a few joins, not 10M lookups. Rows that share any identity (directly, through other rows, or
 * through existing customers) are one person; when they link several existing customers, those are
 * merged into the oldest and the merge is logged.
 */
export async function resolveIdentities(
  session: Session,
  workspaceId: number,
  source: string,
  /** A table `(idkey, first_line, <identity columns>)` already grouped by key, read instead of the staging table. */
  keysTable?: string,
): Promise<ResolveResult> {
  const db = session.db;
  const run = (query: ReturnType<typeof sql>) => query.execute(db);
  for (const t of [
    'id_keys',
    'id_nodes',
    'id_existing',
    'id_links',
    'id_label',
    'id_comp',
    'id_merge',
    ID_MAP,
  ]) {
    await run(sql`drop table if exists ${sql.table(t)}`);
  }
  const cols = STAGED_IDENTITIES.map(([, col]) => sql.ref(col));
  await run(sql`
    create temp table id_keys as
    select row_number() over (order by d.first_line) as k, d.* from (
      ${
        keysTable
          ? sql`select idkey, first_line, ${sql.join(cols)} from ${sql.table(keysTable)}`
          : sql`select idkey, min(line) as first_line, ${sql.join(cols.map((c) => sql`min(${c}) as ${c}`))}
      from ${sql.table(STAGING_TABLE)} where idkey is not null group by idkey`
      }
    ) d`);
  const values = STAGED_IDENTITIES.map(([type, col]) => sql`(${sql.lit(type)}, ${sql.ref(col)})`);
  await run(sql`
    create temp table id_nodes as
    select k, t.type, t.value from id_keys, lateral (values ${sql.join(values)}) t(type, value)
    where t.value is not null`);
  await run(sql`
    create temp table id_existing as
    select n.k, n.type, n.value, i.customer_id from id_nodes n
    join identities i on i.workspace_id = ${workspaceId} and i.type = n.type and i.value = n.value`);
  // Groups of keys that share an identity or an existing customer: only these propagate labels.
  await run(sql`
    create temp table id_links as
    select g.k, g.g from (
      select k, type || ':' || value as g from id_nodes
      union select k, 'c:' || customer_id from id_existing
    ) g
    where g.g in (
      select g from (
        select k, type || ':' || value as g from id_nodes
        union select k, 'c:' || customer_id from id_existing
      ) x group by g having count(distinct k) > 1
    )`);
  await run(sql`create temp table id_label as select k, k as comp from id_keys`);
  for (const t of ['id_keys', 'id_nodes', 'id_existing', 'id_links', 'id_label'])
    await run(sql`analyze ${sql.table(t)}`);
  // Connected components by min-label propagation; real data converges in a pass or two.
  for (;;) {
    const result = await sql`
      update id_label l set comp = x.c from (
        select lk.k, min(m.c) as c from id_links lk join (
          select g.g, min(l2.comp) as c from id_links g join id_label l2 on l2.k = g.k group by g.g
        ) m on m.g = lk.g group by lk.k
      ) x where l.k = x.k and x.c < l.comp`.execute(db);
    if (!result.numAffectedRows) break;
  }
  await run(sql`
    create temp table id_comp as
    select l.comp, min(e.customer_id) as survivor, min(e.customer_id) is null as created
    from id_label l left join id_existing e on e.k = l.k group by l.comp`);
  await run(sql`
    create temp table id_merge as
    select distinct on (e.customer_id) e.customer_id as merged_id, c.survivor as survivor_id,
      e.type as identity_type, e.value as identity_value
    from id_existing e join id_label l on l.k = e.k join id_comp c on c.comp = l.comp
    where e.customer_id <> c.survivor
    order by e.customer_id, e.type, e.value`);
  const merged = await mergeCustomers(session, workspaceId, 'id_merge', source);

  // New customers are numbered in the order they first appear in the file (keys are numbered so).
  await run(sql`
    update id_comp c set survivor = n.id from (
      select comp, nextval(pg_get_serial_sequence('customers', 'id')) as id
      from (select comp from id_comp where created order by comp) o
    ) n where c.comp = n.comp`);
  await run(sql`
    insert into customers (workspace_id, id, external_id)
    select ${workspaceId}, c.survivor, min(k.ext)
    from id_comp c join id_label l on l.comp = c.comp join id_keys k on k.k = l.k
    where c.created group by c.survivor`);
  await run(sql`
    insert into identities (workspace_id, type, value, customer_id)
    select distinct on (n.type, n.value) ${workspaceId}, n.type, n.value, c.survivor
    from id_nodes n join id_label l on l.k = n.k join id_comp c on c.comp = l.comp
    order by n.type, n.value
    on conflict do nothing`);
  await run(sql`
    update customers cu set external_id = x.ext from (
      select c.survivor, min(k.ext) as ext from id_comp c join id_label l on l.comp = c.comp join id_keys k on k.k = l.k
      where not c.created and k.ext is not null group by c.survivor
    ) x where cu.workspace_id = ${workspaceId} and cu.id = x.survivor and cu.external_id is null`);
  await run(sql`
    create temp table ${sql.table(ID_MAP)} as
    select k.idkey, c.survivor as customer_id, c.created
    from id_keys k join id_label l on l.k = k.k join id_comp c on c.comp = l.comp`);
  await run(sql`analyze ${sql.table(ID_MAP)}`);
  const created = await sql<{ n: number }>`select count(*)::int as n from id_comp where created`.execute(db);
  return { created: created.rows[0]?.n ?? 0, merged };
}
