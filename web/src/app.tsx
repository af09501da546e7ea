import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { SessionGate } from './api/session.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { Layout } from './layout.tsx';
import { reducedMotion } from './lib/motion.ts';
import { AcceptInvitePage } from './pages/auth/accept-invite-page.tsx';
import { LoginPage } from './pages/auth/login-page.tsx';
import { useLocation } from './router.tsx';
import { routeFor } from './routes.tsx';

// Ant Design's defaults put secondary text, placeholders and green/red figures below WCAG AA's
// 4.5:1 contrast on white; these are darker versions of the same colours.
const THEME = {
  token: {
    colorPrimary: '#0b57d0',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    colorSuccess: '#237804',
    colorError: '#c41d1d',
    motion: !reducedMotion,
  },
};

/** The dashboard: Ant Design in the chosen language, an invitation, the login page or the signed-in layout. */
export function App() {
  const { lang } = useI18n();
  const location = useLocation();
  // An invitation link works signed in or not, so it is shown before the session gate.
  const invite = /^\/invite\/([^/]+)$/.exec(location.path);
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        {invite ? (
          <AcceptInvitePage token={decodeURIComponent(invite[1]!)} />
        ) : (
          <SessionGate signedOut={<LoginPage />}>
            <Layout path={location.path}>{routeFor(location.path)}</Layout>
          </SessionGate>
        )}
      </AntApp>
    </ConfigProvider>
  );
}
