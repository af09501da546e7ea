import { useQueryClient } from '@tanstack/react-query';
import { Button, Card, Modal, Table, Tag } from 'antd';
import { useState } from 'react';
import type { BroadcastView } from '../../../../src/broadcasts/broadcast-contract.ts';
import { useSession } from '../../api/session.tsx';
import { EmptyNext } from '../../components/empty-next.tsx';
import { Loaded, PageTitle } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { Link, navigate } from '../../router.tsx';
import { BroadcastForm } from './broadcast-form.tsx';

const STATUS_COLOR: Record<string, string> = {
  draft: 'default',
  pending_approval: 'orange',
  scheduled: 'blue',
  sending: 'processing',
  paused: 'warning',
  completed: 'green',
  cancelled: 'default',
};

/** A broadcast's status as a coloured tag in the page's language. */
export function BroadcastStatus({ status }: { status: string }) {
  const { value } = useI18n();
  return <Tag color={STATUS_COLOR[status]}>{value('broadcast_status', status)}</Tag>;
}

/** Broadcasts (群发): the list, and a new one prepared in a dialog. */
export function BroadcastsPage() {
  const { t } = useI18n();
  const { me, fmt } = useSession();
  const list = useApi<{ items: BroadcastView[] }>('/broadcasts');
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const writer = may(me.role, 'messaging.write');
  return (
    <>
      <PageTitle
        title={t('broadcasts.title')}
        extra={
          writer ? (
            <Button type="primary" onClick={() => setOpen(true)}>
              {t('broadcasts.new')}
            </Button>
          ) : (
            <span>{t('broadcasts.read_only')}</span>
          )
        }
      />
      <Card size="small">
        <Loaded query={list}>
          {(page) => (
            <Table<BroadcastView>
              rowKey="id"
              size="small"
              dataSource={page.items}
              pagination={false}
              scroll={{ x: 640 }}
              locale={{
                emptyText: (
                  <EmptyNext text={t(writer ? 'empty.broadcasts_next' : 'broadcasts.none')}>
                    {writer && (
                      <Button type="primary" onClick={() => setOpen(true)}>
                        {t('broadcasts.new')}
                      </Button>
                    )}
                  </EmptyNext>
                ),
              }}
              columns={[
                {
                  title: t('broadcasts.name'),
                  dataIndex: 'name',
                  render: (name: string, b) => <Link to={`/broadcasts/${b.id}`}>{name}</Link>,
                },
                {
                  title: t('broadcasts.status'),
                  dataIndex: 'status',
                  render: (s: string) => <BroadcastStatus status={s} />,
                },
                {
                  title: t('broadcasts.send_at'),
                  dataIndex: 'send_at',
                  render: (v: string | null) => (v ? fmt.dateTime(v) : '—'),
                },
                { title: t('broadcasts.created_by'), dataIndex: 'created_by' },
              ]}
            />
          )}
        </Loaded>
      </Card>
      <Modal
        open={open}
        title={t('broadcasts.new')}
        footer={null}
        width={720}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <BroadcastForm
          onDone={(id) => {
            setOpen(false);
            void client.invalidateQueries({
              predicate: (q) => String(q.queryKey[0]).startsWith('/broadcasts'),
            });
            navigate(`/broadcasts/${id}`);
          }}
        />
      </Modal>
    </>
  );
}
