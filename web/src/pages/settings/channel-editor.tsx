import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, InputNumber, Space, Switch, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { CHANNELS, type ChannelName } from '../../../../src/channels/channel.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ChannelConfig } from '../../lib/types.ts';
import { CHANNEL_FIELDS, CHANNEL_SECRETS } from './channel-fields.ts';
import { clearFieldErrors, showFieldErrors } from './field-errors.ts';

/** One tab per channel: its settings, and its secrets entered once (shown afterwards only as set). */
export function ChannelEditor({ rows }: { rows: ChannelConfig[] }) {
  const { value } = useI18n();
  return (
    <Tabs
      items={CHANNELS.map((c) => ({
        key: c,
        label: value('channel', c),
        children: <ChannelForm channel={c} saved={rows.find((r) => r.channel === c)} />,
      }))}
    />
  );
}

interface Values {
  config: Record<string, unknown>;
  secrets: Record<string, string | undefined>;
}

function ChannelForm({ channel, saved }: { channel: ChannelName; saved: ChannelConfig | undefined }) {
  const { t, value } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [problem, setProblem] = useState<string | null>(null);
  const [replacing, setReplacing] = useState<Record<string, boolean>>({});
  const secrets = saved ? Object.keys(saved.secrets) : CHANNEL_SECRETS[channel];
  const save = async (v: Values) => {
    setProblem(null);
    clearFieldErrors(form);
    // Settings the form does not show (set from the CLI) stay; a field left empty is left out, so
    // the server fills in its default; a secret left empty keeps its stored value.
    const config: Record<string, unknown> = { ...saved?.config };
    for (const f of CHANNEL_FIELDS[channel]) {
      const x = v.config[f.key];
      if (x === undefined || x === null || x === '') delete config[f.key];
      else config[f.key] = x;
    }
    const entered = Object.fromEntries(Object.entries(v.secrets ?? {}).filter(([, x]) => x));
    try {
      await api('PUT', '/channels', { channel, config, secrets: entered });
      message.success(t('settings.saved'));
      setReplacing({});
      form.setFieldValue('secrets', {});
      await client.invalidateQueries({ queryKey: ['/channels'] });
    } catch (error) {
      if (!showFieldErrors(form, error, t, (f) => ['config', ...f.split('.')]))
        setProblem(t('settings.save_failed'));
    }
  };
  return (
    <Form<Values>
      form={form}
      layout="vertical"
      style={{ maxWidth: 560 }}
      initialValues={{ config: saved?.config ?? {}, secrets: {} }}
      onFinish={(v) => void save(v)}
    >
      {CHANNEL_FIELDS[channel].map((f) => (
        <Form.Item
          key={f.key}
          name={['config', f.key]}
          label={t(f.label)}
          extra={f.hint && t(f.hint)}
          valuePropName={f.kind === 'switch' ? 'checked' : 'value'}
          rules={f.required ? [{ required: true, message: t('form.required') }] : []}
        >
          {f.kind === 'number' ? (
            <InputNumber aria-label={`${value('channel', channel)} ${t(f.label)}`} />
          ) : f.kind === 'switch' ? (
            <Switch aria-label={`${value('channel', channel)} ${t(f.label)}`} />
          ) : (
            <Input aria-label={`${value('channel', channel)} ${t(f.label)}`} />
          )}
        </Form.Item>
      ))}
      {secrets.map((s) => {
        const isSet = saved?.secrets[s] === 'set' && !replacing[s];
        const label = `${value('channel', channel)} ${value('secret', s)}`;
        return (
          <Form.Item key={s} label={value('secret', s)}>
            {isSet ? (
              <Space>
                <Tag color="green">{t('settings.secret_set')}</Tag>
                <Button
                  size="small"
                  aria-label={`${t('ch.replace')} ${label}`}
                  onClick={() => setReplacing({ ...replacing, [s]: true })}
                >
                  {t('ch.replace')}
                </Button>
              </Space>
            ) : (
              <Form.Item name={['secrets', s]} noStyle>
                <Input.Password
                  aria-label={label}
                  autoComplete="new-password"
                  placeholder={t('ch.secret_once')}
                />
              </Form.Item>
            )}
          </Form.Item>
        );
      })}
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit">
        {t('ch.save', { channel: value('channel', channel) })}
      </Button>
    </Form>
  );
}
