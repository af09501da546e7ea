import { Button, Table, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../../api/session.tsx';
import { Loaded } from '../../components/page.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import type { Task } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import { SurveyAnswers } from '../surveys/survey-verbatims.tsx';
import { useTaskColumns } from '../tasks/task-columns.tsx';
import { TaskCreateModal } from '../tasks/task-create-modal.tsx';
import { TaskHistory } from '../tasks/task-history.tsx';
import { CustomerOwnerLine } from './customer-owner.tsx';
import { ServiceRecords } from './customer-service-records.tsx';

/**
 * The profile's service tab: the customer's tasks with their state (a row opens onto its history),
 * and service records (write one).
 */
export function CustomerService({ id }: { id: number }) {
  const { t } = useI18n();
  const { me } = useSession();
  const col = useTaskColumns();
  const tasks = useApi<{ items: Task[] }>(`/customers/${id}/tasks`, { limit: 100 });
  const [creating, setCreating] = useState(false);

  return (
    <>
      <CustomerOwnerLine id={id} />
      {may(me.role, 'tasks.write') && (
        <>
          <Button type="primary" style={{ marginBottom: 12 }} onClick={() => setCreating(true)}>
            {t('tasks.new')}
          </Button>
          <TaskCreateModal open={creating} customerId={id} onClose={() => setCreating(false)} />
        </>
      )}
      <Loaded query={tasks}>
        {(page) => (
          <Table<Task>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={page.items}
            scroll={{ x: 640 }}
            expandable={{ expandedRowRender: (task) => <TaskHistory id={task.id} /> }}
            locale={{ emptyText: t('tasks.none') }}
            columns={[col.due, col.kind, col.title, col.status, col.outcome, col.assignee]}
          />
        )}
      </Loaded>
      <ServiceRecords id={id} />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('survey_results.customer_answers')}
      </Typography.Title>
      <SurveyAnswers path={`/customers/${id}/survey-responses`} mode="customer" />
    </>
  );
}
