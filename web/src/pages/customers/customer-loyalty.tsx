import { Descriptions, Table, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { messageReason, messageStatus, pointsReason } from '../../lib/display.ts';
import type { Loyalty, CustomerMessage as Message } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** A customer's points, tier and the messages they were sent, with their outcomes. */
export function CustomerLoyalty({ id }: { id: number }) {
  const i18n = useI18n();
  const { t, lang, value } = i18n;
  const { fmt } = useSession();
  const loyalty = useApi<Loyalty>(`/customers/${id}/loyalty`);
  const messages = useApi<Message[]>(`/customers/${id}/messages`);
  return (
    <>
      <Loaded query={loyalty}>
        {(l) => (
          <>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2 }}
              items={[
                { key: 'balance', label: t('loyalty.balance'), children: fmt.number(l.balance) },
                {
                  key: 'tier',
                  label: t('customer.tier'),
                  children: l.tier
                    ? `${(lang === 'zh-CN' ? l.tier.level?.name_zh : l.tier.level?.name_en) ?? l.tier.tier} · ${fmt.dateTime(l.tier.since)}`
                    : '—',
                },
              ]}
            />
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={l.ledger}
              locale={{ emptyText: t('loyalty.no_points') }}
              columns={[
                { title: t('profile.when'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v) },
                { title: t('loyalty.kind'), dataIndex: 'kind', render: (v: string) => value('ledger', v) },
                { title: t('loyalty.points'), dataIndex: 'points', align: 'right' },
                {
                  title: t('loyalty.reason'),
                  dataIndex: 'reason',
                  render: (r: string | null) => pointsReason(i18n, fmt, r),
                },
                {
                  title: t('loyalty.expires'),
                  dataIndex: 'expires_at',
                  render: (v: string | null) => fmt.dateTime(v),
                },
              ]}
            />
          </>
        )}
      </Loaded>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('profile.messages')}
      </Typography.Title>
      <Loaded query={messages}>
        {(rows) => (
          <Table<Message>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={rows}
            locale={{ emptyText: t('profile.no_messages') }}
            columns={[
              { title: t('profile.when'), dataIndex: 'created_at', render: (v: string) => fmt.dateTime(v) },
              {
                title: t('message.channel'),
                dataIndex: 'channel',
                render: (c: string) => value('channel', c),
              },
              { title: t('message.template'), dataIndex: 'template' },
              {
                title: t('message.status'),
                dataIndex: 'status',
                render: (v: string, m: Message) =>
                  `${messageStatus(i18n, v, m.reason, m.delivered_at !== null)}${m.resends ? t('message.resent', { n: m.resends }) : ''}`,
              },
              {
                title: t('message.reason'),
                dataIndex: 'reason',
                render: (r: string | null, m: Message) => {
                  const why = messageReason(i18n, m.status, r);
                  return why ? (
                    <span data-reason={r} title={why.detail}>
                      {why.text}
                    </span>
                  ) : (
                    ''
                  );
                },
              },
              {
                title: t('message.opened'),
                dataIndex: 'opened_at',
                render: (v: string | null) => fmt.dateTime(v),
              },
              {
                title: t('message.clicked'),
                dataIndex: 'clicked_at',
                render: (v: string | null) => fmt.dateTime(v),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
