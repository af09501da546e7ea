import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * A change log of the customers table (one row per workspace and writing transaction, kept by
 * statement triggers so no writer can forget it), the columnar snapshots of the per-customer facts
 * that segmentation scores from, and what each saved segment was last refreshed against.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table customer_changes (
      workspace_id int not null,
      xid xid8 not null,
      primary key (workspace_id, xid)
    );

    -- (No statement inside a function body ends a line: the script is split at line-ending semicolons.)
    -- Insert-only (never an update of a shared counter), so concurrent writers never wait on each other.
    create function log_customer_changes() returns trigger language plpgsql as $$
    begin
      insert into customer_changes (workspace_id, xid)
        select distinct workspace_id, pg_current_xact_id() from changed
        on conflict do nothing ; return null ; end $$;

    create trigger customers_inserted after insert on customers
      referencing new table as changed for each statement execute function log_customer_changes();
    create trigger customers_updated after update on customers
      referencing new table as changed for each statement execute function log_customer_changes();
    create trigger customers_deleted after delete on customers
      referencing old table as changed for each statement execute function log_customer_changes();

    create table customer_fact_snapshots (
      workspace_id int primary key,
      -- What the facts were read under (pg_current_snapshot() as text, and the reading
      -- transaction's id when it had changed customers itself): see customer-changes.ts.
      built text not null,
      built_xid text,
      data bytea not null
    );
    -- Already compact binary: compressing it would cost more than it saves.
    alter table customer_fact_snapshots alter column data set storage external;

    -- Truncation fires no row-level trigger of the kinds above: drop every snapshot instead.
    create function forget_customer_fact_snapshots() returns trigger language plpgsql as $$
    begin delete from customer_fact_snapshots ; return null ; end $$;
    create trigger customers_truncated after truncate on customers
      for each statement execute function forget_customer_fact_snapshots();

    alter table segments add column refreshed_as_of date, add column refreshed_snapshot text,
      add column refreshed_xid text;
  `,
  );
}
