import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Popconfirm, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import type { KeyCreated, KeyOut } from '../../../src/api/access-schemas.ts';
import { api } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { Loaded, PageTitle } from '../components/page.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages-zh-cn.ts';
import { useApi } from '../lib/use-api.ts';
import { ChannelsCard } from './settings/channels-card.tsx';
import { DisplayCard } from './settings/display-card.tsx';
import { UsersCard } from './settings/users-card.tsx';
import { WorkspaceCard } from './settings/workspace-card.tsx';

const ROLES = ['admin', 'operator', 'service', 'viewer'] as const;

/** Workspace settings for everyone to read (admins change them); channels, users and API keys for admins. */
export function SettingsPage() {
  const { t } = useI18n();
  const { isAdmin } = useSession();
  return (
    <>
      <PageTitle title={t('nav.settings')} />
      <WorkspaceCard />
      <DisplayCard />
      {isAdmin ? (
        <AdminSettings />
      ) : (
        <Alert style={{ marginTop: 16 }} type="info" showIcon title={t('settings.admin_only')} />
      )}
    </>
  );
}

function AdminSettings() {
  const { t } = useI18n();
  const { fmt } = useSession();
  const client = useQueryClient();
  const keys = useApi<KeyOut[]>('/api-keys');
  const [newKey, setNewKey] = useState<string | null>(null);
  const addKey = async (v: { name: string; role: string }) => {
    const made = await api<KeyCreated>('POST', '/api-keys', v);
    setNewKey(made.key);
    await client.invalidateQueries({ queryKey: ['/api-keys'] });
  };
  const revoke = async (id: number) => {
    await api('DELETE', `/api-keys/${id}`);
    await client.invalidateQueries({ queryKey: ['/api-keys'] });
  };
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
  return (
    <>
      <ChannelsCard />
      <UsersCard />
      <Card title={t('settings.api_keys')} style={{ marginTop: 16 }}>
        <Form layout="inline" onFinish={(v) => void addKey(v)} style={{ marginBottom: 12, rowGap: 8 }}>
          <Form.Item
            name="name"
            label={t('settings.key_name')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('settings.role')} initialValue="viewer">
            <Select options={roleOptions} style={{ width: 120 }} />
          </Form.Item>
          <Button htmlType="submit">{t('common.create')}</Button>
        </Form>
        {newKey && (
          <Alert
            type="success"
            showIcon
            title={t('settings.key_once')}
            description={<Typography.Text copyable>{newKey}</Typography.Text>}
          />
        )}
        <Loaded query={keys}>
          {(rows) => (
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={rows}
              columns={[
                { title: t('settings.key_name'), dataIndex: 'name' },
                {
                  title: t('settings.role'),
                  dataIndex: 'role',
                  render: (r: string) => t(`role.${r}` as MessageKey),
                },
                { title: t('settings.prefix'), dataIndex: 'prefix' },
                {
                  title: t('settings.last_used'),
                  dataIndex: 'last_used_at',
                  render: (v: string | null) => fmt.dateTime(v),
                },
                {
                  title: t('settings.revoked'),
                  dataIndex: 'revoked_at',
                  render: (v: string | null) => fmt.dateTime(v),
                },
                {
                  title: t('common.actions'),
                  key: 'revoke',
                  render: (_: unknown, k: { id: number; revoked_at: string | null }) =>
                    k.revoked_at ? null : (
                      <Popconfirm title={t('settings.confirm_revoke')} onConfirm={() => void revoke(k.id)}>
                        <Button size="small" danger>
                          {t('settings.revoke')}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
    </>
  );
}
