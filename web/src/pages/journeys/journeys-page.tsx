import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { EmptyNext } from '../../components/empty-next.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';
import { PlaybookInstallButton } from '../playbook/playbook-install.tsx';
import { type JourneyRow, stepsInOrder } from './journey-report-types.ts';
import { useStepNames } from './journey-step-names.ts';
import { triggerSummary } from './journey-trigger-summary.ts';

/** The address of a journey's results, and of its builder. */
export const journeyPath = (name: string, edit = false) =>
  `/journeys/${edit ? 'edit' : 'view'}/${encodeURIComponent(name)}`;

/** Pauses or resumes a journey, then refreshes what shows it. */
export function usePauseResume() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  return async (name: string, verb: 'pause' | 'resume') => {
    try {
      await api('POST', `/journeys/${encodeURIComponent(name)}/${verb}`);
      message.success(t(verb === 'pause' ? 'journeys.paused_msg' : 'journeys.resumed_msg', { name }));
    } catch (error) {
      message.error((error as Error).message);
    }
    await client.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('/journeys') });
  };
}

/** A journey's status as a coloured tag. */
export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag color={status === 'active' ? 'green' : status === 'draft' ? 'default' : 'orange'}>
      {t(`journeys.status_${status === 'active' ? 'active' : status === 'draft' ? 'draft' : 'paused'}`)}
    </Tag>
  );
}

/** The journeys: status, trigger, how many reached each step; pause and resume. */
export function JourneysPage() {
  const { t, value } = useI18n();
  const { me, fmt } = useSession();
  // The worker moves customers on all the time: figures are fetched afresh on every visit.
  const list = useApi<JourneyRow[]>('/journeys', {}, { staleTime: 0 });
  const namesOf = useStepNames();
  const writer = may(me.role, 'messaging.write');
  const pauseResume = usePauseResume();
  return (
    <>
      <PageTitle
        title={t('nav.journeys')}
        extra={
          <Space wrap>
            <Link to="/templates">{t('nav.templates')}</Link>
            {writer && <PlaybookInstallButton />}
            {writer && (
              <Button type="primary" onClick={() => navigate('/journeys/new')}>
                {t('journeys.new')}
              </Button>
            )}
          </Space>
        }
      />
      <Card>
        <Loaded query={list}>
          {(rows) => (
            <Table<JourneyRow>
              rowKey="name"
              size="small"
              pagination={false}
              dataSource={rows}
              scroll={{ x: 760 }}
              locale={{
                emptyText: (
                  <EmptyNext text={t(writer ? 'empty.journeys_next' : 'empty.journeys')}>
                    {writer && <PlaybookInstallButton />}
                    {writer && (
                      <Button type="primary" onClick={() => navigate('/journeys/new')}>
                        {t('journeys.new')}
                      </Button>
                    )}
                  </EmptyNext>
                ),
              }}
              columns={[
                {
                  title: t('journeys.name'),
                  dataIndex: 'name',
                  render: (name: string, j) => (
                    <Space orientation="vertical" size={0}>
                      <Link to={journeyPath(name)}>{name}</Link>
                      {j.description && <Typography.Text type="secondary">{j.description}</Typography.Text>}
                    </Space>
                  ),
                },
                {
                  title: t('journeys.status'),
                  dataIndex: 'status',
                  render: (s: string, j) => (
                    <Space wrap size={4}>
                      <StatusTag status={s} />
                      {j.has_draft && s !== 'draft' && <Tag color="gold">{t('journeys.has_draft')}</Tag>}
                    </Space>
                  ),
                },
                {
                  title: t('journeys.trigger'),
                  key: 'trigger',
                  render: (_, j) => triggerSummary(j.trigger, t, value),
                },
                {
                  title: t('journeys.entries'),
                  key: 'entries',
                  align: 'right',
                  render: (_, j) => fmt.number(j.entries.total),
                },
                {
                  title: t('journeys.step_counts'),
                  key: 'steps',
                  render: (_, j) => {
                    const name = namesOf(j.definition);
                    return (
                      <Space wrap size={4} data-step-counts={j.name}>
                        {stepsInOrder({ definition: j.definition, report: j }).map((s) => (
                          <Tag key={s.step} data-step={s.step}>
                            {t('journeys.step_reached', { step: name(s.step), n: fmt.number(s.reached) })}
                          </Tag>
                        ))}
                      </Space>
                    );
                  },
                },
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_, j) => (
                    <Space wrap size={4}>
                      <Button size="small" onClick={() => navigate(journeyPath(j.name))}>
                        {t('journeys.results')}
                      </Button>
                      {writer && (
                        <>
                          <Button size="small" onClick={() => navigate(journeyPath(j.name, true))}>
                            {t('journeys.edit')}
                          </Button>
                          {j.status !== 'draft' && (
                            <Button
                              size="small"
                              onClick={() =>
                                void pauseResume(j.name, j.status === 'active' ? 'pause' : 'resume')
                              }
                            >
                              {t(j.status === 'active' ? 'journeys.pause' : 'journeys.resume')}
                            </Button>
                          )}
                        </>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </Loaded>
      </Card>
    </>
  );
}
