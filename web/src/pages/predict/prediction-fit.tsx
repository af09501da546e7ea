import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { Fit } from '../../../../src/predict/predict-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { addMonths, todayIn } from '../../lib/dates.ts';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { PREDICT_QUERIES, predictError } from './prediction-shared.ts';

// Greek letters read as the papers print them.
const SYMBOL: Record<string, string> = { alpha: 'α', beta: 'β', gamma: 'γ' };

interface ParamRow {
  name: string;
  value: number;
}

/** The latest fit's parameters and log-likelihood, with what each parameter means. */
export function PredictionFit() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const fit = useApi<Fit>('/predict/fit');
  return (
    <Card title={t('predict.fit')} data-fit>
      <Loaded query={fit}>
        {(f) => {
          const rows: ParamRow[] = [
            ...Object.entries(f.params).map(([name, value]) => ({ name, value })),
            ...(f.spend
              ? (['p', 'q', 'gamma'] as const).map((name) => ({ name, value: f.spend![name] }))
              : []),
          ];
          return (
            <>
              <Typography.Paragraph>
                {t('predict.fit_of', {
                  model: t(`predict.model.${f.model}`),
                  unit: t(`predict.unit.${f.unit}`),
                  date: fmt.date(f.calibration_end),
                })}
                <br />
                {t('predict.fit_data', {
                  customers: fmt.number(f.customers),
                  repeat: fmt.number(f.repeat_customers),
                  purchases: fmt.number(f.repeat_purchases),
                })}
              </Typography.Paragraph>
              <Table<ParamRow>
                rowKey="name"
                size="small"
                pagination={false}
                dataSource={[...rows, { name: 'log_likelihood', value: f.log_likelihood }]}
                columns={[
                  {
                    title: t('predict.param'),
                    dataIndex: 'name',
                    render: (name: string) =>
                      name === 'log_likelihood' ? t('predict.log_likelihood') : (SYMBOL[name] ?? name),
                  },
                  {
                    title: t('predict.value'),
                    dataIndex: 'value',
                    align: 'right',
                    render: (v: number, r: ParamRow) => fmt.number(v, r.name === 'log_likelihood' ? 1 : 3),
                  },
                  {
                    title: t('predict.meaning'),
                    dataIndex: 'name',
                    key: 'meaning',
                    render: (name: string) =>
                      name === 'log_likelihood'
                        ? t('predict.log_likelihood_meaning')
                        : t(`predict.param.${name}` as MessageKey),
                  },
                ]}
              />
              {!f.spend && <Typography.Text type="secondary">{t('predict.no_spend_model')}</Typography.Text>}
            </>
          );
        }}
      </Loaded>
    </Card>
  );
}

/**
 * The calibration/holdout check of the latest fit (expected vs actual purchases per customer, by
 * repeat purchases before the split); when the latest fit used all the data, a split to check on.
 */
export function PredictionCheck() {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const fit = useApi<Fit>('/predict/fit');
  const [end, setEnd] = useState(() => addMonths(todayIn(me.workspace.timezone), -6));
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    try {
      await api('POST', '/predict/fit', { calibration_end: end });
      await Promise.all(PREDICT_QUERIES.map((path) => client.invalidateQueries({ queryKey: [path] })));
    } catch (error) {
      message.error(predictError(error, t));
    } finally {
      setBusy(false);
    }
  };
  const splitForm = may(me.role, 'segments.write') && (
    <Space wrap>
      <Input
        type="date"
        aria-label={t('predict.check_end')}
        value={end}
        onChange={(e) => setEnd(e.target.value)}
      />
      <Button onClick={check} loading={busy} disabled={!end}>
        {t('predict.check_run')}
      </Button>
    </Space>
  );
  return (
    <Card title={t('predict.check')} data-check>
      <Loaded query={fit}>
        {(f) => {
          const h = f.holdout;
          if (!h)
            return (
              <>
                <Typography.Paragraph>{t('predict.check_none')}</Typography.Paragraph>
                {splitForm}
              </>
            );
          const bins = h.bins.filter((b) => b.customers > 0);
          return (
            <>
              <Typography.Paragraph>
                {t('predict.check_split', {
                  end: fmt.date(f.calibration_end),
                  days: fmt.number(h.days),
                  to: fmt.date(h.end),
                  actual: fmt.number(h.actual),
                  expected: fmt.number(h.expected, 1),
                })}
              </Typography.Paragraph>
              <EChart
                label={t('predict.check')}
                height={260}
                option={{
                  tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt.number(v, 2) },
                  legend: { bottom: 0 },
                  grid: { left: 16, right: 16, top: 16, bottom: 40, containLabel: true },
                  xAxis: { type: 'category', data: bins.map((b) => t('predict.check_bin', { x: b.x })) },
                  yAxis: { type: 'value', axisLabel: { formatter: (v: number) => fmt.number(v, 2) } },
                  series: [
                    {
                      type: 'bar',
                      name: t('predict.check_actual'),
                      itemStyle: { color: '#b75b00' },
                      data: bins.map((b) => b.actual / b.customers),
                    },
                    {
                      type: 'bar',
                      name: t('predict.check_expected'),
                      itemStyle: { color: '#0b57d0' },
                      data: bins.map((b) => b.expected / b.customers),
                    },
                  ],
                }}
              />
              {splitForm}
            </>
          );
        }}
      </Loaded>
    </Card>
  );
}
