import { z } from 'zod';
import { ROLES } from '../access/roles.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { MAX_INT4 } from '../shared/safe-input.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { TASK_KINDS, TASK_OUTCOMES, type TaskStatus } from './task-codes.ts';

export {
  TASK_KINDS,
  TASK_OUTCOMES,
  TASK_PRIORITIES,
  TASK_SOURCES,
  TASK_STATUSES,
  type TaskPriority,
  type TaskSource,
  type TaskStatus,
} from './task-codes.ts';

/** Statuses a task still needs work in (and can be overdue in). */
export const OPEN_STATUSES: readonly TaskStatus[] = ['open', 'in_progress'];

/**
 * Where a task goes: the customer's owner, the least-loaded staff member of the customer's store,
 * the least-loaded member of a role, one user, or the queue.
 */
export const AssignSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('owner') }).strict(),
  z.object({ rule: z.literal('store') }).strict(),
  z.object({ rule: z.literal('round_robin'), role: z.enum(ROLES) }).strict(),
  z
    .object({
      rule: z.literal('user'),
      user_id: z.number().int().positive().max(MAX_INT4),
    })
    .strict(),
  z.object({ rule: z.literal('queue') }).strict(),
]);
export type AssignRule = z.output<typeof AssignSchema>;

/** A kind or outcome code: lower case, digits and underscores. */
export const TaskCode = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9_]*$/, 'a code such as callback');

/** The kinds a workspace accepts: the built-in ones and its own (settings `tasks.kinds`). */
export function taskKinds(workspace: Workspace): string[] {
  return [...TASK_KINDS, ...readSettings(workspace.settings).tasks.kinds];
}

/** The outcome codes a workspace accepts (settings `tasks.outcomes` adds its own). */
export function taskOutcomes(workspace: Workspace): string[] {
  return [...TASK_OUTCOMES, ...readSettings(workspace.settings).tasks.outcomes];
}

/** Checks a kind against the workspace's list; the error names the field and the choices. */
export function requireKind(workspace: Workspace, kind: string, field = 'kind'): string {
  const kinds = taskKinds(workspace);
  if (!kinds.includes(kind))
    throw new InvalidInputError(`${field}: unknown task kind "${kind}" (use ${kinds.join(', ')})`, [
      { field, message: `unknown task kind (use ${kinds.join(', ')})` },
    ]);
  return kind;
}

/** Checks an outcome code against the workspace's list. */
export function requireOutcome(workspace: Workspace, outcome: string, field = 'outcome'): string {
  const outcomes = taskOutcomes(workspace);
  if (!outcomes.includes(outcome))
    throw new InvalidInputError(`${field}: unknown outcome "${outcome}" (use ${outcomes.join(', ')})`, [
      { field, message: `unknown outcome (use ${outcomes.join(', ')})` },
    ]);
  return outcome;
}

/** Status changes a task may make; done and cancelled are final. */
const MOVES: Record<TaskStatus, readonly TaskStatus[]> = {
  open: ['in_progress', 'done', 'cancelled'],
  in_progress: ['open', 'done', 'cancelled'],
  done: [],
  cancelled: [],
};

/** Whether a task may go from one status to another. */
export function canMove(from: TaskStatus, to: TaskStatus): boolean {
  return MOVES[from].includes(to);
}
