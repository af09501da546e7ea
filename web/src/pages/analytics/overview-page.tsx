import { Card, Col, Row, Segmented, Select, Statistic, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { Change } from '../../components/change.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { addDays, type PeriodUnit, periodStart, shiftPeriod, todayIn } from '../../lib/dates.ts';
import type { Clv, LifecycleSummary, MetricsRow, RfmSummary } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

type Choice = `${'this' | 'last'}_${'week' | 'month' | 'quarter' | 'year'}`;
const CHOICES: Choice[] = [
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'last_quarter',
  'this_year',
  'last_year',
];

const PER_YEAR: Record<PeriodUnit, number> = { day: 365, week: 52, month: 12, quarter: 4, year: 1 };

const TREND_SPAN: Record<'day' | 'week' | 'month', number> = { day: 30, week: 12, month: 12 };

/** KPI cards for a period against the one before, trends, lifecycle and RFM distributions. */
export function OverviewPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [choice, setChoice] = useState<Choice>('last_month');
  const [trendUnit, setTrendUnit] = useState<'day' | 'week' | 'month'>('month');
  const today = todayIn(me.workspace.timezone);
  const unit = choice.split('_')[1] as PeriodUnit;
  const current = shiftPeriod(periodStart(today, unit), unit, choice.startsWith('last') ? -1 : 0);
  const previous = shiftPeriod(current, unit, -1);
  const next = shiftPeriod(current, unit, 1);

  const kpis = useApi<MetricsRow[]>('/metrics', { from: previous, to: next, period: unit });
  // The same period a year earlier, for 同比.
  const yearAgo = shiftPeriod(current, unit, -PER_YEAR[unit]);
  const lastYear = useApi<MetricsRow[]>('/metrics', {
    from: yearAgo,
    to: shiftPeriod(yearAgo, unit, 1),
    period: unit,
  });
  const clvNow = useApi<Clv>('/clv', { as_of: addDays(next, -1) });
  const clvBefore = useApi<Clv>('/clv', { as_of: addDays(current, -1) });
  const trendTo = shiftPeriod(periodStart(today, trendUnit), trendUnit, 1);
  const trendFrom = shiftPeriod(trendTo, trendUnit, -TREND_SPAN[trendUnit]);
  const trend = useApi<MetricsRow[]>('/metrics', { from: trendFrom, to: trendTo, period: trendUnit });
  const lifecycle = useApi<LifecycleSummary>('/lifecycle');
  const rfm = useApi<RfmSummary>('/rfm/summary');

  return (
    <>
      <PageTitle
        title={t('nav.overview')}
        extra={
          <Select<Choice>
            aria-label={t('overview.period')}
            value={choice}
            onChange={setChoice}
            options={CHOICES.map((c) => ({ value: c, label: t(`period.${c}` as MessageKey) }))}
            style={{ width: 160 }}
          />
        }
      />
      <Loaded query={kpis}>
        {(rows) => (
          <KpiCards
            current={rows.find((r) => r.period_start === current)}
            previous={rows.find((r) => r.period_start === previous)}
            yearAgo={lastYear.data?.find((r) => r.period_start === yearAgo)}
            clv={[clvNow.data?.clv ?? null, clvBefore.data?.clv ?? null]}
          />
        )}
      </Loaded>
      <Card
        title={t('overview.trend')}
        style={{ marginTop: 16 }}
        extra={
          <Segmented
            aria-label={t('overview.granularity')}
            value={trendUnit}
            onChange={(v) => setTrendUnit(v as 'day' | 'week' | 'month')}
            options={(['day', 'week', 'month'] as const).map((u) => ({ value: u, label: t(`unit.${u}`) }))}
          />
        }
      >
        <Loaded query={trend}>
          {(rows) => <TrendChart rows={rows} unit={trendUnit} partialFrom={periodStart(today, trendUnit)} />}
        </Loaded>
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <Card title={t('overview.lifecycle')}>
            <Loaded query={lifecycle}>
              {(data) => (
                <EChart
                  label={t('overview.lifecycle')}
                  option={{
                    tooltip: { trigger: 'item' },
                    series: [
                      {
                        type: 'pie',
                        radius: ['40%', '70%'],
                        data: data.stages.map((s) => ({
                          name: t(`lifecycle.${s.lifecycle}` as MessageKey),
                          value: s.customers,
                        })),
                      },
                    ],
                  }}
                />
              )}
            </Loaded>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('overview.rfm')}>
            <Loaded query={rfm}>
              {(data) => (
                <EChart
                  label={t('overview.rfm')}
                  option={{
                    tooltip: {},
                    grid: { left: 110, right: 16, top: 8, bottom: 24 },
                    xAxis: { type: 'value' },
                    yAxis: {
                      type: 'category',
                      inverse: true,
                      data: data.groups.map((g) => t(`rfm.${g.rfm_group}` as MessageKey)),
                    },
                    series: [
                      {
                        type: 'bar',
                        data: data.groups.map((g) => g.customers),
                        itemStyle: { color: '#0b57d0' },
                      },
                    ],
                  }}
                />
              )}
            </Loaded>
          </Card>
        </Col>
      </Row>
    </>
  );
}

