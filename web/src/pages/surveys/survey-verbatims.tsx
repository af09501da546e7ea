import { Button, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { SurveyResponses } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';

type Answer = SurveyResponses['items'][number];
const PAGE = 20;
const GROUP_COLOR = { promoter: 'green', passive: 'gold', detractor: 'red' } as const;

/** An answer's NPS group as a coloured tag in words (推荐者 / 中立者 / 贬损者). */
export function GroupTag({ group }: { group: Answer['nps_group'] }) {
  const { value } = useI18n();
  return group ? <Tag color={GROUP_COLOR[group]}>{value('nps_group', group)}</Tag> : <>—</>;
}

/**
 * Answers of a survey (the verbatims: those with words) or of a customer, newest first, a page at a
 * time through the API's cursor; names come masked as the API gives them.
 */
export function SurveyAnswers({ path, mode }: { path: string; mode: 'verbatims' | 'customer' }) {
  const { t, value } = useI18n();
  const { fmt } = useSession();
  // The cursors of the pages seen, so "previous" goes back without the API knowing.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useApi<SurveyResponses>(path, {
    with_text: mode === 'verbatims' ? 'true' : undefined,
    limit: PAGE,
    cursor,
  });
  return (
    <Loaded query={page}>
      {(p) => (
        <>
          <Table<Answer>
            aria-label={
              mode === 'verbatims' ? t('survey_results.verbatims') : t('survey_results.customer_answers')
            }
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={p.items}
            scroll={{ x: 640 }}
            locale={{ emptyText: t('survey_results.no_answers') }}
            columns={[
              {
                title: t('survey_results.answered_at'),
                dataIndex: 'answered_at',
                render: (v: string) => fmt.dateTime(v),
              },
              mode === 'verbatims'
                ? {
                    title: t('survey_results.customer'),
                    dataIndex: 'customer_name',
                    render: (v: string | null, a) => (
                      <Link to={`/customers/${a.customer_id}`}>{v ?? `#${a.customer_id}`}</Link>
                    ),
                  }
                : {
                    title: t('survey_results.survey'),
                    dataIndex: 'survey_name',
                    render: (v: string, a) => <Link to={`/surveys/${a.survey_id}`}>{v}</Link>,
                  },
              {
                title: t('survey_results.score'),
                dataIndex: 'score',
                align: 'right',
                render: (v) => fmt.number(v),
              },
              {
                title: t('survey_results.group'),
                dataIndex: 'nps_group',
                render: (g: Answer['nps_group']) => <GroupTag group={g} />,
              },
              {
                title: t('survey_results.comment'),
                dataIndex: 'comment',
                render: (v: string | null) => <Typography.Text>{v ?? '—'}</Typography.Text>,
              },
              {
                title: t('survey_results.channel'),
                dataIndex: 'channel',
                render: (v: string | null) => value('channel', v),
              },
            ]}
          />
          {(cursors.length > 0 || p.next_cursor) && (
            <Space style={{ marginTop: 8 }}>
              <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
                {t('survey_results.previous')}
              </Button>
              <Button
                disabled={!p.next_cursor}
                onClick={() => p.next_cursor && setCursors((c) => [...c, p.next_cursor!])}
              >
                {t('survey_results.next')}
              </Button>
            </Space>
          )}
        </>
      )}
    </Loaded>
  );
}
