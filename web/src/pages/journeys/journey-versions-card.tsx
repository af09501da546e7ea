import { Card, Table, Tag } from 'antd';
import type { HTMLAttributes } from 'react';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useApi } from '../../lib/use-api.ts';
import type { JourneyVersion } from './journey-report-types.ts';

/**
 * The published versions, newest first, with how many customers are still inside each: after a
 * publish those who entered before keep going on the version they entered, and this shows it.
 */
export function JourneyVersions({ name }: { name: string }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const versions = useApi<JourneyVersion[]>(
    `/journeys/${encodeURIComponent(name)}/versions`,
    {},
    { staleTime: 0 },
  );
  if (!versions.data?.length) return null;
  return (
    <Card title={t('jversions.title')} size="small">
      <Table<JourneyVersion>
        rowKey="version"
        size="small"
        pagination={false}
        scroll={{ x: 560 }}
        dataSource={versions.data}
        onRow={(v) => ({ 'data-version': v.version }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('jversions.version'),
            key: 'version',
            render: (_, v) => (
              <>
                {t('jversions.nth', { version: v.version })}
                {v.current && (
                  <Tag color="green" style={{ marginInlineStart: 8 }}>
                    {t('jversions.current')}
                  </Tag>
                )}
              </>
            ),
          },
          {
            title: t('jversions.published_at'),
            dataIndex: 'published_at',
            render: (at: string) => fmt.dateTime(at),
          },
          {
            title: t('jversions.in_progress'),
            dataIndex: 'in_progress',
            align: 'right',
            render: (n: number) => <span data-in-progress>{fmt.number(n)}</span>,
          },
        ]}
      />
    </Card>
  );
}
