import { Input, Select } from 'antd';
import { NPS_GROUPS } from '../../../../src/surveys/survey-codes.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { TriggerDraft } from '../journeys/journey-draft.ts';
import { Field } from '../journeys/journey-inputs.tsx';

/** The `survey_answered` trigger's fields: which survey, NPS group and score range (each may be any). */
export function SurveyTriggerFields({
  value,
  set,
  surveys,
}: {
  value: TriggerDraft;
  set: (changes: Partial<TriggerDraft>) => void;
  surveys: string[];
}) {
  const { t, value: word } = useI18n();
  const score = (field: 'scoreMin' | 'scoreMax', key: MessageKey, json: string) => (
    <Field label={t(key)} path={`trigger.survey_answered.${json}`}>
      <Input
        aria-label={t(key)}
        inputMode="numeric"
        placeholder={t('trigger.any')}
        value={value[field]}
        onChange={(e) => set({ [field]: e.target.value })}
        style={{ width: 100 }}
      />
    </Field>
  );
  return (
    <>
      <Field label={t('trigger.survey')} path="trigger.survey_answered.survey">
        <Select
          aria-label={t('trigger.survey')}
          allowClear
          placeholder={t('trigger.any')}
          value={value.survey || undefined}
          onChange={(survey) => set({ survey: survey ?? '' })}
          options={[...new Set([...surveys, value.survey].filter(Boolean))].map((x) => ({
            value: x,
            label: x,
          }))}
          style={{ width: 180 }}
        />
      </Field>
      <Field label={t('trigger.nps_group')} path="trigger.survey_answered.nps_group">
        <Select
          aria-label={t('trigger.nps_group')}
          allowClear
          placeholder={t('trigger.any')}
          value={value.npsGroup || undefined}
          onChange={(group) => set({ npsGroup: group ?? '' })}
          options={NPS_GROUPS.map((g) => ({ value: g, label: word('nps_group', g) }))}
          style={{ width: 130 }}
        />
      </Field>
      {score('scoreMin', 'trigger.score_min', 'score_min')}
      {score('scoreMax', 'trigger.score_max', 'score_max')}
    </>
  );
}
