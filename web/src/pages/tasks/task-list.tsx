import { Button, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Task, TaskPage } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { useTaskColumns } from './task-columns.tsx';
import { queryOf, type TaskFilters } from './task-filters.tsx';
import { TaskHistory } from './task-history.tsx';

const PAGE_SIZE = 50;
export const isOpen = (task: Task) => task.status === 'open' || task.status === 'in_progress';

/**
 * The filtered tasks, sorted by due time (overdue first), a page at a time through the API's
 * cursor; a row opens onto its history. `onComplete`/`onReassign` are absent for read-only roles.
 */
export function TaskList(props: {
  filters: TaskFilters;
  selected: number[];
  onSelect?: (ids: number[]) => void;
  onComplete?: (task: Task) => void;
  onReassign?: (ids: number[]) => void;
}) {
  const { t } = useI18n();
  const col = useTaskColumns();
  const query = queryOf(props.filters);
  const key = JSON.stringify(query);
  // The cursors of the pages seen so far under these filters (the first page has none; going back
  // pops one); other filters start again at the first page.
  const [paging, setPaging] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = paging.key === key ? paging.cursors : [];
  const cursor = cursors.at(-1);
  const tasks = useApi<TaskPage>('/tasks', { ...query, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
  const { onSelect, onComplete, onReassign } = props;
  const turn = (next: string[]) => {
    setPaging({ key, cursors: next });
    onSelect?.([]);
  };

  return (
    <Loaded query={tasks}>
      {(page) => (
        <>
          <Table<Task>
            rowKey="id"
            size="small"
            dataSource={page.items}
            pagination={false}
            scroll={{ x: 900 }}
            expandable={{ expandedRowRender: (task) => <TaskHistory id={task.id} /> }}
            rowSelection={
              onSelect
                ? {
                    selectedRowKeys: props.selected,
                    onChange: (keys) => onSelect(keys as number[]),
                    getCheckboxProps: (task) => ({ disabled: !isOpen(task) }),
                  }
                : undefined
            }
            locale={{ emptyText: t('tasks.none') }}
            columns={[
              col.due,
              {
                title: t('tasks.customer'),
                dataIndex: 'customer_name',
                render: (v: string | null, task) => (
                  <Link to={`/customers/${task.customer_id}`}>{v ?? `#${task.customer_id}`}</Link>
                ),
              },
              col.kind,
              col.title,
              col.priority,
              col.status,
              col.assignee,
              {
                title: '',
                key: 'work',
                render: (_: unknown, task) =>
                  onComplete && onReassign && isOpen(task) ? (
                    <Space size="small">
                      <Button size="small" onClick={() => onComplete(task)}>
                        {t('tasks.complete')}
                      </Button>
                      <Button size="small" onClick={() => onReassign([task.id])}>
                        {t('tasks.reassign')}
                      </Button>
                    </Space>
                  ) : null,
              },
            ]}
          />
          {(cursors.length > 0 || page.next_cursor) && (
            <Space style={{ marginTop: 12 }}>
              <Button disabled={cursors.length === 0} onClick={() => turn(cursors.slice(0, -1))}>
                {t('tasks.page.previous')}
              </Button>
              <Typography.Text>{t('tasks.page.number', { n: cursors.length + 1 })}</Typography.Text>
              <Button
                disabled={!page.next_cursor}
                onClick={() => page.next_cursor && turn([...cursors, page.next_cursor])}
              >
                {t('tasks.page.next')}
              </Button>
            </Space>
          )}
        </>
      )}
    </Loaded>
  );
}
