import { Descriptions, Table, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { sourceLabel } from '../../lib/display.ts';
import type { CustomerCoupon, CustomerReferrals } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';

/** A customer's coupons (issued, redeemed) and referrals (by whom, whom). */
export function CustomerCoupons({ id }: { id: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { fmt } = useSession();
  const coupons = useApi<CustomerCoupon[]>(`/customers/${id}/coupons`);
  const referrals = useApi<CustomerReferrals>(`/customers/${id}/referrals`);
  return (
    <>
      <Loaded query={coupons}>
        {(rows) => (
          <Table<CustomerCoupon>
            rowKey="code"
            size="small"
            pagination={false}
            dataSource={rows}
            scroll={{ x: 640 }}
            locale={{ emptyText: t('coupons.none') }}
            columns={[
              { title: t('coupons.code'), dataIndex: 'code' },
              { title: t('loyalty.template_name'), dataIndex: 'template' },
              {
                title: t('loyalty.source'),
                dataIndex: 'source',
                render: (v: string) => sourceLabel(i18n, v),
              },
              {
                title: t('coupons.issued_at'),
                dataIndex: 'issued_at',
                render: (v: string) => fmt.dateTime(v),
              },
              {
                title: t('loyalty.expires'),
                dataIndex: 'expires_at',
                render: (v: string | null) => fmt.dateTime(v),
              },
              {
                title: t('coupons.redeemed_at'),
                dataIndex: 'redeemed_at',
                render: (v: string | null) => fmt.dateTime(v),
              },
              {
                title: t('coupons.discount'),
                dataIndex: 'discount',
                align: 'right',
                render: (v: number | null) => fmt.money(v),
              },
            ]}
          />
        )}
      </Loaded>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('loyalty.referrals')}
      </Typography.Title>
      <Loaded query={referrals}>
        {(r) => (
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: 'code', label: t('referrals.code'), children: r.code ?? '—' },
              {
                key: 'by',
                label: t('referrals.by'),
                children: r.referred_by ? (
                  <Link to={`/customers/${r.referred_by.referrer_id}`}>#{r.referred_by.referrer_id}</Link>
                ) : (
                  '—'
                ),
              },
              {
                key: 'referred',
                label: t('referrals.referred', { n: r.referred.length }),
                children: r.referred.length
                  ? r.referred.map((x) => (
                      <span key={x.referred_id} style={{ marginRight: 8 }}>
                        <Link to={`/customers/${x.referred_id}`}>#{x.referred_id}</Link>
                        {x.converted_at ? ` ✓ ${t('loyalty.converted')}` : ''}
                      </span>
                    ))
                  : '—',
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
