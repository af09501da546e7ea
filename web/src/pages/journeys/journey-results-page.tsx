import { Button, Card, Col, Row, Space, Statistic, Table, Tag } from 'antd';
import { type HTMLAttributes, useMemo } from 'react';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { messageReason } from '../../lib/display.ts';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';
import { JourneyFunnel } from './journey-funnel.tsx';
import { HoldoutLift, SplitArms } from './journey-lift.tsx';
import { type JourneyDetail, type StepCount, stepsInOrder } from './journey-report-types.ts';
import { useStepNames } from './journey-step-names.ts';
import { triggerSummary } from './journey-trigger-summary.ts';
import { JourneyVersions } from './journey-versions-card.tsx';
import { journeyPath, StatusTag, usePauseResume } from './journeys-page.tsx';

const ENTRY_STATES = ['total', 'active', 'waiting', 'completed', 'exited', 'capped'] as const;

/** How many reached each step (by outcome) and are there now, as a chart and a table. */
function StepCounts({ steps, nameOf }: { steps: StepCount[]; nameOf: (step: string) => string }) {
  const i18n = useI18n();
  const { t, value } = i18n;
  // `failed: <why>` of a coupon step: the outcome in words, its text kept for a hover.
  const outcomeLabel = (k: string) =>
    k.startsWith('failed:') ? value('outcome', 'failed') : value('outcome', k);
  const { fmt } = useSession();
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 64 },
      xAxis: { type: 'category', data: steps.map((s) => nameOf(s.step)), axisLabel: { rotate: 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: t('journeys.reached'), type: 'bar', data: steps.map((s) => s.reached) },
        { name: t('journeys.now_at'), type: 'bar', data: steps.map((s) => s.now_at) },
      ],
    }),
    [steps, t, nameOf],
  );
  return (
    <Card title={t('journeys.step_counts')} size="small">
      <EChart option={option} height={300} label={t('journeys.step_counts_chart')} />
      <Table<StepCount>
        rowKey="step"
        size="small"
        pagination={false}
        scroll={{ x: 560 }}
        dataSource={steps}
        onRow={(s) => ({ 'data-step': s.step }) as HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('journeys.step'), dataIndex: 'step', render: (s: string) => nameOf(s) },
          {
            title: t('jstep.kind'),
            dataIndex: 'type',
            render: (k: string) => t(`jstep.kind.${k}` as MessageKey),
          },
          {
            title: t('journeys.reached'),
            dataIndex: 'reached',
            align: 'right',
            render: (n: number) => <span data-count="reached">{fmt.number(n)}</span>,
          },
          {
            title: t('journeys.outcomes'),
            dataIndex: 'outcomes',
            render: (o: Record<string, number>) => (
              <Space wrap size={4}>
                {Object.entries(o).map(([k, n]) => (
                  <Tag key={k} data-outcome={k}>
                    {outcomeLabel(k)} {fmt.number(n)}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('journeys.not_sent'),
            dataIndex: 'not_sent',
            render: (o: Record<string, number> | undefined) => (
              <Space wrap size={4}>
                {Object.entries(o ?? {}).map(([reason, n]) => (
                  <Tag key={reason} data-not-sent={reason}>
                    {messageReason(i18n, 'skipped', reason)?.text} {fmt.number(n)}
                  </Tag>
                ))}
              </Space>
            ),
          },
          {
            title: t('journeys.now_at'),
            dataIndex: 'now_at',
            align: 'right',
            render: (n: number) => <span data-count="now_at">{fmt.number(n)}</span>,
          },
        ]}
      />
    </Card>
  );
}

/** A journey's results: entries, per-step counts, funnel, holdout lift and A/B arms. */
export function JourneyResultsPage({ name }: { name: string }) {
  const { t, value } = useI18n();
  const { me, fmt } = useSession();
  const detail = useApi<JourneyDetail>(`/journeys/${encodeURIComponent(name)}`, {}, { staleTime: 0 });
  const pauseResume = usePauseResume();
  const namesOf = useStepNames();
  const writer = may(me.role, 'messaging.write');
  return (
    <Loaded query={detail}>
      {(detail) => {
        const { definition, report } = detail;
        const nameOf = namesOf(definition);
        return (
          <>
            <PageTitle
              title={name}
              extra={
                <Space wrap>
                  <StatusTag status={report.status} />
                  <Link to="/journeys">{t('journeys.back')}</Link>
                  {writer && (
                    <>
                      <Button onClick={() => navigate(journeyPath(name, true))}>{t('journeys.edit')}</Button>
                      <Button
                        onClick={() =>
                          void pauseResume(name, report.status === 'active' ? 'pause' : 'resume')
                        }
                      >
                        {t(report.status === 'active' ? 'journeys.pause' : 'journeys.resume')}
                      </Button>
                    </>
                  )}
                </Space>
              }
            />
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card size="small">
                <div style={{ marginBottom: 12 }}>
                  {t('journeys.trigger')}:{' '}
                  {triggerSummary(definition.trigger as Record<string, unknown>, t, value)}
                </div>
                <Row gutter={[16, 16]}>
                  {ENTRY_STATES.map((s) => (
                    <Col xs={12} sm={8} lg={4} key={s}>
                      <div data-entries={s}>
                        <Statistic title={t(`entries.${s}`)} value={fmt.number(report.entries[s])} />
                      </div>
                    </Col>
                  ))}
                </Row>
              </Card>
              <StepCounts steps={stepsInOrder(detail)} nameOf={nameOf} />
              <JourneyVersions name={name} />
              <JourneyFunnel report={report} nameOf={nameOf} />
              {report.holdout && (
                <HoldoutLift holdout={{ ...report.holdout, step: nameOf(report.holdout.step) }} />
              )}
              {report.splits.map((s) => (
                <SplitArms key={s.step} split={{ ...s, step: nameOf(s.step) }} />
              ))}
            </Space>
          </>
        );
      }}
    </Loaded>
  );
}
