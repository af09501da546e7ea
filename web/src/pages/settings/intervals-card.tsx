import { Button, Card, Empty, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ProductInterval, ProductIntervalPage } from '../../../../src/products/product-contract.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';

/** 复购周期: each product's hand-set interval beside the one learned from the orders, and the one in use. */
export function IntervalsCard() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const [cursors, setCursors] = useState<string[]>([]);
  const page = useApi<ProductIntervalPage>('/products/intervals', {
    cursor: cursors[cursors.length - 1],
    limit: 20,
  });
  const days = (v: number | null | undefined) =>
    v == null ? '—' : t('catalog.days', { n: fmt.number(Math.round(v * 10) / 10) });
  return (
    <Card title={t('intervals.title')} style={{ marginTop: 16 }} data-testid="intervals-card">
      <Typography.Paragraph type="secondary">{t('intervals.hint')}</Typography.Paragraph>
      <Loaded query={page}>
        {(p) =>
          p.items.length === 0 && cursors.length === 0 ? (
            <Empty description={t('intervals.none')} />
          ) : (
            <>
              <Table<ProductInterval>
                rowKey="sku"
                size="small"
                pagination={false}
                dataSource={p.items}
                columns={[
                  {
                    title: t('catalog.product_name'),
                    dataIndex: 'sku',
                    render: (_: string, r: ProductInterval) => r.name ?? r.sku,
                  },
                  { title: t('intervals.set'), dataIndex: 'repurchase_days', render: days },
                  {
                    title: t('intervals.learned'),
                    key: 'learned',
                    render: (_: unknown, r: ProductInterval) =>
                      r.learned ? (
                        <>
                          {days(r.learned.median_days)}
                          <br />
                          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                            {t('intervals.spread', {
                              p25: fmt.number(Math.round(r.learned.p25_days * 10) / 10),
                              p75: fmt.number(Math.round(r.learned.p75_days * 10) / 10),
                              n: fmt.number(r.learned.intervals),
                            })}
                            {' · '}
                            {r.learned.basis === 'sku'
                              ? t('intervals.basis_sku')
                              : t('intervals.basis_category', { category: r.category ?? '—' })}
                          </Typography.Text>
                        </>
                      ) : (
                        '—'
                      ),
                  },
                  {
                    title: t('intervals.in_use'),
                    key: 'in_use',
                    render: (_: unknown, r: ProductInterval) => (
                      <Space>
                        {days(r.effective_days)}
                        <Tag>
                          {r.source === 'set' ? t('intervals.source_set') : t('intervals.source_learned')}
                        </Tag>
                      </Space>
                    ),
                  },
                ]}
              />
              <Space style={{ marginTop: 12 }}>
                <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                  {t('common.previous')}
                </Button>
                <Button disabled={!p.next_cursor} onClick={() => setCursors([...cursors, p.next_cursor!])}>
                  {t('common.next')}
                </Button>
              </Space>
            </>
          )
        }
      </Loaded>
    </Card>
  );
}
