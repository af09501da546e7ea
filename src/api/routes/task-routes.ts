import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getUser } from '../../access/user-service.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { addDays, zonedInstant } from '../../shared/zoned-time.ts';
import {
  type AssignRule,
  createBulkTasks,
  createTasks,
  getTask,
  listTasks,
  requireKind,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TaskCode,
  type TaskStatus,
  teamLoad,
  updateTask,
} from '../../tasks/index.ts';
import { reassignMany } from '../../tasks/task-assign-bulk.ts';
import {
  ReassignBody,
  ReassignResult,
  TaskPageSchema as TaskPage,
  TaskReportSchema,
  TaskTeamSchema,
} from '../../tasks/task-contract.ts';
import { taskReport } from '../../tasks/task-report.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { maskerFor } from '../present.ts';
import { DateText, ERRORS, MAX_INT4, TimeIdCursor } from '../schemas.ts';
import {
  AssignSchema,
  InstantText,
  presentChange,
  presentTask,
  SafeText,
  TaskParams,
  TaskWithHistory,
} from './task-schemas.ts';

const KindText = TaskCode;
const STATUS_LIST = new RegExp(`^(${TASK_STATUSES.join('|')})(,(${TASK_STATUSES.join('|')}))*$`);

/** `?assignee=me|queue|ID` and the other list filters; shared with the customer's task list. */
export const TaskQuery = z
  .object({
    assignee: z
      .string()
      .regex(/^(me|queue|\d{1,9})$/, 'me, queue or a user id')
      .optional(),
    status: z
      .string()
      .regex(STATUS_LIST, 'open, in_progress, done or cancelled, or several joined by commas')
      .optional(),
    kind: KindText.optional(),
    overdue: z.enum(['true', 'false']).optional(),
    customer_id: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 53 - 1)
      .optional(),
    cursor: TimeIdCursor.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

/** Reads the task list's query into the service's filter. */
export function taskFilter(caller: ReturnType<typeof callerOf>, q: z.infer<typeof TaskQuery>) {
  let assignee: number | null | undefined;
  if (q.assignee === 'queue') assignee = null;
  else if (q.assignee === 'me') {
    if (caller.actor.kind !== 'user')
      throw new InvalidInputError('assignee: "me" needs a signed-in user (an API key is nobody\'s)', [
        { field: 'querystring.assignee', message: '"me" needs a signed-in user' },
      ]);
    assignee = Number(caller.actor.id);
  } else if (q.assignee !== undefined) assignee = Number(q.assignee);
  const [due, id] = q.cursor ? q.cursor.split('_').map(Number) : [];
  return {
    assignee,
    status: q.status ? (q.status.split(',') as TaskStatus[]) : undefined,
    kind: q.kind,
    overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
    customerId: q.customer_id,
    after: q.cursor ? { dueAt: new Date(due!), id: id! } : undefined,
    limit: q.limit,
  };
}

/** The next page's cursor: the last task's due time (ms) and id. */
export const cursorText = (next: { dueAt: Date; id: number } | null) =>
  next ? `${next.dueAt.getTime()}_${next.id}` : null;

/** Checks that a rule's user is a member; the error names the field. */
async function checkRule(
  db: ApiContext['store']['db'],
  workspaceId: number,
  rule: AssignRule,
  field: string,
) {
  if (rule.rule !== 'user') return;
  try {
    await getUser(db, workspaceId, rule.user_id);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new InvalidInputError(`${field}: user ${rule.user_id} is not a member of this workspace`, [
      { field, message: 'not a member of this workspace' },
    ]);
  }
}

/** Staff tasks (回访 / 跟进): list, create, work, bulk-create for a segment, report. */
export const taskRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/tasks',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary: 'Tasks sorted by due time: mine, the queue, a user’s; by status, kind, overdue, customer',
        querystring: TaskQuery,
        response: { 200: TaskPage, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const page = await listTasks(db, caller.workspace.id, taskFilter(caller, request.query));
      const mask = maskerFor(caller);
      return { items: page.items.map((t) => presentTask(t, mask)), next_cursor: cursorText(page.next) };
    },
  );

  app.post(
    '/tasks',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['tasks'],
        summary: 'Create a task for a customer (assigned by rule: owner by default, else the queue)',
        body: z
          .object({
            customer_id: z
              .number()
              .int()
              .positive()
              .max(2 ** 53 - 1),
            kind: KindText,
            title: SafeText(200),
            due_at: InstantText.optional().describe('default: in 24 hours'),
            priority: z.enum(TASK_PRIORITIES).default('normal'),
            notes: SafeText(2000, 0).optional(),
            assign: AssignSchema.default({ rule: 'owner' }),
          })
          .strict(),
        response: { 200: TaskWithHistory, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      requireKind(caller.workspace, b.kind, 'body.kind');
      await checkRule(db, caller.workspace.id, b.assign, 'body.assign.user_id');
      const now = new Date();
      const [created] = await createTasks(
        db,
        caller.workspace,
        caller.actor,
        'manual',
        [
          {
            customerId: b.customer_id,
            kind: b.kind,
            title: b.title,
            dueAt: b.due_at ? new Date(b.due_at) : new Date(now.getTime() + 86_400_000),
            priority: b.priority,
            notes: b.notes ?? null,
          },
        ],
        b.assign,
        now,
      );
      const task = await getTask(db, caller.workspace.id, created!.id);
      return { ...presentTask(task, maskerFor(caller)), history: task.history.map(presentChange) };
    },
  );

  app.get(
    '/tasks/report',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary:
          'Tasks created in the period: created, done, completion rate, median hours to done, per kind and assignee',
        querystring: z
          .object({ from: DateText, to: DateText.describe('inclusive; local dates of the workspace') })
          .strict(),
        response: {
          200: TaskReportSchema,
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const { workspace } = callerOf(request);
      const { from, to } = request.query;
      const start = zonedInstant(from, 0, workspace.timezone);
      const end = zonedInstant(addDays(to, 1), 0, workspace.timezone);
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start)
        throw new InvalidInputError('to: must be a real date on or after from', [
          { field: 'querystring.to', message: 'must be a real date on or after from' },
        ]);
      const report = await taskReport(db, workspace.id, start, end);
      return { ...report, from: start.toISOString(), to: end.toISOString() };
    },
  );

  app.get(
    '/tasks/team',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary: 'The team board: each assignee’s open and overdue tasks (the queue as a null assignee)',
        response: { 200: TaskTeamSchema, ...ERRORS },
      },
    },
    async (request) => ({ items: await teamLoad(db, callerOf(request).workspace.id) }),
  );

  app.get(
    '/tasks/:taskId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary: 'A task with its history (who changed its status or assignee, when, the outcome)',
        params: TaskParams,
        response: { 200: TaskWithHistory, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const task = await getTask(db, caller.workspace.id, request.params.taskId);
      return { ...presentTask(task, maskerFor(caller)), history: task.history.map(presentChange) };
    },
  );

  app.patch(
    '/tasks/:taskId',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['tasks'],
        summary:
          'Work a task: start (in_progress), done with an outcome, cancel, reassign, notes, due, priority',
        params: TaskParams,
        body: z
          .object({
            status: z.enum(TASK_STATUSES).optional(),
            outcome: KindText.optional().describe('required with status done: reached, not_reached, …'),
            notes: SafeText(2000, 0).nullable().optional(),
            assignee_id: z.number().int().positive().max(MAX_INT4).nullable().optional(),
            due_at: InstantText.optional(),
            priority: z.enum(TASK_PRIORITIES).optional(),
          })
          .strict(),
        response: { 200: TaskWithHistory, ...ERRORS, 409: ERRORS[400] },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { due_at, ...rest } = request.body;
      await updateTask(db, caller.workspace, caller.actor, request.params.taskId, {
        ...rest,
        ...(due_at ? { due_at: new Date(due_at) } : {}),
      });
      const task = await getTask(db, caller.workspace.id, request.params.taskId);
      return { ...presentTask(task, maskerFor(caller)), history: task.history.map(presentChange) };
    },
  );

  app.post(
    '/tasks/reassign',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['tasks'],
        summary: 'Give open tasks to one member, or back to the queue (closed ones are skipped and listed)',
        body: ReassignBody,
        response: { 200: ReassignResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { task_ids, assignee_id } = request.body;
      return reassignMany(db, caller.workspace.id, caller.actor, task_ids, assignee_id);
    },
  );

  app.post(
    '/tasks/bulk',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['tasks'],
        summary:
          'One task per current member of a saved segment, spread by the rule (round robin over a role)',
        body: z
          .object({
            segment: SafeText(200),
            kind: KindText,
            title: SafeText(200),
            due_in_hours: z
              .number()
              .min(0)
              .max(24 * 366),
            priority: z.enum(TASK_PRIORITIES).default('normal'),
            assign: AssignSchema.default({ rule: 'owner' }),
          })
          .strict(),
        response: {
          200: z.object({
            created: z.number(),
            by_assignee: z.array(z.object({ assignee_id: z.number().nullable(), tasks: z.number() })),
          }),
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      requireKind(caller.workspace, b.kind, 'body.kind');
      await checkRule(db, caller.workspace.id, b.assign, 'body.assign.user_id');
      return createBulkTasks(db, caller.workspace, caller.actor, {
        segment: b.segment,
        kind: b.kind,
        title: b.title,
        dueInHours: b.due_in_hours,
        priority: b.priority,
        rule: b.assign,
      });
    },
  );
};
