import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useSession } from '../api/session.tsx';
import { Loaded } from '../components/page.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { may } from '../lib/permissions.ts';
import type { CustomerNote, Task } from '../lib/types.ts';
import { useApi } from '../lib/use-api.ts';
import { SurveyAnswers } from './survey-verbatims.tsx';

const NOTE_TYPES = ['note', 'call', 'visit', 'complaint'] as const;

/** The profile's service tab: the customer's tasks with their state, and service notes (write one). */
export function CustomerService({ id }: { id: number }) {
  const { t, value } = useI18n();
  const { me, fmt } = useSession();
  const tasks = useApi<{ items: Task[] }>(`/customers/${id}/tasks`, { limit: 100 });
  const notes = useApi<{ items: CustomerNote[] }>(`/customers/${id}/notes`);
  const [type, setType] = useState<(typeof NOTE_TYPES)[number]>('call');
  const [summary, setSummary] = useState('');
  const client = useQueryClient();
  const { message } = App.useApp();

  const write = async () => {
    try {
      await api('POST', `/customers/${id}/notes`, { type, summary });
      setSummary('');
      await client.invalidateQueries({ queryKey: [`/customers/${id}/notes`] });
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <>
      <Loaded query={tasks}>
        {(page) => (
          <Table<Task>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={page.items}
            scroll={{ x: 640 }}
            locale={{ emptyText: t('tasks.none') }}
            columns={[
              {
                title: t('tasks.due'),
                dataIndex: 'due_at',
                render: (v: string, task) => (
                  <>
                    {fmt.dateTime(v)} {task.overdue && <Tag color="red">{t('tasks.overdue')}</Tag>}
                  </>
                ),
              },
              { title: t('tasks.kind'), dataIndex: 'kind', render: (v: string) => value('task_kind', v) },
              { title: t('tasks.task'), dataIndex: 'title' },
              {
                title: t('tasks.status'),
                dataIndex: 'status',
                render: (v: string) => value('task_status', v),
              },
              {
                title: t('tasks.outcome'),
                dataIndex: 'outcome',
                render: (v: string | null) => value('task_outcome', v),
              },
              {
                title: t('tasks.assignee'),
                dataIndex: 'assignee_email',
                render: (v: string | null) => v ?? t('tasks.queue'),
              },
            ]}
          />
        )}
      </Loaded>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('tasks.notes_title')}
      </Typography.Title>
      {may(me.role, 'tasks.write') && (
        <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
          <Select
            aria-label={t('tasks.kind')}
            value={type}
            onChange={setType}
            style={{ width: 120 }}
            options={NOTE_TYPES.map((n) => ({ value: n, label: value('note_type', n) }))}
          />
          <Input
            aria-label={t('tasks.notes')}
            placeholder={t('tasks.notes')}
            value={summary}
            maxLength={4000}
            onChange={(e) => setSummary(e.target.value)}
          />
          <Button type="primary" disabled={!summary.trim()} onClick={() => void write()}>
            {t('tasks.save_note')}
          </Button>
        </Space.Compact>
      )}
      <Loaded query={notes}>
        {(page) => (
          <Table<CustomerNote>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={page.items}
            locale={{ emptyText: t('tasks.no_notes') }}
            columns={[
              { title: t('tasks.note_at'), dataIndex: 'created_at', render: (v: string) => fmt.dateTime(v) },
              { title: t('tasks.kind'), dataIndex: 'type', render: (v: string) => value('note_type', v) },
              { title: t('tasks.notes'), dataIndex: 'summary' },
              { title: t('tasks.author'), dataIndex: 'author' },
            ]}
          />
        )}
      </Loaded>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('survey_results.customer_answers')}
      </Typography.Title>
      <SurveyAnswers path={`/customers/${id}/survey-responses`} mode="customer" />
    </>
  );
}
