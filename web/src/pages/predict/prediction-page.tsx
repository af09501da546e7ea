import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Row, Statistic, Typography } from 'antd';
import { useState } from 'react';
import type { Distribution } from '../../../../src/predict/predict-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EChart } from '../../components/echart.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { PredictionCallList } from './prediction-call-list.tsx';
import { PredictionCheck, PredictionFit } from './prediction-fit.tsx';
import { PREDICT_QUERIES, predictError } from './prediction-shared.ts';

/** The customer-base models at work: distributions, the fit and its check, and the call list. */
export function PredictionPage() {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const distribution = useApi<Distribution>('/predict/distribution');
  const refresh = async () => {
    setBusy(true);
    try {
      const done = await api<{ customers: number }>('POST', '/predict/refresh', {});
      message.success(t('predict.refreshed', { customers: fmt.number(done.customers) }));
      await Promise.all(PREDICT_QUERIES.map((path) => client.invalidateQueries({ queryKey: [path] })));
    } catch (error) {
      message.error(predictError(error, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle
        title={t('nav.predict')}
        extra={
          may(me.role, 'segments.write') && (
            <Button type="primary" loading={busy} onClick={refresh}>
              {t('predict.refresh')}
            </Button>
          )
        }
      />
      <Loaded query={distribution}>
        {(d) =>
          d.customers === 0 ? (
            <Alert type="info" showIcon title={t('predict.none')} />
          ) : (
            <>
              <Summary d={d} />
              <Histograms d={d} />
              <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
                <Col xs={24} lg={10}>
                  <PredictionFit />
                </Col>
                <Col xs={24} lg={14}>
                  <PredictionCheck />
                </Col>
              </Row>
              <PredictionCallList />
            </>
          )
        }
      </Loaded>
    </>
  );
}

function Summary({ d }: { d: Distribution }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  return (
    <Card>
      <Typography.Text type="secondary">{t('predict.as_of', { date: fmt.date(d.as_of) })}</Typography.Text>
      <Row gutter={16} style={{ marginTop: 8 }}>
        <Col xs={12} md={6}>
          <Statistic title={t('predict.customers')} value={fmt.number(d.customers)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('predict.mean_p_alive')} value={fmt.percent(d.mean_p_alive)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('predict.total_clv')} value={fmt.moneyCompact(d.total_clv)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('predict.total_var')} value={fmt.moneyCompact(d.total_value_at_risk)} />
          <Typography.Text type="secondary">{t('predict.total_var_hint')}</Typography.Text>
        </Col>
      </Row>
    </Card>
  );
}

/** A bar chart of histogram bins with their labels, customers on the value axis. */
function Histogram({ label, names, counts }: { label: string; names: string[]; counts: number[] }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  return (
    <EChart
      label={label}
      height={260}
      option={{
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmt.number(v) },
        grid: { left: 16, right: 16, top: 24, bottom: 8, containLabel: true },
        xAxis: {
          type: 'category',
          data: names,
          axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 },
        },
        yAxis: {
          type: 'value',
          name: t('predict.customers_axis'),
          minInterval: 1,
          axisLabel: { formatter: (v: number) => fmt.compact(v) },
        },
        series: [
          { type: 'bar', name: t('predict.customers_axis'), data: counts, itemStyle: { color: '#0b57d0' } },
        ],
      }}
    />
  );
}

function Histograms({ d }: { d: Distribution }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const money = (from: number, to: number | null) =>
    to === null
      ? t('predict.and_above', { from: fmt.moneyCompact(from) })
      : `${fmt.moneyCompact(from)}–${fmt.moneyCompact(to)}`;
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
      <Col xs={24} lg={12}>
        <Card title={t('predict.p_alive_chart')} data-chart="p-alive">
          <Histogram
            label={t('predict.p_alive_chart')}
            names={d.p_alive.map((b) => `${Math.round(b.from * 100)}–${Math.round((b.to ?? 1) * 100)}%`)}
            counts={d.p_alive.map((b) => b.customers)}
          />
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title={t('predict.clv_chart')} data-chart="clv">
          <Histogram
            label={t('predict.clv_chart')}
            names={d.predicted_clv.map((b) => money(b.from, b.to))}
            counts={d.predicted_clv.map((b) => b.customers)}
          />
          {d.without_clv > 0 && (
            <Typography.Text type="secondary">
              {t('predict.without_clv', { n: fmt.number(d.without_clv) })}
            </Typography.Text>
          )}
        </Card>
      </Col>
    </Row>
  );
}
