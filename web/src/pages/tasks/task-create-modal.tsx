import { useQueryClient } from '@tanstack/react-query';
import { App, Flex, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { ROLES } from '../../../../src/access/roles.ts';
import { TASK_PRIORITIES } from '../../../../src/tasks/task-codes.ts';
import { api, get } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { CustomerRow } from '../../lib/types.ts';
import { useTaskTargets } from './task-targets.ts';
import { useTaskCodes } from './use-task-codes.ts';

const RULES = ['owner', 'store', 'round_robin'] as const;

/** The assignment rule of the form's choice: a rule, or a target (me, the queue, a member). */
function assignOf(choice: string, role: string, userOf: (v: string) => number | null) {
  if (choice === 'owner' || choice === 'store') return { rule: choice };
  if (choice === 'round_robin') return { rule: 'round_robin', role };
  const user = userOf(choice);
  return user === null ? { rule: 'queue' } : { rule: 'user', user_id: user };
}

/**
 * Creates a task by hand: for a fixed customer (the profile) or one searched for (the tasks page);
 * kind (built-in or the workspace's own), title, hours until due, priority, and who gets it (a rule or a person).
 */
export function TaskCreateModal(props: { open: boolean; customerId?: number; onClose: () => void }) {
  const { t, value } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const { targets, userOf } = useTaskTargets();
  const { kinds } = useTaskCodes();
  const [customer, setCustomer] = useState<number | undefined>(undefined);
  const [found, setFound] = useState<CustomerRow[]>([]);
  const [kind, setKind] = useState<string>('callback');
  const [title, setTitle] = useState('');
  const [hours, setHours] = useState('24');
  const [priority, setPriority] = useState<string>('normal');
  const [choice, setChoice] = useState<string>('owner');
  const [role, setRole] = useState<string>('service');
  const customerId = props.customerId ?? customer;
  const dueHours = Number(hours);
  const ready = customerId !== undefined && title.trim() !== '' && hours.trim() !== '' && dueHours >= 0;

  const search = async (q: string) => {
    if (!q.trim()) return setFound([]);
    const page = await get<{ items: CustomerRow[] }>('/customers', { q, limit: 10 });
    setFound(page.items);
  };
  const create = async () => {
    try {
      await api('POST', '/tasks', {
        customer_id: customerId,
        kind,
        title: title.trim(),
        due_at: new Date(Date.now() + dueHours * 3_600_000).toISOString(),
        priority,
        assign: assignOf(choice, role, userOf),
      });
      message.success(t('tasks.created'));
      setTitle('');
      props.onClose();
      await client.invalidateQueries({ queryKey: ['/tasks'] });
      await client.invalidateQueries({ queryKey: ['/tasks/team'] });
      if (customerId !== undefined)
        await client.invalidateQueries({ queryKey: [`/customers/${customerId}/tasks`] });
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Modal
      open={props.open}
      title={t('tasks.new_title')}
      okText={t('tasks.ok')}
      cancelText={t('tasks.cancel')}
      okButtonProps={{ disabled: !ready }}
      onOk={() => void create()}
      onCancel={props.onClose}
    >
      <Flex vertical gap={8}>
        {props.customerId === undefined && (
          <Select
            aria-label={t('tasks.customer_pick')}
            showSearch
            filterOption={false}
            placeholder={t('tasks.customer_search')}
            value={customer}
            onSearch={(q) => void search(q)}
            onChange={setCustomer}
            options={found.map((c) => ({
              value: c.id,
              label: `${c.name ?? `#${c.id}`}${c.external_id ? `（${c.external_id}）` : ''}`,
            }))}
            style={{ width: '100%' }}
          />
        )}
        <Select
          aria-label={t('tasks.kind')}
          value={kind}
          onChange={setKind}
          options={kinds}
          style={{ width: '100%' }}
        />
        <Input
          aria-label={t('tasks.task')}
          placeholder={t('tasks.task')}
          value={title}
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
        />
        <Space>
          <span>{t('tasks.due_in_hours')}</span>
          <Input
            aria-label={t('tasks.due_in_hours')}
            inputMode="numeric"
            value={hours}
            onChange={(e) => setHours(e.target.value)}
            style={{ width: 80 }}
          />
          <Select
            aria-label={t('tasks.priority')}
            value={priority}
            onChange={setPriority}
            options={TASK_PRIORITIES.map((p) => ({ value: p, label: value('task_priority', p) }))}
            style={{ width: 100 }}
          />
        </Space>
        <Space>
          <Select
            aria-label={t('tasks.assign_by')}
            value={choice}
            onChange={setChoice}
            options={[...RULES.map((r) => ({ value: r, label: t(`task_rule.${r}`) })), ...targets]}
            style={{ width: 260 }}
          />
          {choice === 'round_robin' && (
            <Select
              aria-label={t('jstep.assign_role')}
              value={role}
              onChange={setRole}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              style={{ width: 120 }}
            />
          )}
        </Space>
      </Flex>
    </Modal>
  );
}
