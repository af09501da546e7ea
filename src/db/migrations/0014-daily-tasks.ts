import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * The worker's record of the once-a-day tasks it has finished per workspace and local date (tier
 * evaluation, points expiry, lifecycle recording), so a restart or a second worker does not run a
 * finished day again and a failed day is tried again on the next pass.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    create table daily_task_runs (
      workspace_id bigint not null references workspaces(id) on delete cascade,
      task text not null,
      local_date date not null,
      summary jsonb not null default '{}',
      finished_at timestamptz not null default now(),
      primary key (workspace_id, task, local_date)
    );
  `,
  );
}
