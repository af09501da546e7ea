import { AutoComplete, Input, Segmented, Select, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { LIFECYCLE_STAGES, RFM_GROUPS } from '../../lib/types.ts';
import { SurveyTriggerFields } from '../surveys/survey-trigger-fields.tsx';
import { newTrigger, TRIGGER_KINDS, type TriggerDraft, type TriggerKind } from './journey-draft.ts';
import { Field, PairsInput } from './journey-inputs.tsx';
import { COMMON_EVENTS } from './journey-step-fields.tsx';

/** What starts the journey: the kind of trigger and its fields. */
export function TriggerEditor({
  value,
  onChange,
  segments,
  surveys = [],
}: {
  value: TriggerDraft;
  onChange: (t: TriggerDraft) => void;
  segments: string[];
  surveys?: string[];
}) {
  const { t } = useI18n();
  const set = (changes: Partial<TriggerDraft>) => onChange({ ...value, ...changes });
  const days = (field: 'days' | 'daysBefore', key: MessageKey, json: string) => (
    <Field label={t(key)} path={`trigger.${json}`}>
      <Input
        aria-label={t(key)}
        inputMode="numeric"
        value={value[field]}
        onChange={(e) => set({ [field]: e.target.value })}
        style={{ width: 100 }}
      />
    </Field>
  );
  const fromTo = (codes: readonly string[] | null, prefix: string) =>
    (['from', 'to'] as const).map((field) => (
      <Field key={field} label={t(`trigger.${field}`)} path={`trigger.${value.kind}.${field}`}>
        {codes ? (
          <Select
            aria-label={t(`trigger.${field}`)}
            allowClear
            placeholder={t('trigger.any')}
            value={value[field] || undefined}
            onChange={(code) => set({ [field]: code ?? '' })}
            options={codes.map((c) => ({ value: c, label: t(`${prefix}.${c}` as MessageKey) }))}
            style={{ width: 170 }}
          />
        ) : (
          <Input
            aria-label={t(`trigger.${field}`)}
            placeholder={t('trigger.any')}
            value={value[field]}
            onChange={(e) => set({ [field]: e.target.value })}
            style={{ width: 130 }}
          />
        )}
      </Field>
    ));
  const fields = (() => {
    switch (value.kind) {
      case 'order_placed':
        return (
          <Field label={t('trigger.channel')} path="trigger.order_placed.channel">
            <Input
              aria-label={t('trigger.channel')}
              placeholder={t('trigger.any')}
              value={value.channel}
              onChange={(e) => set({ channel: e.target.value })}
              style={{ width: 150 }}
            />
          </Field>
        );
      case 'event':
        return (
          <>
            <Field label={t('trigger.event')} path="trigger.event">
              <AutoComplete
                aria-label={t('trigger.event')}
                value={value.event}
                onChange={(event: string) => set({ event })}
                options={COMMON_EVENTS.filter((e) => e !== 'order_placed').map((e) => ({
                  value: e,
                  label: t(`event.${e}` as MessageKey),
                }))}
                style={{ width: 180 }}
              />
            </Field>
            <Field label={t('trigger.properties')} path="trigger.properties">
              <PairsInput
                value={value.properties}
                onChange={(properties) => set({ properties })}
                label={t('trigger.properties')}
              />
            </Field>
          </>
        );
      case 'lifecycle_changed':
        return fromTo(LIFECYCLE_STAGES, 'lifecycle');
      case 'rfm_group_changed':
        return fromTo(RFM_GROUPS, 'rfm');
      case 'tier_changed':
        return fromTo(null, '');
      case 'segment':
        return (
          <>
            <Field label={t('trigger.segment')} path="trigger.segment">
              <Select
                aria-label={t('trigger.segment')}
                placeholder={t('journeys.choose')}
                value={value.segment || undefined}
                onChange={(segment) => set({ segment })}
                options={segments.map((s) => ({ value: s, label: s }))}
                style={{ width: 180 }}
              />
            </Field>
            <Field label={t('trigger.on')}>
              <Segmented
                aria-label={t('trigger.on')}
                value={value.on}
                onChange={(on) => set({ on: on as 'entered' | 'exited' })}
                options={[
                  { value: 'entered', label: t('trigger.entered') },
                  { value: 'exited', label: t('trigger.exited') },
                ]}
              />
            </Field>
          </>
        );
      case 'survey_answered':
        return <SurveyTriggerFields value={value} set={set} surveys={surveys} />;
      case 'p_alive_below':
        return (
          <Field label={t('trigger.threshold')} path="trigger.p_alive_below.threshold">
            <Input
              aria-label={t('trigger.threshold')}
              inputMode="decimal"
              value={value.threshold}
              onChange={(e) => set({ threshold: e.target.value })}
              suffix="%"
              style={{ width: 110 }}
            />
          </Field>
        );
      case 'days_after_last_order':
      case 'days_without_order':
        return days('days', 'trigger.days', 'days');
      case 'replenishment':
      case 'points_expiring':
        return days('daysBefore', 'trigger.days_before', 'days_before');
      default:
        return null;
    }
  })();
  return (
    <Space wrap align="start" size={[16, 12]}>
      <Field label={t('trigger.kind')} path="trigger" exact>
        <Select<TriggerKind>
          aria-label={t('trigger.kind')}
          value={value.kind}
          onChange={(kind) =>
            onChange({ ...newTrigger(kind), properties: value.properties, event: value.event })
          }
          options={TRIGGER_KINDS.map((k) => ({ value: k, label: t(`trigger.kind.${k}` as MessageKey) }))}
          style={{ width: 220 }}
        />
      </Field>
      {fields}
    </Space>
  );
}
