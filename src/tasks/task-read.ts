import type { Kysely, Selectable } from 'kysely';
import { listUsers } from '../access/user-service.ts';
import { customerContacts } from '../customers/customer-contacts.ts';
import type { Schema, TasksTable } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import { OPEN_STATUSES, type TaskStatus } from './task-model.ts';

/** A task as lists and the API show it (customer contact unmasked: the caller masks). */
export interface TaskView {
  id: number;
  customer_id: number;
  customer_name: string | null;
  customer_phone: string | null;
  kind: string;
  title: string;
  assignee_id: number | null;
  assignee_email: string | null;
  due_at: Date;
  overdue: boolean;
  priority: string;
  status: TaskStatus;
  outcome: string | null;
  notes: string | null;
  created_by: string;
  source: string;
  source_ref: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

/** One status change (or reassignment) of a task. */
export interface TaskChange {
  at: Date;
  actor: string;
  from_status: string | null;
  to_status: string;
  outcome: string | null;
  assignee_id: number | null;
  /** The assignee's email after the change (null: the queue, or a member since removed). */
  assignee_email: string | null;
  /** Besides a status change: `escalated_assignee`, `escalated_admins`, `requeued`. */
  event: string | null;
  note: string | null;
}

/** The workspace's members' emails by user id, to name assignees in lists, reports and histories. */
export async function memberEmails(db: Kysely<Schema>, workspaceId: number): Promise<Map<number, string>> {
  return new Map((await listUsers(db, workspaceId)).map((u) => [u.id, u.email]));
}

/** Whether a task is overdue at `now`: still to do and past its due time. */
export function isOverdue(task: { status: string; due_at: Date }, now: Date): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(task.status) && task.due_at.getTime() < now.getTime();
}

/** Adds customer contacts, assignee emails and the overdue mark to task rows. */
async function present(
  db: Kysely<Schema>,
  workspaceId: number,
  rows: Selectable<TasksTable>[],
  now: Date,
): Promise<TaskView[]> {
  if (rows.length === 0) return [];
  const contacts = await customerContacts(
    db,
    workspaceId,
    rows.map((r) => r.customer_id),
  );
  const emails = await memberEmails(db, workspaceId);
  return rows.map(({ workspace_id: _w, dedupe_key: _d, ...r }) => ({
    ...r,
    customer_name: contacts.get(r.customer_id)?.name ?? null,
    customer_phone: contacts.get(r.customer_id)?.phone ?? null,
    assignee_email: r.assignee_id === null ? null : (emails.get(r.assignee_id) ?? null),
    overdue: isOverdue(r, now),
  }));
}

/** One task of the workspace with its history, oldest change first; not found for others'. */
export async function getTask(
  db: Kysely<Schema>,
  workspaceId: number,
  taskId: number,
  now = new Date(),
): Promise<TaskView & { history: TaskChange[] }> {
  const row = await db
    .selectFrom('tasks')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', taskId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError(`task ${taskId} not found`);
  const [task] = await present(db, workspaceId, [row], now);
  const history = await db
    .selectFrom('task_history')
    .select(['at', 'actor', 'from_status', 'to_status', 'outcome', 'assignee_id', 'event', 'note'])
    .where('workspace_id', '=', workspaceId)
    .where('task_id', '=', taskId)
    .orderBy('id')
    .execute();
  const emails = await memberEmails(db, workspaceId);
  return {
    ...task!,
    history: history.map((h) => ({
      ...h,
      assignee_email: h.assignee_id === null ? null : (emails.get(h.assignee_id) ?? null),
    })),
  };
}

/** Filters of the task list; `assignee` null is the queue (nobody assigned). */
export interface TaskFilter {
  assignee?: number | null;
  status?: TaskStatus[];
  kind?: string;
  overdue?: boolean;
  customerId?: number;
  /** The last task of the previous page: its due time and id. */
  after?: { dueAt: Date; id: number };
  limit: number;
}

/** A page of the workspace's tasks sorted by due time (then id), and the next page's cursor. */
export async function listTasks(
  db: Kysely<Schema>,
  workspaceId: number,
  filter: TaskFilter,
  now = new Date(),
): Promise<{ items: TaskView[]; next: { dueAt: Date; id: number } | null }> {
  let query = db.selectFrom('tasks').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.assignee === null) query = query.where('assignee_id', 'is', null);
  else if (filter.assignee !== undefined) query = query.where('assignee_id', '=', filter.assignee);
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.customerId !== undefined) query = query.where('customer_id', '=', filter.customerId);
  if (filter.overdue === true) query = query.where('status', 'in', OPEN_STATUSES).where('due_at', '<', now);
  if (filter.overdue === false)
    query = query.where((eb) => eb.or([eb('status', 'not in', OPEN_STATUSES), eb('due_at', '>=', now)]));
  if (filter.after) {
    const { dueAt, id } = filter.after;
    query = query.where((eb) =>
      eb.or([eb('due_at', '>', dueAt), eb.and([eb('due_at', '=', dueAt), eb('id', '>', id)])]),
    );
  }
  const rows = await query
    .orderBy('due_at')
    .orderBy('id')
    .limit(filter.limit + 1)
    .execute();
  const more = rows.length > filter.limit;
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: await present(db, workspaceId, page, now),
    next: more && last ? { dueAt: last.due_at, id: last.id } : null,
  };
}

/** One assignee's load: open (or in progress) tasks and how many of them are past due. */
export interface AssigneeLoad {
  assignee_id: number | null;
  assignee_email: string | null;
  open: number;
  overdue: number;
}

/**
 * The team board: per assignee with open work (null: the queue), the open and overdue counts, most
 * overdue first, so a supervisor sees at once who is behind.
 */
export async function teamLoad(
  db: Kysely<Schema>,
  workspaceId: number,
  now = new Date(),
): Promise<AssigneeLoad[]> {
  const rows = await db
    .selectFrom('tasks')
    .select((eb) => [
      'assignee_id',
      eb.fn.countAll<string>().as('open'),
      eb.fn.count<string>(eb.case().when('due_at', '<', now).then(1).end()).as('overdue'),
    ])
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', OPEN_STATUSES)
    .groupBy('assignee_id')
    .execute();
  const emails = await memberEmails(db, workspaceId);
  return rows
    .map((r) => ({
      assignee_id: r.assignee_id,
      assignee_email: r.assignee_id === null ? null : (emails.get(r.assignee_id) ?? null),
      open: Number(r.open),
      overdue: Number(r.overdue),
    }))
    .sort(
      (a, b) =>
        b.overdue - a.overdue ||
        b.open - a.open ||
        (a.assignee_email ?? '\uffff').localeCompare(b.assignee_email ?? '\uffff'),
    );
}
