import { Alert, Button, Card, Input, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { ChannelName } from '../../../../src/channels/channel.ts';
import { api } from '../../api/client.ts';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { ChannelConfig as ChannelRow, ChannelTestResult as TestResult } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { ChannelEditor } from './channel-editor.tsx';
import { CHANNEL_FIELDS } from './channel-fields.ts';

/** What a test on a channel is sent to; webhook and WeCom robot post to their fixed endpoint. */
const ADDRESS: Record<string, MessageKey | undefined> = {
  email: 'settings.test_email',
  sms_aliyun: 'settings.test_phone',
  sms_tencent: 'settings.test_phone',
  wechat_template: 'settings.test_openid',
};

/**
 * The workspace's channels: a form for each (secrets entered once, then shown only as set), and
 * the configured ones with their settings and a test send on each.
 */
export function ChannelsCard() {
  const { t, value } = useI18n();
  const channels = useApi<ChannelRow[]>('/channels');
  return (
    <Card title={t('settings.channels')}>
      <Loaded query={channels}>{(rows) => <ChannelEditor rows={rows} />}</Loaded>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('ch.configured')}
      </Typography.Title>
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
                  (CHANNEL_FIELDS[r.channel as ChannelName] ?? [])
                    .filter((f) => f.kind !== 'switch')
                    .map((f) => `${t(f.label)}：${String(r.config[f.key] ?? '—')}`)
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
