import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Popconfirm, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { ROLES } from '../../../../src/access/roles.ts';
import type { KeyCreated, KeyOut } from '../../../../src/api/access-schemas.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { useApi } from '../../lib/use-api.ts';

/** API keys: created with a role, the key shown once; revoked at once. */
export function ApiKeysCard() {
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
    <Card title={t('settings.api_keys')}>
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
  );
}
