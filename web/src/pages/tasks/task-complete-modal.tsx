import { useQueryClient } from '@tanstack/react-query';
import { App, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { Task } from '../../lib/types.ts';
import { useTaskCodes } from './use-task-codes.ts';

/** Completes a task with an outcome (built-in or the workspace's own) and optional notes. */
export function TaskCompleteModal({ task, onClose }: { task: Task | null; onClose: () => void }) {
  const { t } = useI18n();
  const { outcomes } = useTaskCodes();
  const [outcome, setOutcome] = useState<string>('reached');
  const [notes, setNotes] = useState('');
  const client = useQueryClient();
  const { message } = App.useApp();
  // Each task opens with the default outcome and no notes, whatever the previous one was given.
  useEffect(() => {
    if (task) {
      setOutcome('reached');
      setNotes('');
    }
  }, [task]);

  const complete = async () => {
    if (!task) return;
    try {
      await api('PATCH', `/tasks/${task.id}`, { status: 'done', outcome, ...(notes ? { notes } : {}) });
      message.success(t('tasks.completed'));
      onClose();
      await Promise.all([
        client.invalidateQueries({ queryKey: ['/tasks'] }),
        client.invalidateQueries({ queryKey: ['/tasks/team'] }),
        client.invalidateQueries({ queryKey: [`/tasks/${task.id}`] }),
      ]);
    } catch (error) {
      message.error((error as Error).message);
    }
  };

  return (
    <Modal
      open={task !== null}
      title={task ? t('tasks.complete_title', { title: task.title }) : ''}
      okText={t('tasks.ok')}
      cancelText={t('tasks.cancel')}
      onOk={() => void complete()}
      onCancel={onClose}
    >
      <Select
        aria-label={t('tasks.outcome')}
        value={outcome}
        onChange={setOutcome}
        style={{ width: '100%', marginBottom: 12 }}
        options={outcomes}
      />
      <Input.TextArea
        aria-label={t('tasks.notes')}
        placeholder={t('tasks.notes')}
        value={notes}
        maxLength={2000}
        onChange={(e) => setNotes(e.target.value)}
      />
    </Modal>
  );
}
