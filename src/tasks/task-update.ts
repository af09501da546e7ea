import type { Kysely } from 'kysely';
import type { Actor } from '../access/index.ts';
import { getUser } from '../access/user-service.ts';
import { recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError, NotFoundError, RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { canMove, requireOutcome, type TaskPriority, type TaskStatus } from './task-model.ts';

/** What working a task may change: its status (with an outcome when done), assignee, notes, due, priority. */
export interface TaskChanges {
  status?: TaskStatus;
  outcome?: string;
  notes?: string | null;
  /** A member's user id, or null to put the task back in the queue. */
  assignee_id?: number | null;
  due_at?: Date;
  priority?: TaskPriority;
}

const fieldError = (field: string, message: string) =>
  new InvalidInputError(`${field}: ${message}`, [{ field, message }]);

/**
 * Works a task in one transaction: checks the status move (done and cancelled are final; done
 * needs an outcome), applies the changes, records a history row when the status or assignee
 * changes, and writes the audit row.
 */
export async function updateTask(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  taskId: number,
  changes: TaskChanges,
  now = new Date(),
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const task = await trx
      .selectFrom('tasks')
      .select(['status', 'assignee_id'])
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', taskId)
      .forUpdate()
      .executeTakeFirst();
    if (!task) throw new NotFoundError(`task ${taskId} not found`);
    const to = changes.status ?? task.status;
    const moving = to !== task.status;
    if (moving && !canMove(task.status, to))
      throw new RetainError('conflict', `task ${taskId} is ${task.status}: it cannot become ${to}`);
    if (!moving && (task.status === 'done' || task.status === 'cancelled'))
      throw new RetainError('conflict', `task ${taskId} is ${task.status}: it can no longer change`);
    if (to === 'done' && moving && !changes.outcome)
      throw fieldError('outcome', 'required when the task is done');
    if (changes.outcome !== undefined && !(to === 'done' && moving))
      throw fieldError('outcome', 'only given with status "done"');
    if (changes.outcome !== undefined) requireOutcome(workspace, changes.outcome);
    if (changes.assignee_id != null) {
      try {
        await getUser(trx, workspace.id, changes.assignee_id);
      } catch (error) {
        if (error instanceof NotFoundError)
          throw fieldError('assignee_id', `user ${changes.assignee_id} is not a member of this workspace`);
        throw error;
      }
    }
    const reassigned = changes.assignee_id !== undefined && changes.assignee_id !== task.assignee_id;
    const assignee = changes.assignee_id !== undefined ? changes.assignee_id : task.assignee_id;
    await trx
      .updateTable('tasks')
      .set({
        status: to,
        ...(changes.outcome !== undefined ? { outcome: changes.outcome } : {}),
        ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
        ...(changes.due_at !== undefined ? { due_at: changes.due_at } : {}),
        ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
        assignee_id: assignee,
        ...(moving && (to === 'done' || to === 'cancelled') ? { closed_at: now } : {}),
        updated_at: now,
      })
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', taskId)
      .execute();
    if (moving || reassigned)
      await trx
        .insertInto('task_history')
        .values({
          workspace_id: workspace.id,
          task_id: taskId,
          at: now,
          actor: actor.label,
          from_status: task.status,
          to_status: to,
          outcome: moving ? (changes.outcome ?? null) : null,
          assignee_id: assignee,
        })
        .execute();
    await recordAudit(trx, workspace.id, actor, {
      action: moving ? `task.${to}` : 'task.update',
      objectType: 'task',
      objectId: taskId,
      detail: { fields: Object.keys(changes), ...(moving ? { from: task.status, to } : {}) },
    });
  });
}
