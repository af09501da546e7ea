import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { OPEN_STATUSES } from './task-model.ts';

/**
 * Puts a member's open and in-progress tasks back in the queue (a member leaving the workspace),
 * each with a `requeued` history row naming who had it, in the caller's transaction.
 */
export async function requeueMemberTasks(
  trx: Kysely<Schema>,
  workspaceId: number,
  userId: number,
  actorLabel: string,
  now: Date,
): Promise<number> {
  const moved = await trx
    .updateTable('tasks')
    .set({ assignee_id: null, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('assignee_id', '=', userId)
    .where('status', 'in', OPEN_STATUSES)
    .returning(['id', 'status'])
    .execute();
  if (moved.length > 0)
    await trx
      .insertInto('task_history')
      .values(
        moved.map((t) => ({
          workspace_id: workspaceId,
          task_id: t.id,
          at: now,
          actor: actorLabel,
          from_status: t.status,
          to_status: t.status,
          outcome: null,
          assignee_id: null,
          event: 'requeued',
          note: `user ${userId} left the workspace`,
        })),
      )
      .execute();
  return moved.length;
}
