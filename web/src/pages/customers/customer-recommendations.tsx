import { Card, Empty, Flex, Typography } from 'antd';
import type { CustomerRecommendations as Recommendations } from '../../../../src/predict/recommendation-contract.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';

/** 猜你喜欢: the customer's top products from the stored associations, each with its reason. */
export function CustomerRecommendations({ id }: { id: number }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const recommendations = useApi<Recommendations>(`/customers/${id}/recommendations`);
  return (
    <Card title={t('recommend.title')} data-card="recommendations">
      <Loaded query={recommendations}>
        {(r) =>
          r.items.length === 0 ? (
            <Empty description={t(r.refreshed ? 'recommend.none' : 'recommend.never')} />
          ) : (
            <Flex vertical gap={8}>
              {r.items.map((item) => (
                <div key={item.item} data-item={item.item}>
                  <Typography.Text strong data-part="name">{`${item.rank}. ${item.name}`}</Typography.Text>{' '}
                  <Typography.Text type="secondary" data-part="because">
                    {t('recommend.because', { name: item.because })}
                  </Typography.Text>
                </div>
              ))}
              {r.refreshed && (
                <Typography.Text type="secondary" data-part="as-of">
                  {t('recommend.as_of', { date: fmt.date(r.refreshed.as_of) })}
                </Typography.Text>
              )}
            </Flex>
          )
        }
      </Loaded>
    </Card>
  );
}
