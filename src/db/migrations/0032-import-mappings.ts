import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * The column mapping an operator last confirmed for each platform's export and import kind, so
 * the next file from that platform is read the same way without choosing again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table import_mappings (
      workspace_id int not null,
      platform text not null,
      kind text not null,
      mapping jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (workspace_id, platform, kind),
      foreign key (workspace_id) references workspaces (id) on delete cascade
    );
    `,
  );
}
