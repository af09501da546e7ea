import { Card, Col, Descriptions, Empty, Row, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import type { CustomerProfile } from '../../../../src/api/customer-profile-contract.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { eventSentence, sourceLabel, type TimelineEvent } from '../../lib/display.ts';
import { codeLabel } from '../../lib/labels.ts';
import type { CustomerRfm, Order as OrderWithLines } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { CustomerCoupons } from './customer-coupons.tsx';
import { CustomerLoyalty } from './customer-loyalty.tsx';
import { CustomerPredictionCard } from './customer-prediction-card.tsx';
import { CustomerRecommendations } from './customer-recommendations.tsx';
import { CustomerReplenishmentCard } from './customer-replenishment.tsx';
import { CustomerService } from './customer-service.tsx';
import { CustomerStages } from './customer-stages.tsx';

type Profile = CustomerProfile;
type Order = CustomerProfile['orders'][number];

/** The 360° profile of one customer, as the API returns it (masked for roles without personal data). */
export function CustomerProfilePage({ id }: { id: number }) {
  const { t } = useI18n();
  const profile = useApi<Profile>(`/customers/${id}`);
  return (
    <Loaded query={profile}>
      {(p) => (
        <>
          <PageTitle
            title={p.customer.name ?? p.customer.external_id ?? `#${p.customer.id}`}
            extra={<Link to="/customers">{t('profile.back')}</Link>}
          />
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Attributes profile={p} />
            </Col>
            <Col xs={24} lg={12}>
              <RfmCard id={id} />
            </Col>
            <Col xs={24} lg={12}>
              <CustomerRecommendations id={id} />
            </Col>
            <Col xs={24} lg={12}>
              <CustomerReplenishmentCard id={id} />
            </Col>
          </Row>
          <CustomerPredictionCard id={id} />
          <Card style={{ marginTop: 16 }}>
            <Tabs
              items={[
                { key: 'orders', label: t('profile.orders'), children: <Orders orders={p.orders} /> },
                { key: 'events', label: t('profile.events'), children: <Events events={p.events} /> },
                { key: 'tags', label: t('profile.tag_history'), children: <TagHistory profile={p} /> },
                { key: 'stages', label: t('profile.stage_history'), children: <CustomerStages id={id} /> },
                { key: 'loyalty', label: t('profile.loyalty'), children: <CustomerLoyalty id={id} /> },
                { key: 'coupons', label: t('profile.coupons'), children: <CustomerCoupons id={id} /> },
                { key: 'service', label: t('tasks.tab'), children: <CustomerService id={id} /> },
              ]}
            />
          </Card>
        </>
      )}
    </Loaded>
  );
}

function Attributes({ profile: p }: { profile: Profile }) {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  const c = p.customer;
  return (
    <Card title={t('profile.attributes')}>
      <Descriptions
        column={1}
        size="small"
        items={[
          ...p.identities.map((i) => ({
            key: `id-${i.type}-${i.value}`,
            label: t(`identity.${i.type}` as MessageKey),
            children: i.value,
          })),
          { key: 'gender', label: t('customer.gender'), children: value('gender', c.gender) },
          { key: 'birthday', label: t('customer.birthday'), children: fmt.date(c.birthday) },
          { key: 'city', label: t('customer.city'), children: c.city ?? '—' },
          { key: 'tier', label: t('customer.tier'), children: c.member_tier ?? '—' },
          { key: 'orders', label: t('customer.orders'), children: fmt.number(c.order_count) },
          { key: 'net', label: t('customer.net_total'), children: fmt.money(c.net_total) },
          { key: 'first', label: t('customer.first_order'), children: fmt.date(c.first_order_date) },
          { key: 'last', label: t('customer.last_order'), children: fmt.date(c.last_order_date) },
          {
            key: 'stage',
            label: t('profile.recorded_stage'),
            children: c.lifecycle
              ? `${codeLabel(t, 'lifecycle', c.lifecycle)} · ${fmt.date(c.stage_as_of)}`
              : '—',
          },
          ...Object.entries(c.attributes).map(([k, v]) => ({ key: `a-${k}`, label: k, children: String(v) })),
          {
            key: 'tags',
            label: t('profile.tags'),
            children: p.tags.length ? p.tags.map((tag) => <Tag key={tag.tag}>{tag.tag}</Tag>) : '—',
          },
        ]}
      />
    </Card>
  );
}

function RfmCard({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const { fmt } = useSession();
  const rfm = useApi<CustomerRfm>(`/rfm/customers/${id}`);
  return (
    <Card title={t('profile.rfm')}>
      <Loaded query={rfm}>
        {(r) => {
          // A customer without orders in the window is not scored: only the stage is known.
          const s = r.scored ? r : undefined;
          return (
            <Descriptions
              column={1}
              size="small"
              items={[
                { key: 'group', label: t('rfm.group'), children: codeLabel(t, 'rfm', s?.rfm_group ?? null) },
                {
                  key: 'scores',
                  label: t('rfm.scores'),
                  children: s ? `R ${s.r_score} · F ${s.f_score} · M ${s.m_score}` : t('rfm.unscored'),
                },
                {
                  key: 'recency',
                  label: t('rfm.recency'),
                  children: t('rfm.days', { n: fmt.number(s?.recency) }),
                },
                { key: 'frequency', label: t('rfm.frequency'), children: fmt.number(s?.frequency) },
                { key: 'monetary', label: t('rfm.monetary'), children: fmt.money(s?.monetary) },
                {
                  key: 'action',
                  label: t('rfm.action'),
                  children: (s ? (lang === 'zh-CN' ? s.action_zh : s.action_en) : undefined) ?? '—',
                },
                {
                  key: 'lifecycle',
                  label: t('customers.lifecycle'),
                  children: codeLabel(t, 'lifecycle', r.lifecycle),
                },
              ]}
            />
          );
        }}
      </Loaded>
    </Card>
  );
}

function Orders({ orders }: { orders: Order[] }) {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  return (
    <Table<Order>
      rowKey="order_id"
      size="small"
      pagination={false}
      dataSource={orders}
      scroll={{ x: 640 }}
      expandable={{ expandedRowRender: (o) => <OrderLines orderId={o.order_id} /> }}
      columns={[
        { title: t('order.id'), dataIndex: 'order_id' },
        { title: t('order.date'), dataIndex: 'local_date', render: (v: string) => fmt.date(v) },
        {
          title: t('order.amount'),
          dataIndex: 'amount',
          align: 'right',
          render: (v: number) => fmt.money(v),
        },
        {
          title: t('order.refunded'),
          dataIndex: 'refunded_amount',
          align: 'right',
          render: (v: number) => fmt.money(v),
        },
        { title: t('order.status'), dataIndex: 'status', render: (v: string) => value('status', v) },
        { title: t('order.channel'), dataIndex: 'channel' },
        { title: t('order.coupon'), dataIndex: 'coupon_code' },
      ]}
    />
  );
}

function OrderLines({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const order = useApi<OrderWithLines>(`/orders/${encodeURIComponent(orderId)}`);
  return (
    <Loaded query={order}>
      {(o) => (
        <Table
          rowKey="line_no"
          size="small"
          pagination={false}
          dataSource={o.lines}
          columns={[
            { title: t('order.sku'), dataIndex: 'sku' },
            { title: t('order.product'), dataIndex: 'product_name' },
            { title: t('order.quantity'), dataIndex: 'quantity', align: 'right' },
            {
              title: t('order.amount'),
              dataIndex: 'amount',
              align: 'right',
              render: (v: number) => fmt.money(v),
            },
          ]}
        />
      )}
    </Loaded>
  );
}

function Events({ events }: { events: Profile['events'] }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  if (!events.length) return <Empty description={t('profile.no_events')} />;
  return (
    <Timeline
      items={events.map((e, i) => ({
        key: `${e.occurred_at}-${i}`,
        title: fmt.dateTime(e.occurred_at),
        content: <EventLine event={e} />,
      }))}
    />
  );
}

function EventLine({ event }: { event: TimelineEvent }) {
  const i18n = useI18n();
  const { fmt } = useSession();
  const { title, detail } = eventSentence(i18n, fmt, event);
  return (
    <span data-event={event.type}>
      <Typography.Text strong>{title}</Typography.Text>
      {detail && <Typography.Text type="secondary">{`（${detail}）`}</Typography.Text>}
    </span>
  );
}

function TagHistory({ profile }: { profile: Profile }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { fmt } = useSession();
  return (
    <Table
      rowKey={(r) => `${r.tag}-${r.at}-${r.action}`}
      size="small"
      pagination={false}
      dataSource={profile.tag_history}
      columns={[
        { title: t('profile.tag'), dataIndex: 'tag' },
        {
          title: t('profile.tag_action'),
          dataIndex: 'action',
          render: (v: string) => t(`tag.${v}` as MessageKey),
        },
        { title: t('profile.tag_source'), dataIndex: 'source', render: (v: string) => sourceLabel(i18n, v) },
        { title: t('profile.when'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
      ]}
    />
  );
}
