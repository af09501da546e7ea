import { Input, Select } from 'antd';
import { ROLES } from '../../../../src/access/roles.ts';
import { TASK_KINDS, TASK_PRIORITIES } from '../../../../src/tasks/task-codes.ts';
import type { I18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { TASK_RULES, type TaskStepDraft } from './journey-draft.ts';
import { Field } from './journey-inputs.tsx';

/**
 * The fields of a `create_task` step: kind, title template, hours until due, priority, and the
 * assignment rule (with the role for round robin, the user id for one member). Called, not
 * rendered, so each field is an item of the step's row.
 */
export function taskStepFields(
  task: TaskStepDraft,
  set: (task: TaskStepDraft) => void,
  path: (field: string) => string,
  label: (key: MessageKey) => string,
  { t, value }: I18n,
) {
  const change = (changes: Partial<TaskStepDraft>) => set({ ...task, ...changes });
  return (
    <>
      <Field label={t('jstep.task_kind')} path={path('kind')}>
        <Select
          aria-label={label('jstep.task_kind')}
          value={task.kind}
          onChange={(kind) => change({ kind })}
          options={TASK_KINDS.map((k) => ({ value: k, label: value('task_kind', k) }))}
          style={{ width: 130 }}
        />
      </Field>
      <Field label={t('jstep.task_title')} path={path('title')}>
        <Input
          aria-label={label('jstep.task_title')}
          value={task.title}
          maxLength={200}
          placeholder={t('jstep.task_title_hint')}
          onChange={(e) => change({ title: e.target.value })}
          style={{ width: 220 }}
        />
      </Field>
      <Field label={t('jstep.due_in_hours')} path={path('due_in_hours')}>
        <Input
          aria-label={label('jstep.due_in_hours')}
          inputMode="numeric"
          value={task.dueHours}
          onChange={(e) => change({ dueHours: e.target.value })}
          style={{ width: 90 }}
        />
      </Field>
      <Field label={t('tasks.priority')} path={path('priority')}>
        <Select
          aria-label={label('tasks.priority')}
          value={task.priority}
          onChange={(priority) => change({ priority })}
          options={TASK_PRIORITIES.map((p) => ({ value: p, label: value('task_priority', p) }))}
          style={{ width: 90 }}
        />
      </Field>
      <Field label={t('jstep.assign')} path={path('assign')}>
        <Select
          aria-label={label('jstep.assign')}
          value={task.rule}
          onChange={(rule) => change({ rule })}
          options={TASK_RULES.filter((r) => r !== 'user' || task.rule === 'user').map((r) => ({
            value: r,
            label: t(`task_rule.${r}`),
          }))}
          style={{ width: 160 }}
        />
      </Field>
      {task.rule === 'round_robin' && (
        <Field label={t('jstep.assign_role')} path={path('assign.role')}>
          <Select
            aria-label={label('jstep.assign_role')}
            value={task.role}
            onChange={(role) => change({ role })}
            options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            style={{ width: 120 }}
          />
        </Field>
      )}
      {task.rule === 'user' && (
        <Field label={t('jstep.assign_user')} path={path('assign.user_id')}>
          <Input
            aria-label={label('jstep.assign_user')}
            inputMode="numeric"
            value={task.userId}
            onChange={(e) => change({ userId: e.target.value })}
            style={{ width: 90 }}
          />
        </Field>
      )}
    </>
  );
}
