import { Descriptions, Table, Typography } from 'antd';
import { WECOM_REASONS } from '../../../src/channels/wecom-contract.ts';
import { useSession } from '../api/session.tsx';
import { Loaded } from '../components/page.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Loyalty, CustomerMessage as Message } from '../lib/types.ts';
import { useApi } from '../lib/use-api.ts';

/** The reasons the profile shows in words: those of WeCom customer contact. */
const SHOWN_REASONS: readonly string[] = WECOM_REASONS;

/** A customer's points, tier and the messages they were sent, with their outcomes. */
export function CustomerLoyalty({ id }: { id: number }) {
  const { t, lang, value } = useI18n();
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
                { title: t('loyalty.reason'), dataIndex: 'reason' },
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
                  `${value('msg', v === 'sent' && m.delivered_at ? 'delivered' : v)}${m.resends ? t('message.resent', { n: m.resends }) : ''}`,
              },
              {
                title: t('message.reason'),
                dataIndex: 'reason',
                render: (r: string | null) => (r && SHOWN_REASONS.includes(r) ? value('reason', r) : ''),
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
