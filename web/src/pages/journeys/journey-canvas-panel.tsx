import { Button, Input, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { ConditionEditor } from './journey-condition-editor.tsx';
import type { JourneyDraft, StepDraft, StepKind } from './journey-draft.ts';
import { STEP_KINDS } from './journey-draft.ts';
import { STEP_ID } from './journey-draft-ops.ts';
import { Field, FieldMessages } from './journey-inputs.tsx';
import { type BuilderChoices, StepFields } from './journey-step-fields.tsx';
import { TriggerEditor } from './journey-trigger-editor.tsx';

/** A step's id, changed when the field is left (so references follow a finished name). */
function StepIdInput({
  id,
  taken,
  onRename,
}: {
  id: string;
  taken: string[];
  onRename: (id: string) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(id);
  useEffect(() => setText(id), [id]);
  const bad = text !== id && (!STEP_ID.test(text) || taken.includes(text));
  const commit = () => (bad ? setText(id) : onRename(text));
  return (
    <Input
      aria-label={t('jstep.id_of', { id })}
      value={text}
      status={bad ? 'error' : undefined}
      title={bad ? t('jstep.id_rule') : undefined}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onPressEnter={commit}
      style={{ width: 150 }}
    />
  );
}

/** The selected step in the side panel: its kind, id and fields; removing it. */
export function StepPanel({
  step,
  choices,
  onChange,
  onRename,
  onRemove,
  start,
}: {
  step: StepDraft;
  choices: BuilderChoices;
  onChange: (step: StepDraft) => void;
  onRename: (id: string) => void;
  onRemove: () => void;
  start: boolean;
}) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-panel-step={step.id}>
      <Space wrap size={8}>
        <Select<StepKind>
          aria-label={t('jstep.kind_of', { id: step.id })}
          value={step.kind}
          onChange={(kind) => onChange({ ...step, kind })}
          options={STEP_KINDS.map((k) => ({ value: k, label: t(`jstep.kind.${k}` as MessageKey) }))}
          style={{ width: 150 }}
        />
        <Field label={t('jcanvas.step_id')}>
          <StepIdInput id={step.id} taken={choices.steps} onRename={onRename} />
        </Field>
      </Space>
      {start && <Typography.Text type="secondary">{t('jcanvas.is_start')}</Typography.Text>}
      <StepFields step={step} onChange={onChange} choices={choices} />
      <FieldMessages path={`steps.${step.id}`} exact />
      <Button danger size="small" aria-label={t('jstep.remove', { id: step.id })} onClick={onRemove}>
        {t('jcanvas.remove_step')}
      </Button>
    </Space>
  );
}

/** The trigger node in the side panel: the journey's basics, its trigger and entry condition. */
export function TriggerPanel({
  draft,
  set,
  editing,
  segments,
  surveys,
}: {
  draft: JourneyDraft;
  set: (changes: Partial<JourneyDraft>) => void;
  editing: boolean;
  segments: string[];
  surveys: string[];
}) {
  const { t } = useI18n();
  const numberInput = (
    field: 'maxEntries' | 'attributionDays' | 'reentryDays',
    key: MessageKey,
    path: string,
  ) => (
    <Field label={t(key)} path={path}>
      <Input
        aria-label={t(key)}
        inputMode="numeric"
        value={draft[field]}
        onChange={(e) => set({ [field]: e.target.value })}
        style={{ width: 120 }}
      />
    </Field>
  );
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-panel-step="trigger">
      <Field label={t('journeys.name')} path="name">
        <Input
          aria-label={t('journeys.name')}
          value={draft.name}
          disabled={editing}
          onChange={(e) => set({ name: e.target.value })}
        />
      </Field>
      <Field label={t('journeys.description')} path="description">
        <Input
          aria-label={t('journeys.description')}
          value={draft.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </Field>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('journeys.trigger')}
      </Typography.Title>
      <TriggerEditor
        value={draft.trigger}
        onChange={(trigger) => set({ trigger })}
        segments={segments}
        surveys={surveys}
      />
      <Field label={t('journeys.entry_hint')} path="entry">
        <ConditionEditor
          value={draft.entry}
          onChange={(entry) => set({ entry })}
          label={t('journeys.entry')}
        />
      </Field>
      <Space wrap align="start" size={[16, 12]}>
        <Field label={t('journeys.reentry')} path="reentry" exact>
          <Select
            aria-label={t('journeys.reentry')}
            value={draft.reentry}
            onChange={(reentry) => set({ reentry })}
            options={(['once', 'always', 'every'] as const).map((r) => ({
              value: r,
              label: t(`journeys.reentry_${r}`),
            }))}
            style={{ width: 140 }}
          />
        </Field>
        {draft.reentry === 'every' &&
          numberInput('reentryDays', 'journeys.reentry_days', 'reentry.every_days')}
        {numberInput('maxEntries', 'journeys.max_entries', 'max_entries')}
        {numberInput('attributionDays', 'journeys.attribution_days', 'attribution_days')}
      </Space>
    </Space>
  );
}
