import { sql } from 'kysely';
import type { Session } from '../db/database.ts';
import { STAGED_IDENTITIES, STAGING_TABLE } from '../importing/index.ts';
import { ID_MAP, type ResolveResult } from './identity-resolve.ts';

/**
 * For kinds that describe customers already known (service records): maps each staged `idkey` to
 * the existing customers its identities name, creating and merging no one. Fills {@link ID_MAP}
 * `(idkey, customer_id, customers, erased)` — `customers` counts the distinct customers named, so
 * a row whose phone and member card belong to two people can be refused — and an empty `id_merge`,
 * as the pipeline expects after identity resolution.
 */
export async function matchKnownCustomers(session: Session, workspaceId: number): Promise<ResolveResult> {
  const db = session.db;
  for (const t of ['id_merge', ID_MAP]) await sql`drop table if exists ${sql.table(t)}`.execute(db);
  await sql`create temp table id_merge (merged_id bigint, survivor_id bigint, identity_type text, identity_value text)`.execute(
    db,
  );
  const values = STAGED_IDENTITIES.map(([type, col]) => sql`(${sql.lit(type)}, s.${sql.ref(col)})`);
  await sql`
    create temp table ${sql.table(ID_MAP)} as
    select s.idkey, min(i.customer_id) as customer_id, count(distinct i.customer_id)::int as customers,
      bool_or(c.erased_at is not null) as erased, false as created
    from (select distinct on (idkey) * from ${sql.table(STAGING_TABLE)} where idkey is not null) s
    cross join lateral (values ${sql.join(values)}) v(type, value)
    join identities i on i.workspace_id = ${workspaceId} and i.type = v.type and i.value = v.value
    join customers c on c.workspace_id = i.workspace_id and c.id = i.customer_id
    where v.value is not null
    group by s.idkey`.execute(db);
  await sql`analyze ${sql.table(ID_MAP)}`.execute(db);
  return { created: 0, merged: 0 };
}
