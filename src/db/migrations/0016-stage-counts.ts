import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * How many customers were in each lifecycle stage and RFM group on each recorded day, written by
 * the daily recording, so stage counts over time are a look-up rather than a recomputation.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table stage_counts (
      workspace_id bigint not null references workspaces(id) on delete cascade,
      as_of date not null,
      kind text not null check (kind in ('lifecycle', 'rfm_group')),
      code text not null,
      customers integer not null,
      primary key (workspace_id, as_of, kind, code)
    );
  `,
  );
}
