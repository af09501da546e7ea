import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Service records: the customer notes of 0020 become notes, calls, visits, complaints and tickets
 * with a status (tickets), the time they happened, who handled them (a user, or a staff name from
 * an imported service export) and the id they carry in the source system.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table customer_notes drop constraint customer_notes_type_check;
    alter table customer_notes add constraint customer_notes_type_check
      check (type in ('note', 'call', 'visit', 'complaint', 'ticket'));
    alter table customer_notes add column status text
      check (status in ('open', 'resolved', 'closed', 'done'));
    alter table customer_notes add column occurred_at timestamptz;
    update customer_notes set occurred_at = created_at;
    alter table customer_notes alter column occurred_at set not null;
    alter table customer_notes alter column occurred_at set default now();
    alter table customer_notes add column author_user_id int;
    alter table customer_notes add column source text not null default 'manual'
      check (source in ('manual', 'import'));
    alter table customer_notes add column external_ref text;
    -- An import writes a record once: keyed on the source system's id, else on the row's content.
    alter table customer_notes add column import_key text;
    create unique index customer_notes_import_key on customer_notes (workspace_id, import_key)
      where import_key is not null;
    drop index customer_notes_customer;
    create index customer_notes_customer on customer_notes (workspace_id, customer_id, occurred_at desc, id desc);
  `,
  );
}
