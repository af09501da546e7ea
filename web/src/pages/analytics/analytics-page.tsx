import { Card, Input, Select, Space, Table, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Change } from '../../components/change.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { addMonths, type PeriodUnit, periodStart, todayIn } from '../../lib/dates.ts';
import type { CohortRow, Funnel, MetricsRow, Segment } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { setQuery, useLocation } from '../../router.tsx';
import { FunnelFigures } from '../journeys/journey-funnel.tsx';
import { AcquisitionSection } from './acquisition-section.tsx';

const RATE_COLORS = ['#0b57d0', '#b75b00', '#1b7f3b'];

/** Periods in a year, for 同比 (the row as many periods back). */
const PER_YEAR: Record<PeriodUnit, number> = { day: 365, week: 52, month: 12, quarter: 4, year: 1 };
const UNITS: PeriodUnit[] = ['day', 'week', 'month', 'quarter', 'year'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Metrics for any range, unit and segment, the message funnel of the range, and the monthly cohort retention heat map. */
export function AnalyticsPage() {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const { query } = useLocation();
  const today = todayIn(me.workspace.timezone);
  const thisMonth = periodStart(today, 'month');
  const from = query.get('from') ?? addMonths(thisMonth, -12);
  const to = query.get('to') ?? addMonths(thisMonth, 1);
  const unit = (query.get('period') as PeriodUnit | null) ?? 'month';
  const segment = query.get('segment') ?? undefined;
  const valid = DATE.test(from) && DATE.test(to) && from < to;
  const metrics = useApi<MetricsRow[]>('/metrics', { from, to, period: unit, segment }, { enabled: valid });
  const cohorts = useApi<CohortRow[]>('/cohorts', { from, to }, { enabled: valid });
  const segments = useApi<Segment[]>('/segments');
  const funnel = useApi<Funnel>('/funnel', { from, to }, { enabled: valid });
  return (
    <>
      <PageTitle
        title={t('nav.analytics')}
        extra={
          <Space wrap>
            <Input
              type="date"
              aria-label={t('common.from')}
              value={from}
              onChange={(e) => setQuery({ from: e.target.value })}
            />
            <Input
              type="date"
              aria-label={t('common.to')}
              value={to}
              onChange={(e) => setQuery({ to: e.target.value })}
            />
            <Select<PeriodUnit>
              aria-label={t('overview.granularity')}
              value={unit}
              onChange={(v) => setQuery({ period: v })}
              options={UNITS.map((u) => ({ value: u, label: t(`unit.${u}`) }))}
              style={{ width: 100 }}
            />
            <Select
              aria-label={t('customers.segment')}
              placeholder={t('analytics.all_customers')}
              allowClear
              value={segment}
              onChange={(v) => setQuery({ segment: v })}
              options={(segments.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
              style={{ width: 160 }}
            />
          </Space>
        }
      />
      <Card title={t('analytics.metrics')}>
        <Loaded query={metrics}>
          {(rows) => {
            // The period holding today is still running: drawn dashed, labelled, and said under the chart.
            const partial = rows.findIndex((r) => r.period_start >= periodStart(today, unit));
            const isPartial = (i: number) => partial !== -1 && i >= partial;
            const periodLabel = (v: string, i: number) =>
              `${fmt.period(v, unit)}${isPartial(i) ? t('figures.partial') : ''}`;
            return (
              <>
                <EChart
                  label={t('analytics.rates')}
                  option={{
                    tooltip: {
                      trigger: 'axis',
                      valueFormatter: (v: number | null) => (v === null ? '—' : fmt.percent(v)),
                    },
                    legend: { bottom: 0 },
                    grid: { left: 16, right: 16, top: 16, bottom: 40, containLabel: true },
                    xAxis: { type: 'category', data: rows.map((r, i) => periodLabel(r.period_start, i)) },
                    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.percent(v) } },
                    series: (['repurchase_rate', 'returning_rate', 'retention_rate'] as const).flatMap(
                      (k, n) => [
                        {
                          name: t(`kpi.${k}`),
                          type: 'line',
                          itemStyle: { color: RATE_COLORS[n] },
                          data: rows.map((r, i) => (isPartial(i) && i > 0 ? null : r[k])),
                        },
                        {
                          name: t(`kpi.${k}`),
                          type: 'line',
                          itemStyle: { color: RATE_COLORS[n] },
                          lineStyle: { type: 'dashed' },
                          tooltip: { show: false },
                          data: rows.map((r, i) => (partial > 0 && i >= partial - 1 ? r[k] : null)),
                        },
                      ],
                    ),
                  }}
                />
                {partial !== -1 && (
                  <Typography.Text type="secondary" data-partial-note>
                    {t('figures.partial_note', { period: fmt.period(rows[partial]!.period_start, unit) })}
                  </Typography.Text>
                )}
                <Table<MetricsRow>
                  rowKey="period_start"
                  size="small"
                  pagination={false}
                  dataSource={rows}
                  scroll={{ x: 1200 }}
                  columns={[
                    {
                      title: t('analytics.period'),
                      dataIndex: 'period_start',
                      render: (v: string, _: MetricsRow, i: number) => periodLabel(v, i),
                    },
                    {
                      title: t('kpi.buyers'),
                      dataIndex: 'buyers',
                      align: 'right',
                      render: (v: number) => fmt.number(v),
                    },
                    {
                      title: t('kpi.orders'),
                      dataIndex: 'orders',
                      align: 'right',
                      render: (v: number) => fmt.number(v),
                    },
                    {
                      title: t('kpi.revenue'),
                      dataIndex: 'revenue',
                      align: 'right',
                      render: (v: number) => fmt.money(v),
                    },
                    {
                      title: t('figures.column', { metric: t('kpi.revenue'), compare: t('figures.mom') }),
                      key: 'revenue_mom',
                      align: 'right',
                      render: (_: unknown, r: MetricsRow, i: number) => (
                        <Change label="" now={r.revenue} before={rows[i - 1]?.revenue ?? null} />
                      ),
                    },
                    {
                      title: t('figures.column', { metric: t('kpi.revenue'), compare: t('figures.yoy') }),
                      key: 'revenue_yoy',
                      align: 'right',
                      render: (_: unknown, r: MetricsRow, i: number) => (
                        <Change label="" now={r.revenue} before={rows[i - PER_YEAR[unit]]?.revenue ?? null} />
                      ),
                    },
                    {
                      title: t('figures.column', {
                        metric: t('kpi.repurchase_rate'),
                        compare: t('figures.mom'),
                      }),
                      key: 'repurchase_mom',
                      align: 'right',
                      render: (_: unknown, r: MetricsRow, i: number) => (
                        <Change
                          label=""
                          rate
                          now={r.repurchase_rate}
                          before={i > 0 ? (rows[i - 1]?.repurchase_rate ?? null) : null}
                        />
                      ),
                    },
                    {
                      title: t('kpi.aov'),
                      dataIndex: 'aov',
                      align: 'right',
                      render: (v: number | null) => fmt.money(v),
                    },
                    ...(['repurchase_rate', 'returning_rate', 'retention_rate'] as const).map((k) => ({
                      title: t(`kpi.${k}`),
                      dataIndex: k,
                      align: 'right' as const,
                      render: (v: number | null) => fmt.percent(v),
                    })),
                  ]}
                />
              </>
            );
          }}
        </Loaded>
      </Card>
      <Card title={t('analytics.funnel')} style={{ marginTop: 16 }}>
        <Loaded query={funnel}>{(f) => <FunnelFigures funnel={f} title={t('analytics.funnel')} />}</Loaded>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t('analytics.funnel_hint')}
        </Typography.Paragraph>
      </Card>
      <Card title={t('analytics.cohorts')} style={{ marginTop: 16 }}>
        <Loaded query={cohorts}>
          {(rows) => {
            const width = Math.max(1, ...rows.map((r) => r.retention.length));
            const data = rows.flatMap((r, y) => r.retention.map((v, k) => [k, y, Math.round(v * 1000) / 10]));
            return (
              <EChart
                label={t('analytics.cohorts')}
                height={Math.max(240, rows.length * 28 + 80)}
                option={{
                  tooltip: { formatter: (p: { data: number[] }) => `${p.data[2]}%` },
                  grid: { left: 110, right: 16, top: 8, bottom: 48 },
                  xAxis: { type: 'category', data: Array.from({ length: width }, (_, k) => `+${k}`) },
                  yAxis: {
                    type: 'category',
                    inverse: true,
                    data: rows.map((r) => `${r.cohort} (${fmt.number(r.customers)})`),
                  },
                  visualMap: { min: 0, max: 100, show: false, inRange: { color: ['#f0f5ff', '#0b57d0'] } },
                  series: [
                    {
                      type: 'heatmap',
                      data,
                      label: { show: true, formatter: (p: { data: number[] }) => `${p.data[2]}%` },
                    },
                  ],
                }}
              />
            );
          }}
        </Loaded>
      </Card>
      {valid && <AcquisitionSection from={from} to={to} />}
    </>
  );
}
