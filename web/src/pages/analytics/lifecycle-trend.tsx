import { Empty, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { todayIn } from '../../lib/dates.ts';
import { LIFECYCLE_STAGES, type StageCount } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

// One colour per stage, shared by its solid line and the dashed stretch into today.
const COLORS = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4'];

/**
 * Customers per lifecycle stage on each day the worker recorded in [from, to), one line per stage;
 * today's counts can still change, so today is drawn dashed and said so.
 */
export function LifecycleTrend({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const { fmt, me } = useSession();
  const counts = useApi<StageCount[]>('/lifecycle/trend', { from, to });
  const today = todayIn(me.workspace.timezone);
  return (
    <Loaded query={counts}>
      {(rows) => {
        const lifecycle = rows.filter((r) => r.kind === 'lifecycle');
        if (lifecycle.length === 0) return <Empty description={t('lifecycle.trend_empty')} />;
        const days = [...new Set(lifecycle.map((r) => r.as_of))].sort();
        const at = new Map(lifecycle.map((r) => [`${r.as_of}|${r.code}`, r.customers]));
        const partial = days.indexOf(today);
        const isPartial = (i: number) => partial !== -1 && i >= partial;
        return (
          <>
            <EChart
              label={t('lifecycle.trend')}
              height={300}
              option={{
                tooltip: { trigger: 'axis' },
                legend: { bottom: 0 },
                grid: { left: 56, right: 16, top: 16, bottom: 56 },
                xAxis: {
                  type: 'category',
                  data: days.map((d, i) => `${fmt.date(d)}${isPartial(i) ? t('figures.partial') : ''}`),
                },
                yAxis: { type: 'value' },
                series: LIFECYCLE_STAGES.flatMap((stage, n) => {
                  const values = days.map((d) => at.get(`${d}|${stage}`) ?? 0);
                  const common = {
                    type: 'line',
                    name: t(`lifecycle.${stage}` as MessageKey),
                    showSymbol: days.length < 40,
                    itemStyle: { color: COLORS[n % COLORS.length] },
                  };
                  return [
                    { ...common, data: values.map((v, i) => (isPartial(i) && i > 0 ? null : v)) },
                    {
                      ...common,
                      lineStyle: { type: 'dashed' },
                      tooltip: { show: false },
                      data: values.map((v, i) => (partial > 0 && i >= partial - 1 ? v : null)),
                    },
                  ];
                }),
              }}
            />
            {partial !== -1 && (
              <Typography.Text type="secondary" data-partial-note>
                {t('lifecycle.trend_partial')}
              </Typography.Text>
            )}
          </>
        );
      }}
    </Loaded>
  );
}
