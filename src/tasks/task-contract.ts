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
