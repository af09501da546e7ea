import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { WorkspaceInfo, WorkspaceSettings } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** Currencies merchants of Retain trade in most; any ISO code is accepted by the API. */
const CURRENCIES = ['CNY', 'HKD', 'TWD', 'MOP', 'SGD', 'JPY', 'KRW', 'USD', 'EUR', 'GBP', 'AUD', 'CAD'];

/** The workspace's name, zone, currency and RFM split; admins change them here. */
export function WorkspaceCard() {
  const { t } = useI18n();
  const { me, isAdmin } = useSession();
  const settings = useApi<WorkspaceSettings>('/workspace/settings');
  const workspace = useApi<WorkspaceInfo>('/workspace');
  return (
    <Card title={t('settings.workspace')}>
      <Loaded query={settings}>
        {(s) =>
          isAdmin ? (
            <Loaded query={workspace}>
              {(w) => <WorkspaceForm split={s.rfm.split} locked={w.locked} />}
            </Loaded>
          ) : (
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'name', label: t('settings.name'), children: me.workspace.name },
                { key: 'zone', label: t('settings.zone'), children: me.workspace.timezone },
                { key: 'currency', label: t('settings.currency'), children: me.workspace.currency },
                {
                  key: 'split',
                  label: t('settings.rfm_split'),
                  children: t(`split.${s.rfm.split}` as MessageKey),
                },
              ]}
            />
          )
        }
      </Loaded>
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('settings.thresholds_hint')}
      </Typography.Paragraph>
    </Card>
  );
}

interface Values {
  timezone: string;
  currency: string;
  split: string;
}

function WorkspaceForm({ split, locked }: { split: string; locked: boolean }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => ({ value: z, label: z })), []);
  const save = async (v: Values) => {
    setProblem(null);
    try {
      if (v.timezone !== me.workspace.timezone || v.currency !== me.workspace.currency)
        await api('PATCH', '/workspace', { timezone: v.timezone, currency: v.currency });
      if (v.split !== split) await api('PATCH', '/workspace/settings', { 'rfm.split': v.split });
      message.success(t('settings.saved'));
      // Money and dates everywhere follow the workspace: read it and everything again.
      await client.invalidateQueries();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setProblem(t('settings.zone_locked'));
      else setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <Form<Values>
      layout="vertical"
      style={{ maxWidth: 420 }}
      initialValues={{ timezone: me.workspace.timezone, currency: me.workspace.currency, split }}
      onFinish={(v) => void save(v)}
    >
      <Form.Item label={t('settings.name')}>
        <Typography.Text strong>{me.workspace.name}</Typography.Text>
      </Form.Item>
      {locked && (
        <Alert type="info" showIcon title={t('settings.zone_locked')} style={{ marginBottom: 12 }} />
      )}
      <Form.Item name="timezone" label={t('settings.zone')} extra={t('settings.zone_hint')}>
        <Select showSearch options={zones} aria-label={t('settings.zone')} disabled={locked} />
      </Form.Item>
      <Form.Item name="currency" label={t('settings.currency')}>
        <Select
          showSearch
          disabled={locked}
          options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          aria-label={t('settings.currency')}
        />
      </Form.Item>
      <Form.Item name="split" label={t('settings.rfm_split')}>
        <Select
          aria-label={t('settings.rfm_split')}
          options={['mean', 'score'].map((v) => ({ value: v, label: t(`split.${v}` as MessageKey) }))}
        />
      </Form.Item>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit">
        {t('common.save')}
      </Button>
    </Form>
  );
}
