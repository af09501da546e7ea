import { z } from 'zod';
import { textProblem } from '../../importing/index.ts';
import { isCalendarDate } from '../../shared/calendar-date.ts';
import type { TaskChange, TaskView } from '../../tasks/index.ts';
import type { TaskSchema } from '../../tasks/task-contract.ts';
import type { Masker } from '../present.ts';
import { IdNumber, iso } from '../schemas.ts';

export { NoteSchema, TaskSchema } from '../../tasks/task-contract.ts';

/** Text a person typed: no NUL, no half surrogate pair, at most `max` characters. */
export const SafeText = (max: number, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether text is an ISO 8601 instant with an offset that names a real day (no 30 February). */
function realInstant(text: string): boolean {
  return ISO_INSTANT.test(text) && isCalendarDate(text.slice(0, 10)) && !Number.isNaN(Date.parse(text));
}

/** An instant in a body: `2026-03-01T10:00:00+08:00`. */
export const InstantText = z
  .string()
  .max(40)
  .refine(realInstant, 'must be a time such as 2026-03-01T10:00:00+08:00');

/** How a new task finds its assignee. */
export { AssignSchema } from '../../tasks/index.ts';

export const TaskParams = z.object({ taskId: IdNumber() });

export { TaskWithHistorySchema as TaskWithHistory } from '../../tasks/task-contract.ts';

/** A task as JSON, masked by the caller's masker. */
export function presentTask(task: TaskView, mask: Masker): z.infer<typeof TaskSchema> {
  return {
    ...task,
    priority: task.priority as z.infer<typeof TaskSchema>['priority'],
    customer_name: mask.name(task.customer_name),
    customer_phone: mask.phone(task.customer_phone),
    due_at: iso(task.due_at),
    created_at: iso(task.created_at),
    updated_at: iso(task.updated_at),
    closed_at: iso(task.closed_at),
  };
}

/** A history row as JSON. */
export const presentChange = (c: TaskChange) => ({ ...c, at: iso(c.at) });
