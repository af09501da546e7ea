import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { TaskChange } from '../../lib/types.ts';

// A task's history in words, apart from the component so the sentences are checked without a browser.

/** The parts of the dashboard's i18n the sentences need (its `t` and `value`). */
export interface Words {
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  value: (kind: string, code: string | null | undefined) => string;
}

/** Who made a change, in words: the worker, a journey and a survey rule by name; members as recorded. */
function who(actor: string, t: Words['t']): string {
  if (actor === 'worker') return t('task_history.system');
  if (actor === 'journey') return t('task_history.journey');
  if (actor === 'survey') return t('task_history.survey');
  if (actor.startsWith('cli:')) return t('task_history.cli', { user: actor.slice(4) });
  return actor;
}

/**
 * One change of a task as a sentence (「admin@shop.test 完成了任务，结果：已联系上」): created, done,
 * cancelled, a status change, a reassignment, an escalation, a return to the queue — no raw codes.
 */
export function historySentence(
  change: TaskChange,
  i18n: Words,
  outcomeLabel: (code: string) => string,
): string {
  const { t, value } = i18n;
  const actor = who(change.actor, t);
  const assignee = change.assignee_email ?? (change.assignee_id === null ? null : `#${change.assignee_id}`);
  if (change.event === 'escalated_assignee') return t('task_history.escalated_assignee');
  if (change.event === 'escalated_admins') return t('task_history.escalated_admins');
  if (change.event === 'requeued') return t('task_history.requeued');
  if (change.from_status === null)
    return assignee
      ? t('task_history.created', { who: actor, assignee })
      : t('task_history.created_queue', { who: actor });
  if (change.from_status === change.to_status)
    return assignee
      ? t('task_history.reassigned', { who: actor, assignee })
      : t('task_history.to_queue', { who: actor });
  if (change.to_status === 'done')
    return change.outcome
      ? t('task_history.done', { who: actor, outcome: outcomeLabel(change.outcome) })
      : t('task_history.done_plain', { who: actor });
  if (change.to_status === 'cancelled') return t('task_history.cancelled', { who: actor });
  return t('task_history.moved', {
    who: actor,
    from: value('task_status', change.from_status),
    to: value('task_status', change.to_status),
  });
}
