import { AutoComplete, Button, Checkbox, Input, Select, Space } from 'antd';
import type { ReactNode } from 'react';
import { type I18n, useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { ConditionEditor } from './journey-condition-editor.tsx';
import type { StepDraft } from './journey-draft.ts';
import { DurationInput, Field, PairsInput, StepSelect } from './journey-inputs.tsx';
import { taskStepFields } from './journey-task-fields.tsx';

/** What the builder offers to choose from: the other steps, message and coupon templates. */
export interface BuilderChoices {
  steps: string[];
  templates: { name: string; channel: string }[];
  coupons: string[];
  channels: readonly string[];
  /** The workspace's active surveys, for `send_survey`. */
  surveys?: string[];
}

/** Events a journey commonly waits for (any event type may be typed). */
export const COMMON_EVENTS = [
  'order_placed',
  'add_to_cart',
  'product_viewed',
  'message_clicked',
  'message_opened',
];
const TIER_BIRTHDAY_COUPON = 'tier_birthday_coupon';

/** The fields of one step, by its kind, side by side as they fit. */
export function StepFields(props: {
  step: StepDraft;
  onChange: (step: StepDraft) => void;
  choices: BuilderChoices;
}) {
  const i18n = useI18n();
  // Called, not rendered, so each field is an item of the row.
  return (
    <Space wrap align="start" size={[16, 12]} style={{ width: '100%' }}>
      {kindFields(props, i18n)}
    </Space>
  );
}

function kindFields(
  {
    step,
    onChange,
    choices,
  }: { step: StepDraft; onChange: (step: StepDraft) => void; choices: BuilderChoices },
  i18n: I18n,
) {
  const { t } = i18n;
  const set = (changes: Partial<StepDraft>) => onChange({ ...step, ...changes });
  const path = (field: string) => `steps.${step.id}.${field}`;
  const label = (key: MessageKey) => `${t(key)} (${step.id})`;
  const others = choices.steps.filter((id) => id !== step.id);
  const target = (
    field: 'next' | 'onEvent' | 'onTimeout' | 'ifTrue' | 'ifFalse',
    key: MessageKey,
    json: string,
  ) => (
    <Field label={t(key)} path={path(json)}>
      <StepSelect
        value={step[field]}
        onChange={(id) => set({ [field]: id })}
        steps={others}
        label={label(key)}
      />
    </Field>
  );
  const next = target('next', 'jstep.next', 'next');
  switch (step.kind) {
    case 'wait':
      return (
        <>
          <Field label={t('jstep.duration')} path={path('duration')}>
            <DurationInput
              value={step.duration}
              onChange={(duration) => set({ duration })}
              label={label('jstep.duration')}
            />
          </Field>
          {next}
        </>
      );
    case 'wait_until':
      return (
        <>
          <Field label={t('jstep.weekday')} path={path('weekday')}>
            <Select
              aria-label={label('jstep.weekday')}
              value={step.weekday}
              onChange={(weekday) => set({ weekday })}
              options={['', '1', '2', '3', '4', '5', '6', '7'].map((d) => ({
                value: d,
                label: t(`weekday.${d || 'any'}` as MessageKey),
              }))}
              style={{ width: 120 }}
            />
          </Field>
          <Field label={t('jstep.time')} path={path('time')}>
            <Input
              aria-label={label('jstep.time')}
              placeholder="10:00"
              value={step.time}
              onChange={(e) => set({ time: e.target.value })}
              style={{ width: 90 }}
            />
          </Field>
          {next}
        </>
      );
    case 'wait_for_event':
      return (
        <>
          <Field label={t('jstep.event')} path={path('event')}>
            <AutoComplete
              aria-label={label('jstep.event')}
              value={step.event}
              onChange={(event: string) => set({ event })}
              options={COMMON_EVENTS.map((e) => ({ value: e, label: t(`event.${e}` as MessageKey) }))}
              style={{ width: 180 }}
            />
          </Field>
          <Field label={t('jstep.properties')} path={path('properties')}>
            <PairsInput
              value={step.properties}
              onChange={(properties) => set({ properties })}
              label={label('jstep.properties')}
            />
          </Field>
          <Field label={t('jstep.timeout')} path={path('timeout')}>
            <DurationInput
              value={step.timeout}
              onChange={(timeout) => set({ timeout })}
              label={label('jstep.timeout')}
            />
          </Field>
          {target('onEvent', 'jstep.on_event', 'on_event')}
          {target('onTimeout', 'jstep.on_timeout', 'on_timeout')}
        </>
      );
    case 'branch':
      return (
        <>
          <div style={{ flexBasis: '100%' }}>
            <Field label={t('jstep.if')} path={path('if')}>
              <ConditionEditor
                value={step.condition}
                onChange={(condition) => set({ condition })}
                label={label('jstep.if')}
              />
            </Field>
          </div>
          {target('ifTrue', 'jstep.then', 'then')}
          {target('ifFalse', 'jstep.else', 'else')}
        </>
      );
    case 'split':
      return (
        <Field label={t('jstep.arms')} path={path('arms')}>
          <Space orientation="vertical" size={4}>
            {step.arms.map((arm, i) => {
              const setArm = (change: Partial<typeof arm>) =>
                set({ arms: step.arms.map((a, j) => (j === i ? { ...a, ...change } : a)) });
              const armLabel = (key: MessageKey) => `${t(key)} ${i + 1} (${step.id})`;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: arms are edited in place
                <Space key={i} wrap size={4}>
                  <Input
                    aria-label={armLabel('jstep.arm_name')}
                    placeholder={t('jstep.arm_name')}
                    value={arm.name}
                    onChange={(e) => setArm({ name: e.target.value })}
                    style={{ width: 100 }}
                  />
                  <Input
                    aria-label={armLabel('jstep.arm_weight')}
                    placeholder={t('jstep.arm_weight')}
                    inputMode="decimal"
                    value={arm.weight}
                    onChange={(e) => setArm({ weight: e.target.value })}
                    style={{ width: 80 }}
                  />
                  <StepSelect
                    value={arm.next}
                    onChange={(next) => setArm({ next })}
                    steps={others}
                    label={armLabel('jstep.arm_next')}
                  />
                  <Button
                    aria-label={armLabel('jstep.remove_arm')}
                    disabled={step.arms.length <= 2}
                    onClick={() => set({ arms: step.arms.filter((_, j) => j !== i) })}
                  >
                    ×
                  </Button>
                </Space>
              );
            })}
            <Button
              size="small"
              onClick={() => set({ arms: [...step.arms, { name: '', weight: '', next: '' }] })}
            >
              {t('jstep.add_arm')}
            </Button>
          </Space>
        </Field>
      );
    case 'holdout':
      return (
        <>
          <Field label={t('jstep.percent')} path={path('percent')}>
            <Input
              aria-label={label('jstep.percent')}
              inputMode="decimal"
              suffix="%"
              value={step.percent}
              onChange={(e) => set({ percent: e.target.value })}
              style={{ width: 100 }}
            />
          </Field>
          {next}
        </>
      );
    case 'send':
      return sendFields({ step, set, choices, next }, i18n);
    case 'send_survey':
      return (
        <>
          <Field label={t('jstep.survey')} path={path('survey')}>
            <Select
              aria-label={label('jstep.survey')}
              placeholder={t('journeys.choose')}
              value={step.survey || undefined}
              onChange={(survey) => set({ survey })}
              options={(choices.surveys ?? []).map((x) => ({ value: x, label: x }))}
              style={{ width: 180 }}
            />
          </Field>
          {sendFields({ step, set, choices, next, survey: true }, i18n)}
        </>
      );
    case 'tag':
      return (
        <>
          {(['add', 'remove'] as const).map((field) => (
            <Field key={field} label={t(`jstep.tag_${field}`)} path={path(field)}>
              <Select
                mode="tags"
                aria-label={label(`jstep.tag_${field}`)}
                value={step[field]}
                onChange={(tags) => set({ [field]: tags })}
                open={false}
                style={{ minWidth: 160 }}
              />
            </Field>
          ))}
          {next}
        </>
      );
    case 'webhook':
      return (
        <>
          <Field label={t('jstep.data')} path={path('data')}>
            <PairsInput value={step.data} onChange={(data) => set({ data })} label={label('jstep.data')} />
          </Field>
          {next}
        </>
      );
    case 'issue_coupon':
      return (
        <>
          <Field label={t('jstep.coupon')} path={path('template')}>
            <Select
              aria-label={label('jstep.coupon')}
              placeholder={t('journeys.choose')}
              value={step.coupon || undefined}
              onChange={(coupon) => set({ coupon })}
              options={[
                ...choices.coupons.map((c) => ({ value: c, label: c })),
                { value: TIER_BIRTHDAY_COUPON, label: t('jstep.tier_birthday_coupon') },
              ]}
              style={{ width: 200 }}
            />
          </Field>
          {next}
        </>
      );
    case 'award_points':
      return (
        <>
          <Field label={t('jstep.points')} path={path('points')}>
            <Input
              aria-label={label('jstep.points')}
              inputMode="numeric"
              value={step.points}
              onChange={(e) => set({ points: e.target.value })}
              style={{ width: 100 }}
            />
          </Field>
          <Field label={t('jstep.reason')} path={path('reason')}>
            <Input
              aria-label={label('jstep.reason')}
              value={step.reason}
              onChange={(e) => set({ reason: e.target.value })}
              style={{ width: 160 }}
            />
          </Field>
          {next}
        </>
      );
    case 'create_task':
      return (
        <>
          {taskStepFields(step.task, (task) => set({ task }), path, label, i18n)}
          {next}
        </>
      );
    case 'exit':
      return null;
  }
}

