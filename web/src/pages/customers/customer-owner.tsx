import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Modal, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import type { CustomerOwner } from '../../../../src/customers/customer-contract.ts';
import { api } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { may } from '../../lib/permissions.ts';
import { useApi } from '../../lib/use-api.ts';
import { useTaskTargets } from '../tasks/task-targets.ts';

/**
 * The customer's owner (专属客服/导购), whom tasks by the owner rule go to, and for members who may
 * change customers a way to set it: themself, nobody, or (admins) any member.
 */
export function CustomerOwnerLine({ id }: { id: number }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const client = useQueryClient();
  const owner = useApi<CustomerOwner>(`/customers/${id}/owner`);
  const { targets, userOf } = useTaskTargets();
  const [editing, setEditing] = useState(false);
  const [choice, setChoice] = useState<string | undefined>(undefined);
  const current = owner.data?.owner;
  const options = targets.map((o) => (o.value === 'queue' ? { ...o, label: t('owner.none') } : o));

  const save = async () => {
    if (!choice) return;
    try {
      await api('PATCH', `/customers/${id}`, { owner_user_id: userOf(choice) });
      message.success(t('owner.saved'));
      setEditing(false);
      await client.invalidateQueries({ queryKey: [`/customers/${id}/owner`] });
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Space style={{ marginBottom: 12 }} wrap>
      <Typography.Text type="secondary">{t('owner.label')}</Typography.Text>
      <Typography.Text data-testid="customer-owner">
        {owner.isLoading
          ? '…'
          : current
            ? current.name
              ? `${current.name}（${current.email}）`
              : current.email
            : t('owner.nobody')}
      </Typography.Text>
      {may(me.role, 'customers.write') && (
        <Button size="small" onClick={() => setEditing(true)}>
          {t('owner.change')}
        </Button>
      )}
      <Modal
        open={editing}
        title={t('owner.title')}
        okText={t('tasks.ok')}
        cancelText={t('tasks.cancel')}
        okButtonProps={{ disabled: !choice }}
        onOk={() => void save()}
        onCancel={() => setEditing(false)}
      >
        <Typography.Paragraph type="secondary">{t('owner.explain')}</Typography.Paragraph>
        <Select
          aria-label={t('owner.label')}
          placeholder={t('owner.label')}
          value={choice}
          onChange={setChoice}
          options={options}
          style={{ width: '100%' }}
        />
      </Modal>
    </Space>
  );
}
