import { Empty } from 'antd';
import { useSession } from '../api/session.tsx';
import { EChart } from '../components/echart.tsx';
import { Loaded } from '../components/page.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages-zh-cn.ts';
import { LIFECYCLE_STAGES, type StageCount } from '../lib/types.ts';
import { useApi } from '../lib/use-api.ts';

/** Customers per lifecycle stage on each day the worker recorded in [from, to), one line per stage. */
export function LifecycleTrend({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const counts = useApi<StageCount[]>('/lifecycle/trend', { from, to });
  return (
    <Loaded query={counts}>
      {(rows) => {
        const lifecycle = rows.filter((r) => r.kind === 'lifecycle');
        if (lifecycle.length === 0) return <Empty description={t('lifecycle.trend_empty')} />;
        const days = [...new Set(lifecycle.map((r) => r.as_of))];
        const at = new Map(lifecycle.map((r) => [`${r.as_of}|${r.code}`, r.customers]));
        return (
          <EChart
            label={t('lifecycle.trend')}
            height={300}
            option={{
              tooltip: { trigger: 'axis' },
              legend: { bottom: 0 },
              grid: { left: 56, right: 16, top: 16, bottom: 56 },
              xAxis: { type: 'category', data: days.map((d) => fmt.date(d)) },
              yAxis: { type: 'value' },
              series: LIFECYCLE_STAGES.map((stage) => ({
                type: 'line',
                name: t(`lifecycle.${stage}` as MessageKey),
                showSymbol: days.length < 40,
                data: days.map((d) => at.get(`${d}|${stage}`) ?? 0),
              })),
            }}
          />
        );
      }}
    </Loaded>
  );
}
