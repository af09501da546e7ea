import { Alert, Button, Card, Input, Space, Table } from 'antd';
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { ChannelConfig as ChannelRow, ChannelTestResult as TestResult } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** What a test on a channel is sent to; webhook and WeCom robot post to their fixed endpoint. */
const ADDRESS: Record<string, MessageKey | undefined> = {
  email: 'settings.test_email',
  sms_aliyun: 'settings.test_phone',
  sms_tencent: 'settings.test_phone',
  wechat_template: 'settings.test_openid',
};

/** The fields of a channel's settings the card shows, with their labels (WeCom customer contact). */
const FIELDS: Record<string, [string, MessageKey][] | undefined> = {
  wecom_customer: [
    ['corp_id', 'wecom.corp_id'],
    ['api_base', 'wecom.api_base'],
    ['pending_hours', 'wecom.pending_hours'],
  ],
};

/** The workspace's channels with their settings, secrets as set / not set, and a test send on each. */
export function ChannelsCard() {
  const { t, value } = useI18n();
  const channels = useApi<ChannelRow[]>('/channels');
  return (
    <Card title={t('settings.channels')} style={{ marginTop: 16 }}>
      <Loaded query={channels}>
        {(rows) => (
          <Table<ChannelRow>
            rowKey="channel"
            size="small"
            pagination={false}
            scroll={{ x: true }}
            dataSource={rows}
            columns={[
              {
                title: t('message.channel'),
                dataIndex: 'channel',
                render: (c: string) => value('channel', c),
              },
              {
                title: t('settings.config'),
                key: 'config',
                render: (_: unknown, r: ChannelRow) =>
                  (FIELDS[r.channel] ?? [])
                    .map(([k, label]) => `${t(label)}：${String(r.config[k] ?? '—')}`)
                    .join('；'),
              },
              {
                title: t('settings.secrets'),
                dataIndex: 'secrets',
                render: (s: Record<string, string>) =>
                  Object.entries(s)
                    .map(
                      ([k, v]) =>
                        `${value('secret', k)}：${t(v === 'set' ? 'settings.secret_set' : 'settings.secret_not_set')}`,
                    )
                    .join('；'),
              },
              {
                title: t('settings.test_send'),
                key: 'test',
                render: (_: unknown, r: { channel: string }) => <TestSend channel={r.channel} />,
              },
            ]}
          />
        )}
      </Loaded>
    </Card>
  );
}

function TestSend({ channel }: { channel: string }) {
  const { t } = useI18n();
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<TestResult | null>(null);
  const address = ADDRESS[channel];
  const send = async () => {
    setBusy(true);
    setResult(null);
    try {
      setResult(await api<TestResult>('POST', `/channels/${channel}/test`, address ? { to } : {}));
    } catch (error) {
      setResult({ sent: false, error: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
      <Space.Compact>
        {address && (
          <Input
            aria-label={`${channel} ${t(address)}`}
            placeholder={t(address)}
            value={to}
            onChange={(e) => setTo(e.target.value)}
            style={{ minWidth: 180 }}
          />
        )}
        <Button loading={busy} onClick={() => void send()} disabled={Boolean(address) && !to.trim()}>
          {t('settings.test_send')}
        </Button>
      </Space.Compact>
      {result &&
        (result.sent ? (
          <Alert type="success" showIcon title={t('settings.test_sent')} />
        ) : (
          <Alert type="error" showIcon title={t('settings.test_failed')} description={result.error} />
        ))}
    </Space>
  );
}
