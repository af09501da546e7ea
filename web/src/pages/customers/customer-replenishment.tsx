import { Card, Empty, Table, Tag, Typography } from 'antd';
import type { CustomerReplenishment } from '../../../../src/products/product-contract.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';

type Item = CustomerReplenishment['items'][number];

/** Products that ran out longer ago than this are counted, not listed: the customer has likely moved on. */
const LONG_AGO_DAYS = 30;

/** "即将用完": what the customer is due to run out of, soonest first, and how each date was worked out. */
export function CustomerReplenishmentCard({ id }: { id: number }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const due = useApi<CustomerReplenishment>(`/customers/${id}/replenishment`);
  const status = (days: number) =>
    days > 0 ? (
      <Tag color={days <= 7 ? 'orange' : 'default'}>{t('replenish.days_left', { n: fmt.number(days) })}</Tag>
    ) : days === 0 ? (
      <Tag color="red">{t('replenish.today')}</Tag>
    ) : (
      <Tag color="red">{t('replenish.overdue', { n: fmt.number(-days) })}</Tag>
    );
  return (
    <Card title={t('replenish.title')} data-testid="replenishment-card">
      <Loaded query={due}>
        {(r) => {
          const shown = r.items.filter((i) => i.days_left >= -LONG_AGO_DAYS);
          const hidden = r.items.length - shown.length;
          if (!r.items.length) return <Empty description={t('replenish.none')} />;
          return (
            <>
              <Table<Item>
                rowKey="sku"
                size="small"
                pagination={false}
                dataSource={shown}
                columns={[
                  {
                    title: t('replenish.product'),
                    dataIndex: 'sku',
                    render: (_: string, i: Item) => (
                      <>
                        <Typography.Text>{i.name ?? i.sku}</Typography.Text>
                        <br />
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('replenish.last_bought', {
                            date: fmt.date(i.last_purchase_date),
                            qty: fmt.number(i.quantity),
                            days: fmt.number(Math.round(i.interval_days * 10) / 10),
                          })}
                          {' · '}
                          {t(`replenish.source.${i.interval_source}`)}
                        </Typography.Text>
                      </>
                    ),
                  },
                  {
                    title: t('replenish.need_date'),
                    dataIndex: 'need_date',
                    render: (v: string) => fmt.date(v),
                  },
                  { title: t('replenish.status'), dataIndex: 'days_left', render: status },
                ]}
              />
              {hidden > 0 && (
                <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
                  {t('replenish.hidden', { n: fmt.number(hidden) })}
                </Typography.Paragraph>
              )}
            </>
          );
        }}
      </Loaded>
    </Card>
  );
}