/** Templates in preference order, each chosen by channel then name; skip when ordered. */
function sendFields(
  {
    step,
    set,
    choices,
    next,
    survey = false,
  }: {
    step: StepDraft;
    set: (changes: Partial<StepDraft>) => void;
    choices: BuilderChoices;
    next: ReactNode;
    /** A `send_survey` step: no skip-if-ordered. */
    survey?: boolean;
  },
  { t, value }: I18n,
) {
  const channelOf = (name: string) => choices.templates.find((x) => x.name === name)?.channel ?? '';
  const setRow = (i: number, change: Partial<StepDraft['sends'][number]>) =>
    set({ sends: step.sends.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  return (
    <>
      <Field label={t('jstep.templates')} path={`steps.${step.id}.templates`}>
        <Space orientation="vertical" size={4}>
          {step.sends.map((row, i) => {
            const channel = row.channel || channelOf(row.template);
            const rowLabel = (key: MessageKey) => `${t(key)} ${i + 1} (${step.id})`;
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
              <Space key={i} wrap size={4}>
                <Select
                  aria-label={rowLabel('jstep.channel')}
                  placeholder={t('jstep.channel')}
                  value={channel || undefined}
                  onChange={(c) =>
                    setRow(i, { channel: c, template: channelOf(row.template) === c ? row.template : '' })
                  }
                  options={choices.channels.map((c) => ({ value: c, label: value('channel', c) }))}
                  style={{ width: 150 }}
                />
                <Select
                  aria-label={rowLabel('jstep.template')}
                  placeholder={t('journeys.choose')}
                  value={row.template || undefined}
                  onChange={(template) => setRow(i, { template, channel: channelOf(template) })}
                  options={choices.templates
                    .filter((x) => !channel || x.channel === channel)
                    .map((x) => ({ value: x.name, label: x.name }))}
                  style={{ width: 180 }}
                />
                <Button
                  aria-label={rowLabel('jstep.remove_template')}
                  disabled={step.sends.length <= 1}
                  onClick={() => set({ sends: step.sends.filter((_, j) => j !== i) })}
                >
                  ×
                </Button>
              </Space>
            );
          })}
          <Button size="small" onClick={() => set({ sends: [...step.sends, { channel: '', template: '' }] })}>
            {t('jstep.add_template')}
          </Button>
        </Space>
      </Field>
      {!survey && (
        <Field label={t('jstep.skip_if_ordered')}>
          <Checkbox checked={step.skipIfOrdered} onChange={(e) => set({ skipIfOrdered: e.target.checked })}>
            {t('jstep.skip_if_ordered_hint')}
          </Checkbox>
        </Field>
      )}
      {next}
    </>
  );
}
