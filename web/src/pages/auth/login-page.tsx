import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useLogin } from '../../api/session.tsx';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** Sign-in with email and password (the API sets the session cookie). */
export function LoginPage() {
  const { t } = useI18n();
  const login = useLogin();
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
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('login.title')}
            </Typography.Title>
            <LanguageSwitch />
          </div>
          <Typography.Paragraph type="secondary">{t('app.tagline')}</Typography.Paragraph>
          {login.isError && <Alert type="error" showIcon title={t('login.failed')} role="alert" />}
          <Form
            layout="vertical"
            onFinish={(values: { email: string; password: string }) => login.mutate(values)}
          >
            <Form.Item
              label={t('login.email')}
              name="email"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input type="email" autoComplete="username" />
            </Form.Item>
            <Form.Item
              label={t('login.password')}
              name="password"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input.Password autoComplete="current-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={login.isPending}>
              {t('login.submit')}
            </Button>
          </Form>
        </Space>
      </Card>
    </main>
  );
}
