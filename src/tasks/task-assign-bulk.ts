import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { getUser } from '../access/user-service.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError } from '../shared/errors.ts';
import type { ReassignResult } from './task-contract.ts';
import { OPEN_STATUSES } from './task-model.ts';

/**
 * Gives open tasks to one member (or the queue) in one transaction: a history row for each task
 * whose assignee changes, one audit row. Closed tasks and others' ids are skipped and listed.
 */
export async function reassignMany(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  taskIds: readonly number[],
  assigneeId: number | null,
  now = new Date(),
): Promise<ReassignResult> {
  return db.transaction().execute(async (trx) => {
    if (assigneeId !== null) {
      try {
        await getUser(trx, workspaceId, assigneeId);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new InvalidInputError(`assignee_id: user ${assigneeId} is not a member of this workspace`, [
          { field: 'body.assignee_id', message: 'not a member of this workspace' },
        ]);
      }
    }
    const ids = [...new Set(taskIds)];
    const rows = await trx
      .selectFrom('tasks')
      .select(['id', 'status', 'assignee_id'])
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
    const found = new Map(rows.map((r) => [r.id, r]));
    const result: ReassignResult = { reassigned: [], skipped: [] };
    const moving: typeof rows = [];
    for (const id of ids) {
      const task = found.get(id);
      if (!task) result.skipped.push({ id, reason: 'not_found' });
      else if (!(OPEN_STATUSES as readonly string[]).includes(task.status))
        result.skipped.push({ id, reason: 'closed' });
      else {
        result.reassigned.push(id);
        if (task.assignee_id !== assigneeId) moving.push(task);
      }
    }
    if (moving.length > 0) {
      await trx
        .updateTable('tasks')
        .set({ assignee_id: assigneeId, updated_at: now })
        .where('workspace_id', '=', workspaceId)
        .where(
          'id',
          'in',
          moving.map((t) => t.id),
        )
        .execute();
      await trx
        .insertInto('task_history')
        .values(
          moving.map((t) => ({
            workspace_id: workspaceId,
            task_id: t.id,
            at: now,
            actor: actor.label,
            from_status: t.status,
            to_status: t.status,
            outcome: null,
            assignee_id: assigneeId,
          })),
        )
        .execute();
    }
    await recordAudit(trx, workspaceId, actor, {
      action: 'task.reassign',
      objectType: 'task',
      objectId: null,
      detail: { count: moving.length, assignee_id: assigneeId },
    });
    return result;
  });
}
