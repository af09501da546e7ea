import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from './task-codes.ts';

export { ServiceRecordSchema as NoteSchema } from './service-record-contract.ts';

// The response shapes of tasks and service notes, shared by the API (its OpenAPI document) and the
// dashboard (its types); only zod and the codes, so the browser build can read them.

/** A task in responses (customer name and phone masked for roles without `pii`). */
export const TaskSchema = z.object({
  id: z.number(),
  customer_id: z.number(),
  customer_name: z.string().nullable(),
  customer_phone: z.string().nullable(),
  kind: z.string(),
  title: z.string(),
  assignee_id: z.number().nullable().describe('null: the queue'),
  assignee_email: z.string().nullable(),
  due_at: z.string(),
  overdue: z.boolean().describe('open or in progress and past due'),
  priority: z.enum(TASK_PRIORITIES),
  status: z.enum(TASK_STATUSES),
  outcome: z.string().nullable(),
  notes: z.string().nullable(),
  created_by: z.string(),
  source: z.string(),
  source_ref: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
});

/** `GET /tasks`: a page sorted by due time; `next_cursor` asks for the next one (null: the last). */
export const TaskPageSchema = z.object({ items: z.array(TaskSchema), next_cursor: z.string().nullable() });

/** One change of a task: a status change, a reassignment, an escalation or a return to the queue. */
export const TaskChangeSchema = z.object({
  at: z.string(),
  actor: z.string(),
  from_status: z.string().nullable(),
  to_status: z.string(),
  outcome: z.string().nullable(),
  assignee_id: z.number().nullable(),
  assignee_email: z.string().nullable().describe('after the change; null: the queue'),
  event: z
    .string()
    .nullable()
    .describe('escalated_assignee, escalated_admins, requeued; null: a status change'),
  note: z.string().nullable(),
});

/** `GET /tasks/{id}`: the task and its history, oldest change first. */
export const TaskWithHistorySchema = TaskSchema.extend({ history: z.array(TaskChangeSchema) });

/** Completion figures of one group of tasks (a kind or an assignee). */
const TaskFiguresSchema = z.object({
  created: z.number(),
  done: z.number(),
  completion_rate: z.number(),
  median_hours_to_done: z.number().nullable(),
});

/** `GET /tasks/report`: tasks created in the period, per kind and per assignee, and the calls' lift. */
export const TaskReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  by_kind: z.array(TaskFiguresSchema.extend({ kind: z.string() })),
  by_assignee: z.array(
    TaskFiguresSchema.extend({
      assignee_id: z.number().nullable().describe('null: the queue'),
      assignee_email: z.string().nullable().describe('null: the queue, or a member since removed'),
    }),
  ),
  call_lift: z
    .object({
      days: z.number(),
      reached: z.object({ calls: z.number(), ordered: z.number() }),
      not_reached: z.object({ calls: z.number(), ordered: z.number() }),
      difference: z.number().nullable().describe('order rate after reached calls minus after not reached'),
      ci95: z.tuple([z.number(), z.number()]).nullable(),
      p_value: z.number().nullable(),
      significant: z.boolean(),
    })
    .describe('calls done in the period: orders within 7 days after a reached call against not reached'),
});

/** `GET /tasks/team`: each assignee's open and overdue tasks (the queue as a null assignee). */
export const TaskTeamSchema = z.object({
  items: z.array(
    z.object({
      assignee_id: z.number().nullable().describe('null: the queue'),
      assignee_email: z.string().nullable(),
      open: z.number().describe('open or in progress'),
      overdue: z.number().describe('open or in progress and past due'),
    }),
  ),
});

/** `POST /tasks/reassign`: tasks to give to one member, or (null) back to the queue. */
export const ReassignBody = z
  .object({
    task_ids: z
      .array(
        z
          .number()
          .int()
          .positive()
          .max(2 ** 53 - 1),
      )
      .min(1)
      .max(500)
      .describe('at most 500 tasks'),
    assignee_id: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .nullable()
      .describe('a member’s user id; null: the queue'),
  })
  .strict();
export type ReassignBody = z.infer<typeof ReassignBody>;

/** What a bulk reassignment did: tasks moved, and those left (closed, or not the workspace's). */
export const ReassignResult = z.object({
  reassigned: z.array(z.number()),
  skipped: z.array(z.object({ id: z.number(), reason: z.enum(['closed', 'not_found']) })),
});
export type ReassignResult = z.infer<typeof ReassignResult>;
