import { Timeline, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { TaskWithHistory } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { historySentence } from './task-history-text.ts';
import { useTaskCodes } from './use-task-codes.ts';

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
