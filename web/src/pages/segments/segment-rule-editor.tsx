import { Button, Checkbox, Input, Select, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { LIFECYCLE_STAGES, RFM_GROUPS } from '../../lib/types.ts';
import { SurveyRuleFields } from '../surveys/survey-rule-fields.tsx';
import {
  ATTRIBUTES,
  COMPARE,
  FIELDS,
  IDENTITIES,
  newRule,
  RULE_KINDS,
  type Rule,
  type RuleKind,
} from './segment-rule.ts';

/** One row of the condition builder: what to test, how, and against what. */
export function RuleEditor({
  rule,
  index,
  onChange,
  onRemove,
}: {
  rule: Rule;
  index: number;
  onChange: (rule: Rule) => void;
  onRemove: () => void;
}) {
  const { t } = useI18n();
  const set = (changes: Partial<Rule>) => onChange({ ...rule, ...changes });
  const n = index + 1;
  const label = (what: MessageKey) => `${t(what)} (${t('segments.rule_n', { n })})`;
  const compare = (
    <Select
      aria-label={label('segments.op')}
      value={rule.op}
      onChange={(op) => set({ op })}
      options={COMPARE.map((c) => ({ value: c, label: t(`op.${c}` as MessageKey) }))}
      style={{ width: 90 }}
    />
  );
  const number = (
    <Input
      aria-label={label('segments.value')}
      inputMode="decimal"
      value={rule.value}
      onChange={(e) => set({ value: e.target.value })}
      style={{ width: 100 }}
    />
  );
  const withinDays = (
    <Input
      aria-label={label('segments.within_days')}
      placeholder={t('segments.within_days')}
      inputMode="numeric"
      value={rule.withinDays}
      onChange={(e) => set({ withinDays: e.target.value })}
      style={{ width: 120 }}
    />
  );
  const body = (() => {
    switch (rule.kind) {
      case 'field':
        return (
          <>
            <Select
              aria-label={label('segments.field')}
              value={rule.subject}
              onChange={(subject) => set({ subject })}
              options={FIELDS.map((f) => ({ value: f, label: t(`field.${f}` as MessageKey) }))}
              style={{ width: 170 }}
            />
            {compare}
            {number}
          </>
        );
      case 'orders':
        return (
          <>
            {withinDays}
            <Input
              aria-label={label('segments.sku')}
              placeholder={t('segments.sku')}
              value={rule.subject}
              onChange={(e) => set({ subject: e.target.value })}
              style={{ width: 130 }}
            />
            {compare}
            {number}
          </>
        );
      case 'event':
        return (
          <>
            <Input
              aria-label={label('segments.event_type')}
              placeholder={t('segments.event_type')}
              value={rule.subject}
              onChange={(e) => set({ subject: e.target.value })}
              style={{ width: 150 }}
            />
            {withinDays}
          </>
        );
      case 'tag':
        return (
          <Input
            aria-label={label('segments.tag')}
            placeholder={t('segments.tag')}
            value={rule.value}
            onChange={(e) => set({ value: e.target.value })}
            style={{ width: 150 }}
          />
        );
      case 'attribute':
        return (
          <>
            <Select
              aria-label={label('segments.attribute')}
              value={rule.subject}
              onChange={(subject) => set({ subject })}
              options={ATTRIBUTES.map((a) => ({ value: a, label: t(`attribute.${a}` as MessageKey) }))}
              style={{ width: 130 }}
            />
            <Select
              aria-label={label('segments.op')}
              value={rule.op}
              onChange={(op) => set({ op })}
              options={['eq', 'neq', 'contains', 'is_set', 'not_set'].map((o) => ({
                value: o,
                label: t(`op.${o}` as MessageKey),
              }))}
              style={{ width: 110 }}
            />
            {rule.op !== 'is_set' && rule.op !== 'not_set' && (
              <Input
                aria-label={label('segments.value')}
                value={rule.value}
                onChange={(e) => set({ value: e.target.value })}
                style={{ width: 130 }}
              />
            )}
          </>
        );
      case 'rfm_group':
      case 'lifecycle': {
        const codes: readonly string[] = rule.kind === 'rfm_group' ? RFM_GROUPS : LIFECYCLE_STAGES;
        const prefix = rule.kind === 'rfm_group' ? 'rfm' : 'lifecycle';
        return (
          <Select
            mode="multiple"
            aria-label={label('segments.values')}
            value={rule.values}
            onChange={(values) => set({ values })}
            options={codes.map((c) => ({ value: c, label: t(`${prefix}.${c}` as MessageKey) }))}
            style={{ minWidth: 240 }}
          />
        );
      }
      case 'score':
        return (
          <>
            <Select
              aria-label={label('segments.score')}
              value={rule.subject}
              onChange={(subject) => set({ subject })}
              options={['r', 'f', 'm'].map((s) => ({ value: s, label: s.toUpperCase() }))}
              style={{ width: 70 }}
            />
            {compare}
            {number}
          </>
        );
      case 'identity':
        return (
          <Select
            aria-label={label('segments.identity')}
            value={rule.subject}
            onChange={(subject) => set({ subject })}
            options={IDENTITIES.map((i) => ({ value: i, label: t(`identity.${i}` as MessageKey) }))}
            style={{ width: 150 }}
          />
        );
      case 'survey':
        return (
          <SurveyRuleFields rule={rule} set={set} label={label} compare={compare} withinDays={withinDays} />
        );
    }
  })();
  return (
    <Space wrap data-rule={n}>
      <Select<RuleKind>
        aria-label={label('segments.kind')}
        value={rule.kind}
        onChange={(kind) => onChange(newRule(kind))}
        options={RULE_KINDS.map((k) => ({ value: k, label: t(`rule.${k}` as MessageKey) }))}
        style={{ width: 150 }}
      />
      {body}
      <Checkbox checked={rule.not} onChange={(e) => set({ not: e.target.checked })}>
        {t('segments.not')}
      </Checkbox>
      <Button onClick={onRemove} aria-label={label('segments.remove')}>
        {t('segments.remove')}
      </Button>
    </Space>
  );
}
