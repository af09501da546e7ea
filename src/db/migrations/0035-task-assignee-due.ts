import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * A member's open tasks in due order from the index alone: "my tasks" read the assignee's
 * open tasks by due time, which the old (workspace, assignee) index could only sort after reading
 * them all, and the due-time index reached only after skipping every other member's tasks.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `
    drop index tasks_assignee_open;
    create index tasks_assignee_due on tasks (workspace_id, assignee_id, due_at, id)
      where status in ('open', 'in_progress');
  `,
  );
}
