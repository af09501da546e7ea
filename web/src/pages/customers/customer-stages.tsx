import { Empty, Timeline, Typography } from 'antd';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { codeLabel } from '../../lib/labels.ts';
import type { StageChange } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';

/** A customer's lifecycle stage and RFM group changes as recorded day by day, newest first. */
export function CustomerStages({ id }: { id: number }) {
  const { t } = useI18n();
  const { fmt } = useSession();
  const history = useApi<StageChange[]>(`/customers/${id}/stages`);
  return (
    <Loaded query={history}>
      {(rows) =>
        rows.length === 0 ? (
          <Empty description={t('profile.no_stages')} />
        ) : (
          <Timeline
            items={[...rows].reverse().map((r, i) => {
              const kind = r.kind === 'lifecycle' ? 'lifecycle' : 'rfm';
              const label = (code: string | null) =>
                code ? codeLabel(t, kind, code) : t('profile.first_recording');
              return {
                key: `${r.kind}-${r.as_of}-${i}`,
                color: r.kind === 'lifecycle' ? 'blue' : 'purple',
                title: fmt.date(r.as_of),
                content: (
                  <>
                    <Typography.Text strong>
                      {t(r.kind === 'lifecycle' ? 'profile.stage_lifecycle' : 'profile.stage_rfm')}
                    </Typography.Text>{' '}
                    {label(r.from)} → {label(r.to)}
                  </>
                ),
              };
            })}
          />
        )
      }
    </Loaded>
  );
}
