// The built-in codes of tasks, free of other imports so the dashboard shares them with the server.

/** Built-in task kinds: 回访, 专属关怀, 挽回, 投诉处理, 到店邀约. */
export const TASK_KINDS = ['callback', 'vip_care', 'winback_call', 'complaint', 'store_invite'] as const;
export const TASK_STATUSES = ['open', 'in_progress', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
/** Built-in outcome codes of a done task. */
export const TASK_OUTCOMES = [
  'reached',
  'not_reached',
  'wrong_number',
  'will_buy',
  'not_interested',
  'complaint_resolved',
] as const;
export const TASK_SOURCES = ['manual', 'journey', 'bulk', 'survey'] as const;
export type TaskSource = (typeof TASK_SOURCES)[number];

/** Kinds of service record on a customer's timeline. */
export const NOTE_TYPES = ['note', 'call', 'visit', 'complaint', 'ticket'] as const;
/** States of a service record: a ticket is open, resolved or closed; other records are done or have none. */
export const RECORD_STATUSES = ['open', 'resolved', 'closed', 'done'] as const;
export const TICKET_STATUSES = ['open', 'resolved', 'closed'] as const;
/** Where a service record came from. */
export const RECORD_SOURCES = ['manual', 'import'] as const;
