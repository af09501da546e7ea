import { Card, Descriptions, Empty, Spin, Typography } from 'antd';
import type { Prediction } from '../../../../src/predict/predict-contract.ts';
import { ApiError } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';

/**
 * The profile's prediction card: P(alive) as 活跃概率, expected purchases in 30/90/365 days, the
 * predicted CLV over the workspace's horizon and the expected next order, from the stored prediction.
 */
export function CustomerPredictionCard({ id }: { id: number }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const prediction = useApi<Prediction>(`/customers/${id}/prediction`);
  const missing = prediction.error instanceof ApiError && prediction.error.status === 404;
  const times = (n: number) => t('predict.times', { n: fmt.number(n, 2) });
  return (
    <Card title={t('predict.card')} style={{ marginTop: 16 }} data-prediction-card>
      {prediction.isPending ? (
        <Spin aria-label={t('common.loading')} />
      ) : missing || !prediction.data ? (
        <Empty description={missing ? t('predict.card_none') : t('error.load')} />
      ) : (
        <>
          <Descriptions
            column={{ xs: 1, md: 2 }}
            size="small"
            items={[
              { key: 'p', label: t('predict.p_alive'), children: fmt.percent(prediction.data.p_alive) },
              {
                key: 'next',
                label: t('predict.next_order'),
                children: prediction.data.next_order_date
                  ? fmt.date(prediction.data.next_order_date)
                  : t('predict.next_order_none'),
              },
              {
                key: 'e30',
                label: t('predict.expected_30'),
                children: times(prediction.data.expected_purchases_30d),
              },
              {
                key: 'e90',
                label: t('predict.expected_90'),
                children: times(prediction.data.expected_purchases_90d),
              },
              {
                key: 'e365',
                label: t('predict.expected_365'),
                children: times(prediction.data.expected_purchases_365d),
              },
              {
                key: 'clv',
                label: t('predict.clv_horizon', { days: prediction.data.horizon_days }),
                children: fmt.money(prediction.data.predicted_clv),
              },
              {
                key: 'spend',
                label: t('predict.expected_spend'),
                children: fmt.money(prediction.data.expected_spend),
              },
            ]}
          />
          <Typography.Text type="secondary">
            {t('predict.as_of', { date: fmt.date(prediction.data.as_of) })}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
