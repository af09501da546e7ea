import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/** Each customer's last recorded lifecycle stage and RFM group, to detect and record changes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table customer_states (
      workspace_id int not null,
      customer_id bigint not null,
      lifecycle text not null,
      rfm_group text,
      as_of date not null,
      updated_at timestamptz not null default now(),
      primary key (workspace_id, customer_id)
    );
  `,
  );
}
