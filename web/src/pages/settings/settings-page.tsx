import { Alert, Menu } from 'antd';
import type { ReactNode } from 'react';
import { useSession } from '../../api/session.tsx';
import { PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { setQuery, useLocation } from '../../router.tsx';
import { ApiKeysCard } from './api-keys-card.tsx';
import { AuditCard } from './audit-card.tsx';
import { CatalogCard } from './catalog-card.tsx';
import { ChannelsCard } from './channels-card.tsx';
import { CouponsCard } from './coupons-card.tsx';
import { DisplayCard } from './display-card.tsx';
import { LoyaltyCard } from './loyalty-card.tsx';
import { ReachCard } from './reach-card.tsx';
import { SegmentationCard } from './segmentation-card.tsx';
import { TasksCard } from './tasks-card.tsx';
import { UsersCard } from './users-card.tsx';
import { WorkspaceCard } from './workspace-card.tsx';

/** The sections of the settings, in the menu's order; `admin`: only admins see it. */
const SECTIONS: { key: string; admin: boolean; render: () => ReactNode }[] = [
  {
    key: 'basic',
    admin: false,
    render: () => (
      <>
        <WorkspaceCard />
        <DisplayCard />
      </>
    ),
  },
  { key: 'channels', admin: true, render: () => <ChannelsCard /> },
  { key: 'reach', admin: false, render: () => <ReachCard /> },
  { key: 'segmentation', admin: false, render: () => <SegmentationCard /> },
  { key: 'loyalty', admin: false, render: () => <LoyaltyCard /> },
  { key: 'coupons', admin: false, render: () => <CouponsCard /> },
  { key: 'catalog', admin: false, render: () => <CatalogCard /> },
  { key: 'members', admin: true, render: () => <UsersCard /> },
  { key: 'api_keys', admin: true, render: () => <ApiKeysCard /> },
  { key: 'audit', admin: true, render: () => <AuditCard /> },
  { key: 'tasks', admin: false, render: () => <TasksCard /> },
];

/**
 * The settings, one section at a time from a menu on the left (`?section=`): everyone reads the
 * workspace's rules, admins change them; channels, members, keys and the log are for admins.
 */
export function SettingsPage() {
  const { t } = useI18n();
  const { isAdmin } = useSession();
  const { query } = useLocation();
  const visible = SECTIONS.filter((s) => isAdmin || !s.admin);
  const current = visible.find((s) => s.key === query.get('section')) ?? visible[0]!;
  return (
    <>
      <PageTitle title={t('nav.settings')} />
      {!isAdmin && (
        <Alert style={{ marginBottom: 16 }} type="info" showIcon title={t('settings.admin_only')} />
      )}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 16, alignItems: 'flex-start' }}>
        <Menu
          aria-label={t('settings.sections')}
          mode="inline"
          selectedKeys={[current.key]}
          style={{ width: 180, flex: '0 0 auto' }}
          items={visible.map((s) => ({ key: s.key, label: t(`section.${s.key}` as never) }))}
          onClick={({ key }) => setQuery({ section: key })}
        />
        <div style={{ flex: '1 1 480px', minWidth: 0 }}>{current.render()}</div>
      </div>
    </>
  );
}
