import { Button, Card, Input, Select, Space, Tag } from 'antd';
import { useContext, useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages-zh-cn.ts';
import { STEP_KINDS, type StepDraft, type StepKind } from './journey-draft.ts';
import { STEP_ID } from './journey-draft-ops.ts';
import { errorsAt } from './journey-errors.ts';
import { FieldMessages, JourneyErrors } from './journey-inputs.tsx';
import { type BuilderChoices, StepFields } from './journey-step-fields.tsx';

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

/** One step of the builder: id, kind, its fields, and moving or removing it. */
export function StepCard({
  step,
  index,
  count,
  choices,
  onChange,
  onRename,
  onMove,
  onRemove,
}: {
  step: StepDraft;
  index: number;
  count: number;
  choices: BuilderChoices;
  onChange: (step: StepDraft) => void;
  onRename: (id: string) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const faulty = errorsAt(useContext(JourneyErrors), `steps.${step.id}`).length > 0;
  return (
    <Card size="small" data-step={step.id} style={faulty ? { borderColor: '#c41d1d' } : undefined}>
      <Space wrap size={8} style={{ marginBottom: 12 }}>
        <span>{index + 1}.</span>
        <StepIdInput id={step.id} taken={choices.steps} onRename={onRename} />
        <Select<StepKind>
          aria-label={t('jstep.kind_of', { id: step.id })}
          value={step.kind}
          onChange={(kind) => onChange({ ...step, kind })}
          options={STEP_KINDS.map((k) => ({ value: k, label: t(`jstep.kind.${k}` as MessageKey) }))}
          style={{ width: 150 }}
        />
        {index === 0 && <Tag color="blue">{t('jstep.start')}</Tag>}
        <Button
          size="small"
          aria-label={t('jstep.up', { id: step.id })}
          disabled={index === 0}
          onClick={() => onMove(-1)}
        >
          ↑
        </Button>
        <Button
          size="small"
          aria-label={t('jstep.down', { id: step.id })}
          disabled={index === count - 1}
          onClick={() => onMove(1)}
        >
          ↓
        </Button>
        <Button
          size="small"
          danger
          aria-label={t('jstep.remove', { id: step.id })}
          disabled={count <= 1}
          onClick={onRemove}
        >
          {t('common.delete')}
        </Button>
      </Space>
      <StepFields step={step} onChange={onChange} choices={choices} />
      <FieldMessages path={`steps.${step.id}`} exact />
    </Card>
  );
}
