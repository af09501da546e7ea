// What other folders use from src/tasks: import it from here, not from the files inside (issue 20).

export { createBulkTasks } from './task-bulk.ts';
export type { NOTE_TYPES, RECORD_STATUSES } from './task-codes.ts';
export { createTasks, createTasksIn, type NewTask } from './task-create.ts';
export {
  type AssignRule,
  AssignSchema,
  requireKind,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TaskCode,
  type TaskPriority,
  type TaskStatus,
} from './task-model.ts';
export { getTask, listTasks, type TaskChange, type TaskView, teamLoad } from './task-read.ts';
export { updateTask } from './task-update.ts';
