import { useQueryClient } from '@tanstack/react-query';
import { App, Modal, Select } from 'antd';
import { useState } from 'react';
import type { ReassignResult } from '../../../../src/tasks/task-contract.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useTaskTargets } from './task-targets.ts';

/** Gives one or many tasks to a member or back to the queue (`POST /tasks/reassign`). */
export function TaskReassignModal(props: { taskIds: number[]; onClose: (done: boolean) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const client = useQueryClient();
  const { targets, userOf } = useTaskTargets();
  const [target, setTarget] = useState<string | undefined>(undefined);

  const reassign = async () => {
    if (!target) return;
    try {
      const result = await api<ReassignResult>('POST', '/tasks/reassign', {
        task_ids: props.taskIds,
        assignee_id: userOf(target),
      });
      message.success(t('tasks.reassigned', { count: result.reassigned.length }));
      if (result.skipped.length > 0)
        message.warning(t('tasks.reassign_skipped', { count: result.skipped.length }));
      setTarget(undefined);
      props.onClose(true);
      await client.invalidateQueries({ queryKey: ['/tasks'] });
      await client.invalidateQueries({ queryKey: ['/tasks/team'] });
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Modal
      open={props.taskIds.length > 0}
      title={t('tasks.reassign_title', { count: props.taskIds.length })}
      okText={t('tasks.ok')}
      cancelText={t('tasks.cancel')}
      okButtonProps={{ disabled: !target }}
      onOk={() => void reassign()}
      onCancel={() => props.onClose(false)}
    >
      <Select
        aria-label={t('tasks.reassign_to')}
        placeholder={t('tasks.reassign_to')}
        value={target}
        onChange={setTarget}
        options={targets}
        style={{ width: '100%' }}
      />
    </Modal>
  );
}
