import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Statistic, Table } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { currencyDigits } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { sourceLabel } from '../../lib/display.ts';
import type {
  CouponReportRow,
  CouponTemplate,
  IssueResult,
  ReferralReport,
  Segment,
  TierLevel,
  WorkspaceSettings,
} from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** Coupon templates (create, issue to a segment), the redemption report, tiers, points and referrals. */
export function LoyaltyPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { fmt, me, canWrite } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const templates = useApi<CouponTemplate[]>('/coupon-templates');
  const report = useApi<CouponReportRow[]>('/coupons/report');
  const settings = useApi<WorkspaceSettings>('/workspace/settings');
  const referrals = useApi<ReferralReport>('/referrals/report');
  const segments = useApi<Segment[]>('/segments');
  const [issueTo, setIssueTo] = useState<Record<number, string>>({});
  const minor = 10 ** currencyDigits(me.workspace.currency);
  const create = async (v: { name: string; amount_off: number; threshold?: number }) => {
    await api('POST', '/coupon-templates', {
      name: v.name,
      kind: 'amount_off',
      amount_off: Math.round(v.amount_off * minor),
      threshold: Math.round((v.threshold ?? 0) * minor),
    });
    await client.invalidateQueries({ queryKey: ['/coupon-templates'] });
  };
  const issue = async (id: number) => {
    const result = await api<IssueResult>('POST', `/coupon-templates/${id}/issue`, {
      segment: issueTo[id],
    });
    message.success(t('loyalty.issued', { n: fmt.number(result.issued ?? 0) }));
    await client.invalidateQueries({ queryKey: ['/coupons/report'] });
  };
  return (
    <>
      <PageTitle title={t('nav.loyalty')} />
      <Card title={t('loyalty.templates')}>
        {canWrite && (
          <Form layout="inline" onFinish={(v) => void create(v)} style={{ marginBottom: 12, rowGap: 8 }}>
            <Form.Item
              name="name"
              label={t('loyalty.template_name')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input />
            </Form.Item>
            <Form.Item
              name="amount_off"
              label={t('loyalty.amount_off')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <InputNumber min={0.01} />
            </Form.Item>
            <Form.Item name="threshold" label={t('loyalty.threshold')}>
              <InputNumber min={0} />
            </Form.Item>
            <Button htmlType="submit">{t('common.create')}</Button>
          </Form>
        )}
        <Loaded query={templates}>
          {(rows) => (
            <Table<CouponTemplate>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={rows}
              scroll={{ x: 640 }}
              columns={[
                { title: t('loyalty.template_name'), dataIndex: 'name' },
                {
                  title: t('loyalty.kind'),
                  dataIndex: 'kind',
                  render: (k: string) => t(`coupon.${k}` as MessageKey),
                },
                {
                  title: t('loyalty.value'),
                  key: 'value',
                  render: (_, r) =>
                    r.amount_off !== null
                      ? fmt.money(r.amount_off)
                      : r.percent_off
                        ? `${r.percent_off}%`
                        : '—',
                },
                {
                  title: t('loyalty.threshold'),
                  dataIndex: 'threshold',
                  render: (v: number) => fmt.money(v),
                },
                ...(canWrite
                  ? [
                      {
                        title: t('loyalty.issue'),
                        key: 'issue',
                        render: (_: unknown, r: CouponTemplate) => (
                          <Space.Compact>
                            <Select
                              aria-label={t('customers.segment')}
                              placeholder={t('customers.segment')}
                              value={issueTo[r.id]}
                              onChange={(v) => setIssueTo({ ...issueTo, [r.id]: v })}
                              options={(segments.data ?? []).map((s) => ({ value: s.name, label: s.name }))}
                              style={{ width: 140 }}
                            />
                            <Button disabled={!issueTo[r.id]} onClick={() => void issue(r.id)}>
                              {t('loyalty.issue')}
                            </Button>
                          </Space.Compact>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </Loaded>
      </Card>
      <Card title={t('loyalty.report')} style={{ marginTop: 16 }}>
        <Loaded query={report}>
          {(rows) => (
            <Table<CouponReportRow>
              rowKey={(r) => `${r.template}-${r.source}`}
              size="small"
              pagination={false}
              dataSource={rows}
              scroll={{ x: 720 }}
              columns={[
                { title: t('loyalty.template_name'), dataIndex: 'template' },
                {
                  title: t('loyalty.source'),
                  dataIndex: 'source',
                  render: (v: string) => sourceLabel(i18n, v),
                },
                {
                  title: t('loyalty.issued_n'),
                  dataIndex: 'issued',
                  align: 'right',
                  render: (v: number) => fmt.number(v),
                },
                {
                  title: t('loyalty.redeemed'),
                  dataIndex: 'redeemed',
                  align: 'right',
                  render: (v: number) => fmt.number(v),
                },
                {
                  title: t('loyalty.rate'),
                  dataIndex: 'redemption_rate',
                  align: 'right',
                  render: (v: number | null) => fmt.percent(v),
                },
                {
                  title: t('loyalty.cost'),
                  dataIndex: 'discount_cost',
                  align: 'right',
                  render: (v: number) => fmt.money(v),
                },
                {
                  title: t('kpi.revenue'),
                  dataIndex: 'revenue',
                  align: 'right',
                  render: (v: number) => fmt.money(v),
                },
                {
                  title: t('loyalty.roi'),
                  dataIndex: 'roi',
                  align: 'right',
                  render: (v: number | null) => fmt.number(v, 2),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card title={t('loyalty.tiers')}>
            <Loaded query={settings}>
              {(s) => (
                <>
                  <p>
                    {t('loyalty.points_status', {
                      points: t(s.points.enabled ? 'common.on' : 'common.off'),
                      tiers: t(s.tiers.enabled ? 'common.on' : 'common.off'),
                    })}
                  </p>
                  <Table<TierLevel>
                    rowKey="code"
                    size="small"
                    pagination={false}
                    dataSource={s.tiers.levels}
                    columns={[
                      {
                        title: t('loyalty.tier'),
                        key: 'name',
                        render: (_, l) => (lang === 'zh-CN' ? l.name_zh : l.name_en),
                      },
                      {
                        title: t('loyalty.tier_min'),
                        dataIndex: 'min',
                        align: 'right',
                        render: (v: number) => fmt.money(v),
                      },
                      {
                        title: t('loyalty.multiplier'),
                        dataIndex: 'multiplier',
                        align: 'right',
                        render: (v: number) => `×${fmt.number(v, 2)}`,
                      },
                    ]}
                  />
                </>
              )}
            </Loaded>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('loyalty.referrals')}>
            <Loaded query={referrals}>
              {(r) => (
                <Space size="large" wrap>
                  <Statistic title={t('loyalty.referrals')} value={fmt.number(r.referrals)} />
                  <Statistic title={t('loyalty.converted')} value={fmt.number(r.converted)} />
                  <Statistic title={t('kpi.revenue')} value={fmt.money(r.revenue)} />
                </Space>
              )}
            </Loaded>
          </Card>
        </Col>
      </Row>
    </>
  );
}
