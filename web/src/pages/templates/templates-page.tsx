import { Button, Card, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { EmptyNext } from '../../components/empty-next.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link } from '../../router.tsx';
import { type MessageTemplate, TemplateForm } from './template-form.tsx';
import { TemplatePreview } from './template-preview.tsx';

/** Message templates: the list, a form to create or change one, and a preview for a customer. */
export function TemplatesPage() {
  const { t, value } = useI18n();
  const { me, fmt } = useSession();
  const list = useApi<MessageTemplate[]>('/templates');
  const [editing, setEditing] = useState<MessageTemplate | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const writer = may(me.role, 'messaging.write');
  const texts = (r: Partial<Record<string, string>>) => Object.keys(r).map((l) => <Tag key={l}>{l}</Tag>);
  return (
    <>
      <PageTitle title={t('nav.templates')} extra={<Link to="/journeys">{t('nav.journeys')}</Link>} />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card title={t('templates.list')} size="small">
          <Loaded query={list}>
            {(rows) => (
              <Table<MessageTemplate>
                rowKey="name"
                size="small"
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                dataSource={rows}
                scroll={{ x: 640 }}
                locale={{
                  emptyText: <EmptyNext text={t(writer ? 'empty.templates_next' : 'empty.templates')} />,
                }}
                columns={[
                  { title: t('templates.name'), dataIndex: 'name' },
                  {
                    title: t('templates.channel'),
                    dataIndex: 'channel',
                    render: (c: string) => value('channel', c),
                  },
                  {
                    title: t('templates.purpose'),
                    dataIndex: 'purpose',
                    render: (p: string) => value('purpose', p),
                  },
                  { title: t('templates.languages'), key: 'langs', render: (_, r) => texts(r.body) },
                  {
                    title: t('templates.updated'),
                    dataIndex: 'updated_at',
                    render: (d: string) => fmt.dateTime(d),
                  },
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_, r) => (
                      <Space wrap size={4}>
                        {writer && (
                          <Button
                            size="small"
                            onClick={() => setEditing(r)}
                            aria-label={t('templates.edit_named', { name: r.name })}
                          >
                            {t('templates.edit')}
                          </Button>
                        )}
                        <Button
                          size="small"
                          onClick={() => setChosen(r.name)}
                          aria-label={t('templates.preview_named', { name: r.name })}
                        >
                          {t('templates.preview')}
                        </Button>
                      </Space>
                    ),
                  },
                ]}
              />
            )}
          </Loaded>
        </Card>
        {writer && (
          <Card
            title={editing ? t('templates.edit_title', { name: editing.name }) : t('templates.new_title')}
            size="small"
            extra={
              editing && (
                <Button size="small" onClick={() => setEditing(null)}>
                  {t('templates.new')}
                </Button>
              )
            }
          >
            <TemplateForm editing={editing} onSaved={(name) => setChosen(name)} />
          </Card>
        )}
        <TemplatePreview templates={(list.data ?? []).map((r) => r.name)} chosen={chosen} />
      </Space>
    </>
  );
}
