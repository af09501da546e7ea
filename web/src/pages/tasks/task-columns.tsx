import type { TableColumnType } from 'antd';
import { Tag } from 'antd';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Task } from '../../lib/types.ts';
import { useTaskCodes } from './use-task-codes.ts';

/**
 * The columns a table of tasks shows, by name, in the page's language (the tasks page and the
 * profile's service tab pick theirs from the same ones).
 */
export function useTaskColumns(): Record<
  'due' | 'kind' | 'title' | 'priority' | 'status' | 'outcome' | 'assignee',
  TableColumnType<Task>
> {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  const { kindLabel, outcomeLabel } = useTaskCodes();
  return {
    due: {
      title: t('tasks.due'),
      dataIndex: 'due_at',
      render: (v: string, task) => (
        <>
          {fmt.dateTime(v)} {task.overdue && <Tag color="red">{t('tasks.overdue')}</Tag>}
        </>
      ),
    },
    kind: { title: t('tasks.kind'), dataIndex: 'kind', render: (v: string) => kindLabel(v) },
    title: { title: t('tasks.task'), dataIndex: 'title' },
    priority: {
      title: t('tasks.priority'),
      dataIndex: 'priority',
      render: (v: string) => value('task_priority', v),
    },
    status: { title: t('tasks.status'), dataIndex: 'status', render: (v: string) => value('task_status', v) },
    outcome: {
      title: t('tasks.outcome'),
      dataIndex: 'outcome',
      render: (v: string | null) => outcomeLabel(v),
    },
    assignee: {
      title: t('tasks.assignee'),
      dataIndex: 'assignee_email',
      render: (v: string | null) => v ?? t('tasks.queue'),
    },
  };
}
