import { Button, Space, Tabs } from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import type { Task } from '../../lib/types.ts';
import { TaskCompleteModal } from './task-complete-modal.tsx';
import { TaskCreateModal } from './task-create-modal.tsx';
import { DEFAULT_FILTERS, TaskFilterBar, type TaskFilters } from './task-filters.tsx';
import { TaskList } from './task-list.tsx';
import { TaskReassignModal } from './task-reassign-modal.tsx';
import { TaskReportView } from './task-report-view.tsx';
import { TaskTeamBoard } from './task-team-board.tsx';

type Tab = 'list' | 'team' | 'report';

/**
 * Tasks (任务): the list (mine, the team's, the queue; by member, kind, status, overdue; overdue
 * first, paged), the team board with each member's open and overdue counts, and the report.
 */
export function TasksPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [tab, setTab] = useState<Tab>('list');
  const [filters, setFilters] = useState<TaskFilters>(DEFAULT_FILTERS);
  const [closing, setClosing] = useState<Task | null>(null);
  const canWork = may(me.role, 'tasks.write');
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<number[]>([]);
  const [moving, setMoving] = useState<number[]>([]);
  const filter = (next: TaskFilters) => {
    setFilters(next);
    setSelected([]);
  };

  return (
    <>
      <PageTitle
        title={t('tasks.title')}
        extra={
          <Space wrap>
            {canWork && tab === 'list' && (
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
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as Tab)}
        items={[
          {
            key: 'list',
            label: t('tasks.tab.list'),
            children: (
              <>
                <TaskFilterBar filters={filters} onChange={filter} />
                <TaskList
                  filters={filters}
                  selected={selected}
                  {...(canWork
                    ? { onSelect: setSelected, onComplete: setClosing, onReassign: setMoving }
                    : {})}
                />
              </>
            ),
          },
          {
            key: 'team',
            label: t('tasks.tab.team'),
            children: (
              <TaskTeamBoard
                onOpen={(assignee) => {
                  filter({
                    ...DEFAULT_FILTERS,
                    ...(assignee === null ? { scope: 'queue' } : { scope: 'team', member: assignee }),
                  });
                  setTab('list');
                }}
              />
            ),
          },
          { key: 'report', label: t('tasks.tab.report'), children: <TaskReportView /> },
        ]}
      />
      <TaskCreateModal open={creating} onClose={() => setCreating(false)} />
      <TaskCompleteModal task={closing} onClose={() => setClosing(null)} />
      <TaskReassignModal
        taskIds={moving}
        onClose={(done) => {
          setMoving([]);
          if (done) setSelected([]);
        }}
      />
    </>
  );
}
