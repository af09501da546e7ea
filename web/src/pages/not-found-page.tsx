import { Result } from 'antd';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';

/** An address the dashboard has no page for. */
export function NotFoundPage() {
  const { t } = useI18n();
  return <Result status="404" title={t('notfound.title')} extra={<Link to="/">{t('nav.overview')}</Link>} />;
}
