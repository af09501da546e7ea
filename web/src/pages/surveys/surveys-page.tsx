import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm, Space, Table, Tag } from 'antd';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EmptyNext } from '../../components/empty-next.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import type { Survey } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';

/** Surveys (问卷): the list with kind, status and answers; new, change, archive and results. */
export function SurveysPage() {
  const { t, value } = useI18n();
  const { me, fmt } = useSession();
  const surveys = useApi<{ items: Survey[] }>('/surveys');
  const client = useQueryClient();
  const { message } = App.useApp();
  const writer = may(me.role, 'messaging.write');

  const archive = async (survey: Survey) => {
    try {
      await api('PATCH', `/surveys/${survey.id}`, { status: 'archived' });
      message.success(t('surveys.archived', { name: survey.name }));
      await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/surveys') });
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <>
      <PageTitle
        title={t('surveys.title')}
        extra={
          writer ? (
            <Button type="primary" onClick={() => navigate('/surveys/new')}>
              {t('surveys.new')}
            </Button>
          ) : (
            <span>{t('surveys.read_only')}</span>
          )
        }
      />
      <Loaded query={surveys}>
        {(page) => (
          <Table<Survey>
            rowKey="id"
            size="small"
            dataSource={page.items}
            pagination={false}
            scroll={{ x: 720 }}
            locale={{
              emptyText: (
                <EmptyNext text={t(writer ? 'empty.surveys_next' : 'surveys.none')}>
                  {writer && (
                    <Button type="primary" onClick={() => navigate('/surveys/new')}>
                      {t('surveys.new')}
                    </Button>
                  )}
                </EmptyNext>
              ),
            }}
            columns={[
              {
                title: t('surveys.name'),
                dataIndex: 'name',
                render: (name: string, s) => <Link to={`/surveys/${s.id}`}>{name}</Link>,
              },
              { title: t('surveys.kind'), dataIndex: 'kind', render: (k: string) => value('survey_kind', k) },
              {
                title: t('surveys.status'),
                dataIndex: 'status',
                render: (v: string) => (
                  <Tag color={v === 'active' ? 'green' : 'default'}>{value('survey_status', v)}</Tag>
                ),
              },
              {
                title: t('surveys.answers'),
                dataIndex: 'responses',
                align: 'right',
                render: (n: number) => fmt.number(n),
              },
              {
                title: t('surveys.updated'),
                dataIndex: 'updated_at',
                render: (v: string) => fmt.dateTime(v),
              },
              {
                title: '',
                key: 'actions',
                render: (_: unknown, s) => (
                  <Space wrap size={4}>
                    <Button size="small" onClick={() => navigate(`/surveys/${s.id}`)}>
                      {t('surveys.results')}
                    </Button>
                    <Button size="small" onClick={() => navigate(`/surveys/${s.id}/edit`)}>
                      {writer ? t('surveys.edit') : t('surveys.view')}
                    </Button>
                    {writer && s.status === 'active' && (
                      <Popconfirm
                        title={t('surveys.archive_confirm', { name: s.name })}
                        okText={t('surveys.archive')}
                        cancelText={t('tasks.cancel')}
                        onConfirm={() => void archive(s)}
                      >
                        <Button size="small" danger>
                          {t('surveys.archive')}
                        </Button>
                      </Popconfirm>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
