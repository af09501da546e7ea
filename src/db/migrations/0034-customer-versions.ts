import { type Kysely, sql } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * A per-workspace version of the customers table, replacing the change log of transaction ids
 * (0012): a derived copy (facts snapshot, segment membership) stores the version it read, and is
 * current while the version is the same. Transaction ids cannot serve on Citus, where a snapshot
 * taken on the coordinator knows nothing of the ids the workers assign. A row-level trigger bumps
 * the version once per transaction and workspace (a transaction-local setting remembers which it
 * bumped), in the same transaction as the change, so no writer can forget it; it runs where the
 * row lives (on Citus: the worker holding the workspace's shards, where its version row lives too).
 * Statement triggers with transition tables (the change log's) do not run on Citus workers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The trigger names its table with the schema: on a Citus worker it runs under the worker's
  // search path, not the application's.
  const found = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = found.rows[0]!.schema;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`unexpected schema name ${schema}`);
  const versions = `"${schema}".customer_versions`;
  await execScript(
    db,
    `
    drop trigger customers_inserted on customers;
    drop trigger customers_updated on customers;
    drop trigger customers_deleted on customers;
    drop trigger customers_truncated on customers;
    drop function log_customer_changes();
    drop function forget_customer_fact_snapshots();
    drop table customer_changes;

    create table customer_versions (
      workspace_id int primary key,
      version bigint not null default 0
    );

    -- Snapshots and coverages recorded as transaction ids mean nothing now: rebuilt on next use.
    delete from customer_fact_snapshots;
    alter table customer_fact_snapshots drop column built, drop column built_xid,
      add column built_version bigint not null;
    alter table segments drop column refreshed_snapshot, drop column refreshed_xid,
      add column refreshed_version bigint;
  `,
  );
  // Function bodies run as single statements (execScript splits at line-ending semicolons).
  // BEFORE, not AFTER: nothing is queued per row, and a bump for a row that is then not written
  // (ON CONFLICT DO NOTHING) only costs a rebuild.
  await sql
    .raw(`create function bump_customers_version() returns trigger language plpgsql as $$
    declare
      ws int := case when tg_op = 'DELETE' then old.workspace_id else new.workspace_id end;
      done text := coalesce(current_setting('retain.customers_bumped', true), '');
    begin
      if strpos(done, ',' || ws || ',') = 0 then
        insert into ${versions} as v (workspace_id, version) values (ws, 1)
          on conflict (workspace_id) do update set version = v.version + 1;
        perform set_config('retain.customers_bumped', case when done = '' then ',' else done end || ws || ',', true);
      end if;
      if tg_op = 'DELETE' then return old; end if;
      return new;
    end $$`)
    .execute(db);
  // Truncation fires no row trigger: every workspace's copies become stale.
  await sql
    .raw(`create function customers_truncated() returns trigger language plpgsql as $$
    begin update ${versions} set version = version + 1; return null; end $$`)
    .execute(db);
  await execScript(
    db,
    `
    create trigger customers_changed before insert or update or delete on customers
      for each row execute function bump_customers_version();
    create trigger customers_truncated after truncate on customers
      for each statement execute function customers_truncated();
  `,
  );
}