function KpiCards({
  current,
  previous,
  yearAgo,
  clv,
}: {
  current: MetricsRow | undefined;
  previous: MetricsRow | undefined;
  yearAgo: MetricsRow | undefined;
  clv: [number | null, number | null];
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const cards: {
    key: MessageKey;
    now: number | null;
    before: number | null;
    /** The same figure a year earlier (undefined: not compared). */
    year?: number | null;
    rate?: boolean;
    show: (n: number | null) => string;
  }[] = [
    {
      key: 'kpi.buyers',
      now: current?.buyers ?? 0,
      before: previous?.buyers ?? 0,
      year: yearAgo?.buyers ?? null,
      show: (n) => fmt.number(n),
    },
    {
      key: 'kpi.repurchase_rate',
      now: current?.repurchase_rate ?? null,
      before: previous?.repurchase_rate ?? null,
      year: yearAgo?.repurchase_rate ?? null,
      rate: true,
      show: fmt.percent,
    },
    {
      key: 'kpi.retention_rate',
      now: current?.retention_rate ?? null,
      before: previous?.retention_rate ?? null,
      year: yearAgo?.retention_rate ?? null,
      rate: true,
      show: fmt.percent,
    },
    {
      key: 'kpi.aov',
      now: current?.aov ?? null,
      before: previous?.aov ?? null,
      year: yearAgo?.aov ?? null,
      show: fmt.money,
    },
    {
      key: 'kpi.revenue',
      now: current?.revenue ?? 0,
      before: previous?.revenue ?? 0,
      year: yearAgo?.revenue ?? null,
      show: fmt.money,
    },
    { key: 'kpi.clv', now: clv[0], before: clv[1], show: fmt.money },
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((c) => (
        <Col xs={12} md={8} xl={4} key={c.key}>
          <Card size="small" data-kpi={c.key}>
            <Statistic title={t(c.key)} value={c.show(c.now)} />
            <div>
              <Change label={t('figures.mom')} now={c.now} before={c.before} rate={c.rate} />
            </div>
            {c.year !== undefined && (
              <div>
                <Change label={t('figures.yoy')} now={c.now} before={c.year} rate={c.rate} />
              </div>
            )}
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/**
 * Revenue and buyers by period, labelled by unit (2026年1月, 2026年第3周), money in 万/亿; the
 * current period, not over yet, is drawn hollow and dashed with a note, not as a crash.
 */
function TrendChart({
  rows,
  unit,
  partialFrom,
}: {
  rows: MetricsRow[];
  unit: PeriodUnit;
  partialFrom: string;
}) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const partial = rows.findIndex((r) => r.period_start >= partialFrom);
  const option = useMemo(() => {
    const isPartial = (i: number) => partial !== -1 && i >= partial;
    const blue = '#0b57d0';
    const orange = '#b75b00';
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : fmt.number(v)) },
      // The legend under the plot, clear of both axes' labels.
      legend: { bottom: 0, data: [t('kpi.revenue'), t('kpi.buyers')] },
      grid: { left: 16, right: 16, top: 24, bottom: 40, containLabel: true },
      xAxis: {
        type: 'category',
        data: rows.map(
          (r, i) => `${fmt.period(r.period_start, unit)}${isPartial(i) ? t('figures.partial') : ''}`,
        ),
      },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (v: number) => fmt.moneyCompact(v) } },
        {
          type: 'value',
          splitLine: { show: false },
          minInterval: 1,
          axisLabel: { formatter: (v: number) => fmt.compact(v) },
        },
      ],
      series: [
        {
          name: t('kpi.revenue'),
          type: 'bar',
          itemStyle: { color: blue },
          tooltip: { valueFormatter: (v: number) => fmt.money(v) },
          data: rows.map((r, i) =>
            isPartial(i)
              ? {
                  value: r.revenue,
                  itemStyle: {
                    color: 'rgba(11,87,208,0.15)',
                    borderColor: blue,
                    borderType: 'dashed',
                    borderWidth: 1,
                  },
                }
              : r.revenue,
          ),
        },
        {
          name: t('kpi.buyers'),
          type: 'line',
          yAxisIndex: 1,
          itemStyle: { color: orange },
          data: rows.map((r, i) => (isPartial(i) && i > 0 ? null : r.buyers)),
        },
        // The last complete period joined to the partial one by a dashed line.
        {
          name: t('kpi.buyers'),
          type: 'line',
          yAxisIndex: 1,
          itemStyle: { color: orange },
          lineStyle: { type: 'dashed' },
          tooltip: { show: false },
          data: rows.map((r, i) => (partial > 0 && i >= partial - 1 ? r.buyers : null)),
        },
      ],
    };
  }, [rows, t, fmt, unit, partial]);
  return (
    <>
      <EChart label={t('overview.trend')} option={option} />
      {partial !== -1 && (
        <Typography.Text type="secondary" data-partial-note>
          {t('figures.partial_note', { period: fmt.period(rows[partial]!.period_start, unit) })}
        </Typography.Text>
      )}
    </>
  );
}
