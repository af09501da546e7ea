import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * The workspace's stores, managed in the dashboard: a code (what orders, coupon templates and
 * members' stores carry) with a display name and a city; a closed store stays for its history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table stores (
      workspace_id int not null references workspaces(id) on delete cascade,
      code text not null,
      name text not null,
      city text,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      primary key (workspace_id, code)
    );
  `,
  );
}
