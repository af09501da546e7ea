import { Segmented, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { LiftCard } from '../../components/lift-card.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { addDays, todayIn } from '../../lib/dates.ts';
import type { TaskReport } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { useTaskCodes } from './use-task-codes.ts';

const PERIODS = [7, 30, 90] as const;
type Figures = Omit<TaskReport['by_kind'][number], 'kind'>;

/**
 * The task report (完成情况): tasks created in the last 7, 30 or 90 days, per kind and per assignee —
 * created, done, completion rate and the median hours from creation to done.
 */
export function TaskReportView() {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const { kindLabel } = useTaskCodes();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const to = todayIn(me.workspace.timezone);
  const report = useApi<TaskReport>('/tasks/report', { from: addDays(to, 1 - days), to });
  const figures = <T extends Figures>(): TableColumnsType<T> => [
    { title: t('tasks.report.created'), dataIndex: 'created', align: 'right' },
    { title: t('tasks.report.done'), dataIndex: 'done', align: 'right' },
    {
      title: t('tasks.report.rate'),
      dataIndex: 'completion_rate',
      align: 'right',
      render: (v: number) => fmt.percent(v),
    },
    {
      title: t('tasks.report.median_hours'),
      dataIndex: 'median_hours_to_done',
      align: 'right',
      render: (v: number | null) => (v === null ? '—' : fmt.number(v, 1)),
    },
  ];
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        <Segmented
          aria-label={t('tasks.report.period')}
          value={days}
          onChange={(v) => setDays(v as (typeof PERIODS)[number])}
          options={PERIODS.map((d) => ({ value: d, label: t('tasks.report.last_days', { n: d }) }))}
        />
      </Space>
      <Loaded query={report}>
        {(data) => (
          <>
            <Typography.Title level={5}>{t('tasks.report.by_kind')}</Typography.Title>
            <Table<TaskReport['by_kind'][number]>
              aria-label={t('tasks.report.by_kind')}
              rowKey="kind"
              size="small"
              pagination={false}
              dataSource={data.by_kind}
              locale={{ emptyText: t('tasks.none') }}
              columns={[
                { title: t('tasks.kind'), dataIndex: 'kind', render: (v: string) => kindLabel(v) },
                ...figures<TaskReport['by_kind'][number]>(),
              ]}
            />
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('tasks.report.by_assignee')}
            </Typography.Title>
            <Table<TaskReport['by_assignee'][number]>
              aria-label={t('tasks.report.by_assignee')}
              rowKey={(r) => r.assignee_id ?? 'queue'}
              size="small"
              pagination={false}
              dataSource={data.by_assignee}
              locale={{ emptyText: t('tasks.none') }}
              columns={[
                {
                  title: t('tasks.assignee'),
                  dataIndex: 'assignee_email',
                  render: (v: string | null, r) =>
                    v ?? (r.assignee_id === null ? t('tasks.queue') : `#${r.assignee_id}`),
                },
                ...figures<TaskReport['by_assignee'][number]>(),
              ]}
            />
            <div style={{ marginTop: 16 }} data-call-lift>
              <CallLift lift={data.call_lift} />
            </div>
          </>
        )}
      </Loaded>
    </>
  );
}

/** Orders within N days after a reached call against after a call that did not reach the customer. */
function CallLift({ lift }: { lift: TaskReport['call_lift'] }) {
  const { t } = useI18n();
  const group = (name: string, g: { calls: number; ordered: number }) => ({
    group: name,
    customers: g.calls,
    converted: g.ordered,
    conversion_rate: g.calls === 0 ? null : g.ordered / g.calls,
  });
  return (
    <LiftCard
      title={t('tasks.report.call_lift', { days: lift.days })}
      labels={{
        treated: t('tasks.report.reached'),
        control: t('tasks.report.not_reached'),
        figures: 'lift.call_figures',
      }}
      treated={group('reached', lift.reached)}
      control={group('not_reached', lift.not_reached)}
      comparison={lift}
    />
  );
}
