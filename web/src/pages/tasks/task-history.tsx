import { Timeline, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { type I18n, useI18n } from '../../i18n/i18n.tsx';
import type { TaskChange, TaskWithHistory } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { useTaskCodes } from './use-task-codes.ts';

/** Who made a change, in words: the worker, a journey and a survey rule by name; members as recorded. */
function who(actor: string, t: I18n['t']): string {
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
  i18n: Pick<I18n, 't' | 'value'>,
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

/** A task's history (from `GET /tasks/{id}`), oldest first, each change a dated sentence; and its notes. */
export function TaskHistory({ id }: { id: number }) {
  const i18n = useI18n();
  const { fmt } = useSession();
  const { outcomeLabel } = useTaskCodes();
  const task = useApi<TaskWithHistory>(`/tasks/${id}`);
  return (
    <Loaded query={task}>
      {(data) => (
        <div data-task-history={id}>
          <Typography.Text strong>{i18n.t('task_history.title')}</Typography.Text>
          <Timeline
            style={{ marginTop: 12, marginBottom: 0 }}
            items={data.history.map((change, i) => ({
              key: i,
              content: (
                <span data-history-line>
                  <Typography.Text type="secondary">{fmt.dateTime(change.at)}</Typography.Text>{' '}
                  {historySentence(change, i18n, outcomeLabel)}
                </span>
              ),
            }))}
          />
          {data.notes && (
            <Typography.Paragraph style={{ margin: 0 }}>
              {i18n.t('task_history.notes', { notes: data.notes })}
            </Typography.Paragraph>
          )}
        </div>
      )}
    </Loaded>
  );
}
