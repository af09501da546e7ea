import { Layout as AntLayout, Button, Menu, Select, Space, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useSession } from './api/session.tsx';
import { LanguageSwitch } from './components/language-switch.tsx';
import { PasswordChange } from './components/password-change.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { Link } from './router.tsx';
import { NAV, navKeyFor } from './routes.tsx';

/** The signed-in frame: navigation, workspace switcher, language switch, password change and sign-out. */
export function Layout({ path, children }: { path: string; children: ReactNode }) {
  const { t } = useI18n();
  const { me, switchWorkspace, logout } = useSession();
  const [collapsed, setCollapsed] = useState(false);
  const items = NAV.map((n) => ({ key: n.path, label: <Link to={n.path}>{t(n.label)}</Link> }));
  return (
    <AntLayout style={{ minHeight: '100vh' }}>
      <AntLayout.Sider
        breakpoint="md"
        collapsedWidth={0}
        collapsed={collapsed}
        onCollapse={setCollapsed}
        theme="light"
        width={200}
      >
        <div style={{ padding: '16px 20px' }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('app.name')}
          </Typography.Title>
        </div>
        <nav aria-label={t('nav.label')}>
          <Menu mode="inline" selectedKeys={[navKeyFor(path)]} items={items} />
        </nav>
      </AntLayout.Sider>
      <AntLayout>
        <AntLayout.Header
          style={{
            background: '#fff',
            // Room on the left for the menu button the collapsed navigation leaves there.
            padding: collapsed ? '8px 16px 8px 56px' : '8px 16px',
            height: 'auto',
            lineHeight: 'normal',
            display: 'flex',
            flexWrap: 'wrap',
            gap: 8,
            justifyContent: 'flex-end',
            alignItems: 'center',
          }}
        >
          <Space wrap>
            <Select
              aria-label={t('header.workspace')}
              value={me.workspace.name}
              onChange={(name) => void switchWorkspace(name)}
              options={me.workspaces.map((w) => ({ value: w.name, label: w.name }))}
              style={{ minWidth: 140 }}
            />
            <LanguageSwitch />
            <Typography.Text>
              {me.user.label} · {t(`role.${me.role}`)}
            </Typography.Text>
            {me.user.kind === 'user' && <PasswordChange />}
            <Button onClick={() => void logout()}>{t('header.logout')}</Button>
          </Space>
        </AntLayout.Header>
        <AntLayout.Content style={{ padding: 16, minWidth: 0 }}>
          <main>{children}</main>
        </AntLayout.Content>
      </AntLayout>
    </AntLayout>
  );
}
