import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { existingCustomerIds } from '../customers/index.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { resolveAssignees } from './task-assign.ts';
import type { AssignRule, TaskPriority, TaskSource } from './task-model.ts';

/** A task to create, before assignment. */
export interface NewTask {
  customerId: number;
  kind: string;
  title: string;
  dueAt: Date;
  priority?: TaskPriority;
  notes?: string | null;
  /** What made it: `journey:3/entry:41/step:call`, `segment:vip`. */
  sourceRef?: string | null;
  /** A second task with the same key is not created (journey steps retried). */
  dedupeKey?: string | null;
}

/** Rows per insert statement: well inside PostgreSQL's parameter limit. */
const CHUNK = 1000;

/**
 * Creates tasks in the caller's transaction, assigned by `rule`, each with its first history
 * row; tasks whose dedupe key exists already are skipped. Returns the new tasks' ids and assignees.
 */
export async function createTasksIn(
  trx: Kysely<Schema>,
  workspace: Workspace,
  createdBy: string,
  source: TaskSource,
  tasks: readonly NewTask[],
  rule: AssignRule,
  now = new Date(),
): Promise<{ id: number; assignee_id: number | null; dedupe_key: string | null }[]> {
  const assignees = await resolveAssignees(
    trx,
    workspace.id,
    rule,
    tasks.map((t) => t.customerId),
  );
  const created: { id: number; assignee_id: number | null; dedupe_key: string | null }[] = [];
  for (let k = 0; k < tasks.length; k += CHUNK) {
    const rows = tasks.slice(k, k + CHUNK).map((t, i) => ({
      workspace_id: workspace.id,
      customer_id: t.customerId,
      kind: t.kind,
      title: t.title,
      assignee_id: assignees[k + i] ?? null,
      due_at: t.dueAt,
      priority: t.priority ?? 'normal',
      notes: t.notes ?? null,
      created_by: createdBy,
      source,
      source_ref: t.sourceRef ?? null,
      dedupe_key: t.dedupeKey ?? null,
      created_at: now,
      updated_at: now,
    }));
    // The tasks and their first history rows in one statement (a group of survey answers or a
    // journey round makes many small batches; each statement costs its round trip).
    const inserted = await trx
      .with('t', (db) =>
        db
          .insertInto('tasks')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing(),
          )
          .returning(['id', 'assignee_id', 'dedupe_key']),
      )
      .with('h', (db) =>
        db
          .insertInto('task_history')
          .columns([
            'workspace_id',
            'task_id',
            'at',
            'actor',
            'from_status',
            'to_status',
            'outcome',
            'assignee_id',
          ])
          .expression((eb) =>
            eb
              .selectFrom('t')
              .select([
                sql<number>`${workspace.id}::int`.as('workspace_id'),
                't.id',
                sql<Date>`${now}::timestamptz`.as('at'),
                sql<string>`${createdBy}::text`.as('actor'),
                sql<null>`null::text`.as('from_status'),
                sql<string>`'open'`.as('to_status'),
                sql<null>`null::text`.as('outcome'),
                't.assignee_id',
              ]),
          ),
      )
      .selectFrom('t')
      .select(['id', 'assignee_id', 'dedupe_key'])
      .execute();
    created.push(...inserted);
  }
  return created;
}

/**
 * Creates tasks by hand or in bulk in one transaction with its audit row; customers must be the
 * workspace's (not found otherwise).
 */
export async function createTasks(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  source: 'manual' | 'bulk',
  tasks: readonly NewTask[],
  rule: AssignRule,
  now = new Date(),
): Promise<{ id: number; assignee_id: number | null }[]> {
  return db.transaction().execute(async (trx) => {
    const ids = tasks.map((t) => t.customerId);
    const known = new Set(await existingCustomerIds(trx, workspace.id, ids));
    const missing = ids.find((id) => !known.has(id));
    if (missing !== undefined) throw new NotFoundError(`customer ${missing} not found`);
    const created = await createTasksIn(trx, workspace, actor.label, source, tasks, rule, now);
    await recordAudit(trx, workspace.id, actor, {
      action: source === 'bulk' ? 'task.bulk_create' : 'task.create',
      objectType: 'task',
      objectId: created.length === 1 ? created[0]!.id : null,
      detail: {
        count: created.length,
        kind: tasks[0]?.kind,
        rule: rule.rule,
        ...(source === 'bulk' ? { source_ref: tasks[0]?.sourceRef } : {}),
      },
    });
    return created;
  });
}
