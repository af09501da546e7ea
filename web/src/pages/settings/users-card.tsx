import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { INVITATION_DAYS } from '../../../../src/access/access-policy.ts';
import type {
  InvitationCreated,
  InvitationOut,
  InviteBody,
  PasswordResetOut,
  UserOut,
} from '../../../../src/api/access-schemas.ts';
import type { Store } from '../../../../src/stores/store-contract.ts';
import { ApiError, api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import { MemberModal } from './member-modal.tsx';

const ROLES = ['admin', 'operator', 'service', 'viewer'] as const;

/**
 * Members join by invitation: an admin creates a link for an email and role and sends it; the
 * link is shown once. Members can be removed, or given a new password shown once.
 */
export function UsersCard() {
  const { t } = useI18n();
  const { fmt, me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const users = useApi<UserOut[]>('/users');
  const stores = useApi<Store[]>('/stores');
  const storeName = new Map((stores.data ?? []).map((s) => [s.code, s.name]));
  const [editing, setEditing] = useState<UserOut | null>(null);
  const invitations = useApi<InvitationOut[]>('/invitations');
  const [link, setLink] = useState<string | null>(null);
  const [reset, setReset] = useState<{ email: string; password: string } | null>(null);
  const refresh = (path: string) => client.invalidateQueries({ queryKey: [path] });
  const invite = async (body: InviteBody) => {
    const made = await api<InvitationCreated>('POST', '/invitations', body);
    setLink(`${window.location.origin}${made.accept_path}`);
    await refresh('/invitations');
  };
  const revoke = async (id: number) => {
    await api('DELETE', `/invitations/${id}`);
    await refresh('/invitations');
  };
  const remove = async (id: number) => {
    await api('DELETE', `/users/${id}`);
    await refresh('/users');
  };
  const resetPassword = async (user: UserOut) => {
    try {
      const done = await api<PasswordResetOut>('POST', `/users/${user.id}/password-reset`);
      setReset({ email: user.email, password: done.password });
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) message.error(t('users.reset_other_workspaces'));
      else throw error;
    }
  };
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));
  return (
    <Card title={t('settings.users')}>
      {editing && <MemberModal user={editing} onClose={() => setEditing(null)} />}
      <Typography.Title level={5}>{t('invite.form_title')}</Typography.Title>
      <Form<InviteBody>
        layout="inline"
        onFinish={(v) => void invite(v)}
        style={{ marginBottom: 12, rowGap: 8 }}
      >
        <Form.Item
          name="email"
          label={t('invite.email')}
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input type="email" />
        </Form.Item>
        <Form.Item name="role" label={t('settings.role')} initialValue="viewer">
          <Select options={roleOptions} style={{ width: 120 }} />
        </Form.Item>
        <Button htmlType="submit">{t('invite.send')}</Button>
      </Form>
      {link && (
        <Alert
          type="success"
          showIcon
          title={t('invite.link_once', { days: INVITATION_DAYS })}
          description={<Typography.Text copyable>{link}</Typography.Text>}
          style={{ marginBottom: 12 }}
        />
      )}
      {reset && (
        <Alert
          type="warning"
          showIcon
          title={t('users.reset_once', { email: reset.email })}
          description={<Typography.Text copyable>{reset.password}</Typography.Text>}
          style={{ marginBottom: 12 }}
        />
      )}
      <Typography.Title level={5}>{t('users.members')}</Typography.Title>
      <Loaded query={users}>
        {(rows) => (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={rows}
            columns={[
              { title: t('login.email'), dataIndex: 'email' },
              {
                title: t('settings.role'),
                dataIndex: 'role',
                render: (r: UserOut['role']) => t(`role.${r}`),
              },
              {
                title: t('members.stores'),
                dataIndex: 'stores',
                render: (list: string[]) =>
                  list.length
                    ? list.map((code) => storeName.get(code) ?? code).join('、')
                    : t('members.no_store'),
              },
              {
                title: t('members.language'),
                dataIndex: 'language',
                render: (l: UserOut['language']) => t(l === 'en' ? 'members.lang_en' : 'members.lang_zh'),
              },
              {
                title: t('settings.created'),
                dataIndex: 'created_at',
                render: (v: string) => fmt.dateTime(v),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_: unknown, u: UserOut) => (
                  <Space>
                    <Button
                      size="small"
                      aria-label={`${t('common.edit')} ${u.email}`}
                      onClick={() => setEditing(u)}
                    >
                      {t('common.edit')}
                    </Button>
                    {u.email !== me.user.label && (
                      <>
                        <Popconfirm title={t('users.confirm_reset')} onConfirm={() => void resetPassword(u)}>
                          <Button size="small">{t('users.reset')}</Button>
                        </Popconfirm>
                        <Popconfirm
                          title={t('settings.confirm_remove_user')}
                          onConfirm={() => void remove(u.id)}
                        >
                          <Button size="small" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      </>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Loaded>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('invite.list')}
      </Typography.Title>
      <Loaded query={invitations}>
        {(rows) => (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={rows}
            columns={[
              { title: t('invite.email'), dataIndex: 'email' },
              {
                title: t('settings.role'),
                dataIndex: 'role',
                render: (r: InvitationOut['role']) => t(`role.${r}`),
              },
              {
                title: t('common.status'),
                dataIndex: 'status',
                render: (s: InvitationOut['status']) => t(`invite.status.${s}`),
              },
              { title: t('invite.expires'), dataIndex: 'expires_at', render: (v: string) => fmt.dateTime(v) },
              {
                title: t('common.actions'),
                key: 'revoke',
                render: (_: unknown, i: InvitationOut) =>
                  i.status !== 'pending' ? null : (
                    <Popconfirm title={t('invite.confirm_revoke')} onConfirm={() => void revoke(i.id)}>
                      <Button size="small" danger>
                        {t('invite.revoke')}
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
