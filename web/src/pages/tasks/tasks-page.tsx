import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Modal, Segmented, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { TASK_OUTCOMES } from '../../../../src/tasks/task-codes.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import type { Task } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { TaskCreateModal } from './task-create-modal.tsx';
import { TaskReassignModal } from './task-reassign-modal.tsx';

type View = 'mine' | 'queue' | 'overdue' | 'all';
const OUTCOMES = TASK_OUTCOMES;
const OPEN = 'open,in_progress';

/** The query of each view: open work, sorted by due time, so overdue tasks come first. */
const QUERIES: Record<View, Record<string, string>> = {
  mine: { assignee: 'me', status: OPEN },
  queue: { assignee: 'queue', status: OPEN },
  overdue: { overdue: 'true' },
  all: { status: OPEN },
};

/** Tasks (任务): my tasks, the queue, overdue ones; done with an outcome. */
export function TasksPage() {
  const { t, value } = useI18n();
  const { me, fmt } = useSession();
  const [view, setView] = useState<View>('mine');
  const tasks = useApi<{ items: Task[] }>('/tasks', { ...QUERIES[view], limit: 200 });
  const [closing, setClosing] = useState<Task | null>(null);
  const [outcome, setOutcome] = useState<string>('reached');
  const [notes, setNotes] = useState('');
  const client = useQueryClient();
  const { message } = App.useApp();
  const canWork = may(me.role, 'tasks.write');
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  const [moving, setMoving] = useState<number[]>([]);
  const isOpen = (task: Task) => task.status === 'open' || task.status === 'in_progress';

  const complete = async () => {
    if (!closing) return;
    try {
      await api('PATCH', `/tasks/${closing.id}`, { status: 'done', outcome, ...(notes ? { notes } : {}) });
      message.success(t('tasks.completed'));
      setClosing(null);
      setNotes('');
      await client.invalidateQueries({ queryKey: ['/tasks'] });
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <>
      <PageTitle
        title={t('tasks.title')}
        extra={
          <Space wrap>
            <Segmented
              aria-label={t('tasks.title')}
              value={view}
              onChange={(v) => {
                setView(v as View);
                setSelected([]);
              }}
              options={(['mine', 'queue', 'overdue', 'all'] as const).map((v) => ({
                value: v,
                label: t(`tasks.view.${v}`),
              }))}
            />
            {canWork && (
              <Button disabled={selected.length === 0} onClick={() => setMoving(selected)}>
                {t('tasks.reassign_selected', { count: selected.length })}
              </Button>
            )}
            {canWork && (
              <Button type="primary" onClick={() => setCreating(true)}>
                {t('tasks.new')}
              </Button>
            )}
          </Space>
        }
      />
      <Loaded query={tasks}>
        {(page) => (
          <Table<Task>
            rowKey="id"
            size="small"
            dataSource={page.items}
            pagination={false}
            scroll={{ x: 900 }}
            rowSelection={
              canWork
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys as number[]),
                    getCheckboxProps: (task) => ({ disabled: !isOpen(task) }),
                  }
                : undefined
            }
            locale={{ emptyText: t('tasks.none') }}
            columns={[
              {
                title: t('tasks.due'),
                dataIndex: 'due_at',
                render: (v: string, task) => (
                  <>
                    {fmt.dateTime(v)} {task.overdue && <Tag color="red">{t('tasks.overdue')}</Tag>}
                  </>
                ),
              },
              {
                title: t('tasks.customer'),
                dataIndex: 'customer_name',
                render: (v: string | null, task) => (
                  <Link to={`/customers/${task.customer_id}`}>{v ?? `#${task.customer_id}`}</Link>
                ),
              },
              { title: t('tasks.kind'), dataIndex: 'kind', render: (v: string) => value('task_kind', v) },
              { title: t('tasks.task'), dataIndex: 'title' },
              {
                title: t('tasks.priority'),
                dataIndex: 'priority',
                render: (v: string) => value('task_priority', v),
              },
              {
                title: t('tasks.status'),
                dataIndex: 'status',
                render: (v: string) => value('task_status', v),
              },
              {
                title: t('tasks.assignee'),
                dataIndex: 'assignee_email',
                render: (v: string | null) => v ?? t('tasks.queue'),
              },
              {
                title: '',
                key: 'work',
                render: (_: unknown, task) =>
                  canWork && isOpen(task) ? (
                    <Space size="small">
                      <Button size="small" onClick={() => setClosing(task)}>
                        {t('tasks.complete')}
                      </Button>
                      <Button size="small" onClick={() => setMoving([task.id])}>
                        {t('tasks.reassign')}
                      </Button>
                    </Space>
                  ) : null,
              },
            ]}
          />
        )}
      </Loaded>
      <TaskCreateModal open={creating} onClose={() => setCreating(false)} />
      <TaskReassignModal
        taskIds={moving}
        onClose={(done) => {
          setMoving([]);
          if (done) setSelected([]);
        }}
      />
      <Modal
        open={closing !== null}
        title={closing ? t('tasks.complete_title', { title: closing.title }) : ''}
        okText={t('tasks.ok')}
        cancelText={t('tasks.cancel')}
        onOk={() => void complete()}
        onCancel={() => setClosing(null)}
      >
        <Select
          aria-label={t('tasks.outcome')}
          value={outcome}
          onChange={setOutcome}
          style={{ width: '100%', marginBottom: 12 }}
          options={OUTCOMES.map((o) => ({ value: o, label: value('task_outcome', o) }))}
        />
        <Input.TextArea
          aria-label={t('tasks.notes')}
          placeholder={t('tasks.notes')}
          value={notes}
          maxLength={2000}
          onChange={(e) => setNotes(e.target.value)}
        />
      </Modal>
    </>
  );
}
