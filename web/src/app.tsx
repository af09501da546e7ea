import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { SessionGate } from './api/session.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { Layout } from './layout.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { useLocation } from './router.tsx';
import { routeFor } from './routes.tsx';

/** The dashboard: Ant Design in the chosen language, the login page or the signed-in layout. */
export function App() {
  const { lang } = useI18n();
  const location = useLocation();
  return (
    <ConfigProvider
      locale={lang === 'zh-CN' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#0b57d0' } }}
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        <SessionGate signedOut={<LoginPage />}>
          <Layout path={location.path}>{routeFor(location.path)}</Layout>
        </SessionGate>
      </AntApp>
    </ConfigProvider>
  );
}
