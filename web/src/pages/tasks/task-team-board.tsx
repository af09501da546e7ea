import { Button, Table, Tag } from 'antd';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { TaskTeam } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

type Row = TaskTeam['items'][number];

/**
 * The team board (团队看板): each member with open work and the queue, with open and overdue
 * counts, most overdue first; a row opens that member's (or the queue's) tasks in the list.
 */
export function TaskTeamBoard({ onOpen }: { onOpen: (assignee: number | null) => void }) {
  const { t } = useI18n();
  const team = useApi<TaskTeam>('/tasks/team');
  return (
    <Loaded query={team}>
      {(data) => (
        <Table<Row>
          aria-label={t('tasks.tab.team')}
          rowKey={(r) => r.assignee_id ?? 'queue'}
          size="small"
          pagination={false}
          dataSource={data.items}
          locale={{ emptyText: t('tasks.none') }}
          columns={[
            {
              title: t('tasks.member'),
              dataIndex: 'assignee_email',
              render: (v: string | null, r) =>
                v ?? (r.assignee_id === null ? t('tasks.queue') : `#${r.assignee_id}`),
            },
            { title: t('tasks.team.open'), dataIndex: 'open', align: 'right' },
            {
              title: t('tasks.team.overdue'),
              dataIndex: 'overdue',
              align: 'right',
              render: (v: number) => (v > 0 ? <Tag color="red">{v}</Tag> : v),
            },
            {
              title: '',
              key: 'open_list',
              render: (_: unknown, r) => (
                <Button size="small" onClick={() => onOpen(r.assignee_id)}>
                  {t('tasks.team.show')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Loaded>
  );
}
