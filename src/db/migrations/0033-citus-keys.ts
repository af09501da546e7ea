import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * One type for `workspace_id` everywhere (int): two tables were created with bigint, and Citus
 * co-locates tables by workspace only when their distribution columns have the same type.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    alter table daily_task_runs alter column workspace_id type int;
    alter table stage_counts alter column workspace_id type int;
  `,
  );
}
