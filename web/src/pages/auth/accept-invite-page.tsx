import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../../src/access/access-policy.ts';
import { ApiError, api, setCsrfToken } from '../../api/client.ts';
import { type Me, useAcceptInvitation } from '../../api/session.tsx';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { navigate } from '../../router.tsx';

// What went wrong, as a sentence the invitee can act on.
function problem(error: unknown): { key: MessageKey; minutes?: number } {
  if (!(error instanceof ApiError)) return { key: 'invite.failed' };
  if (error.status === 404) return { key: 'invite.invalid' };
  if (error.status === 401) return { key: 'invite.wrong_password' };
  if (error.status === 429) return { key: 'invite.too_many', minutes: 15 };
  if (error.status === 400) return { key: 'password.rule' };
  return { key: 'invite.failed' };
}

/**
 * `/invite/{token}`: accepting an invitation. A new person chooses a password; someone who already
 * has an account gives its password. Either way they are signed in to the workspace they joined.
 */
export function AcceptInvitePage({ token }: { token: string }) {
  const { t } = useI18n();
  const accept = useAcceptInvitation();
  // Someone already signed in as the invited email needs no password: the session's CSRF token
  // lets the server accept their cookie for it.
  useEffect(() => {
    if (!window.localStorage.getItem('retain.signedIn')) return;
    api<Me>('GET', '/auth/me')
      .then((me) => setCsrfToken(me.csrf_token))
      .catch(() => undefined);
  }, []);
  const failure = accept.isError ? problem(accept.error) : null;
  return (
    <main
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        padding: 16,
        background: '#f5f5f5',
      }}
    >
      <Card style={{ width: '100%', maxWidth: 420 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('invite.title')}
            </Typography.Title>
            <LanguageSwitch />
          </div>
          <Typography.Paragraph type="secondary">{t('invite.intro')}</Typography.Paragraph>
          {failure && (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={t(failure.key, { minutes: failure.minutes ?? 15, n: MIN_PASSWORD_LENGTH })}
            />
          )}
          <Form
            layout="vertical"
            onFinish={(values: { password: string; name?: string }) =>
              accept.mutate(
                { token, password: values.password || undefined, name: values.name || undefined },
                { onSuccess: () => navigate('/', true) },
              )
            }
          >
            <Form.Item
              label={t('invite.password')}
              name="password"
              extra={t('password.rule', { n: MIN_PASSWORD_LENGTH })}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item label={t('invite.name')} name="name">
              <Input autoComplete="name" maxLength={200} />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={accept.isPending}>
              {t('invite.submit')}
            </Button>
          </Form>
        </Space>
      </Card>
    </main>
  );
}
