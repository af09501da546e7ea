import { Alert, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

/** A page's title and, to its right, its controls. */
export function PageTitle({ title, extra }: { title: string; extra?: ReactNode }) {
  return (
    <div
      style={{
        display: 'flex',
        flexWrap: 'wrap',
        gap: 12,
        justifyContent: 'space-between',
        alignItems: 'center',
        marginBottom: 16,
      }}
    >
      <Typography.Title level={2} style={{ margin: 0, fontSize: 24 }}>
        {title}
      </Typography.Title>
      {extra}
    </div>
  );
}

/** Loading spinner, error message, or the content once the data is there. */
export function Loaded<T>({
  query,
  children,
}: {
  query: { data: T | undefined; error: Error | null; isPending: boolean };
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  if (query.error)
    return <Alert type="error" showIcon title={t('error.load')} description={query.error.message} />;
  if (query.isPending || query.data === undefined) return <Spin aria-label={t('common.loading')} />;
  return <>{children(query.data)}</>;
}
