import { Input, Select } from 'antd';
import type { ReactNode } from 'react';
import { NPS_GROUPS, SURVEY_KINDS } from '../../../../src/surveys/survey-codes.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { Survey } from '../../lib/types.ts';
import { useApi } from '../../lib/use-api.ts';
import type { Rule } from '../segments/segment-rule.ts';

/**
 * A survey rule's fields: the survey (or any of a kind), within how many days, the last answer's
 * NPS groups and a score comparison.
 */
export function SurveyRuleFields({
  rule,
  set,
  label,
  compare,
  withinDays,
}: {
  rule: Rule;
  set: (changes: Partial<Rule>) => void;
  label: (what: MessageKey) => string;
  compare: ReactNode;
  withinDays: ReactNode;
}) {
  const { t, value: word } = useI18n();
  const surveys = useApi<{ items: Survey[] }>('/surveys');
  const names = [...new Set([...(surveys.data?.items ?? []).map((s) => s.name), rule.subject])].filter(
    Boolean,
  );
  return (
    <>
      <Select
        aria-label={label('segments.survey')}
        allowClear
        placeholder={t('segments.any_survey')}
        value={rule.subject || undefined}
        onChange={(subject) => set({ subject: subject ?? '' })}
        options={names.map((n) => ({ value: n, label: n }))}
        style={{ width: 160 }}
      />
      <Select
        aria-label={label('segments.survey_kind')}
        allowClear
        placeholder={t('segments.any_kind')}
        value={rule.surveyKind || undefined}
        onChange={(surveyKind) => set({ surveyKind: surveyKind ?? '' })}
        options={SURVEY_KINDS.map((k) => ({ value: k, label: word('survey_kind', k) }))}
        style={{ width: 130 }}
      />
      {withinDays}
      <Select
        mode="multiple"
        aria-label={label('segments.nps_group')}
        placeholder={t('segments.nps_group')}
        value={rule.values}
        onChange={(values) => set({ values })}
        options={NPS_GROUPS.map((g) => ({ value: g, label: word('nps_group', g) }))}
        style={{ minWidth: 160 }}
      />
      <span>{t('segments.survey_score')}</span>
      {compare}
      <Input
        aria-label={label('segments.survey_score')}
        placeholder={t('segments.any_score')}
        inputMode="numeric"
        value={rule.value}
        onChange={(e) => set({ value: e.target.value })}
        style={{ width: 100 }}
      />
    </>
  );
}
