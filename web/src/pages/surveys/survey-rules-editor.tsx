import { Button, Card, Input, Select, Space } from 'antd';
import { ROLES } from '../../../../src/access/roles.ts';
import { NPS_GROUPS, type SurveyKind } from '../../../../src/surveys/survey-codes.ts';
import { TASK_KINDS, TASK_PRIORITIES } from '../../../../src/tasks/task-codes.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { Field } from '../journeys/journey-inputs.tsx';
import { type AssignKind, newRule, type RuleDraft } from './survey-draft.ts';

const ASSIGN: AssignKind[] = ['owner', 'round_robin', 'user', 'queue'];

/** The survey's rules: when an answer creates a task, and what task for whom. */
export function RulesEditor({
  kind,
  value,
  onChange,
}: {
  kind: SurveyKind;
  value: RuleDraft[];
  onChange: (rules: RuleDraft[]) => void;
}) {
  const { t, value: word } = useI18n();
  const setAt = (i: number, change: Partial<RuleDraft>) =>
    onChange(value.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const [min, max] = kind === 'nps' ? [0, 10] : [1, 5];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {value.map((r, i) => {
        const n = i + 1;
        const when = `rules.${i}.when`;
        const task = `rules.${i}.task`;
        const label = (key: MessageKey) => `${t(key)} (${t('surveys.rule_n', { n })})`;
        const score = (field: 'scoreMin' | 'scoreMax', key: MessageKey, json: string) => (
          <Field label={t(key)} path={`${when}.${json}`}>
            <Input
              aria-label={label(key)}
              inputMode="numeric"
              placeholder={`${min}–${max}`}
              value={r[field]}
              onChange={(e) => setAt(i, { [field]: e.target.value })}
              style={{ width: 100 }}
            />
          </Field>
        );
        return (
          <Card
            // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, never reordered
            key={i}
            size="small"
            type="inner"
            title={t('surveys.rule_n', { n })}
            extra={
              <Button
                size="small"
                aria-label={label('surveys.remove')}
                onClick={() => onChange(value.filter((_, j) => j !== i))}
              >
                {t('surveys.remove')}
              </Button>
            }
          >
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              <Field label={t('surveys.rule_when')} path={when} exact>
                <Space wrap align="start" size={[16, 12]}>
                  {kind === 'nps' && (
                    <Field label={t('surveys.when_group')} path={`${when}.nps_group`}>
                      <Select
                        mode="multiple"
                        aria-label={label('surveys.when_group')}
                        value={r.npsGroups}
                        onChange={(npsGroups) => setAt(i, { npsGroups })}
                        options={NPS_GROUPS.map((g) => ({ value: g, label: word('nps_group', g) }))}
                        style={{ minWidth: 180 }}
                      />
                    </Field>
                  )}
                  {score('scoreMin', 'surveys.when_score_min', 'score_min')}
                  {score('scoreMax', 'surveys.when_score_max', 'score_max')}
                  <Field label={t('surveys.when_keywords')} path={`${when}.keywords`}>
                    <Select
                      mode="tags"
                      aria-label={label('surveys.when_keywords')}
                      placeholder={t('surveys.keywords_hint')}
                      value={r.keywords}
                      onChange={(keywords) => setAt(i, { keywords })}
                      open={false}
                      style={{ minWidth: 200 }}
                    />
                  </Field>
                </Space>
              </Field>
              <Space wrap align="start" size={[16, 12]}>
                <Field label={t('surveys.task_kind')} path={`${task}.kind`}>
                  <Select
                    aria-label={label('surveys.task_kind')}
                    value={r.kind || undefined}
                    onChange={(k) => setAt(i, { kind: k })}
                    options={[...new Set([...TASK_KINDS, r.kind].filter(Boolean))].map((k) => ({
                      value: k,
                      label: word('task_kind', k),
                    }))}
                    style={{ width: 140 }}
                  />
                </Field>
                <Field label={t('surveys.task_title')} path={`${task}.title`}>
                  <Input
                    aria-label={label('surveys.task_title')}
                    placeholder={t('surveys.task_title_default')}
                    value={r.title}
                    maxLength={200}
                    onChange={(e) => setAt(i, { title: e.target.value })}
                    style={{ width: 280 }}
                  />
                </Field>
                <Field label={t('surveys.due_in_hours')} path={`${task}.due_in_hours`}>
                  <Input
                    aria-label={label('surveys.due_in_hours')}
                    inputMode="numeric"
                    value={r.dueInHours}
                    suffix={t('surveys.hours')}
                    onChange={(e) => setAt(i, { dueInHours: e.target.value })}
                    style={{ width: 120 }}
                  />
                </Field>
                <Field label={t('surveys.priority')} path={`${task}.priority`}>
                  <Select
                    aria-label={label('surveys.priority')}
                    value={r.priority}
                    onChange={(priority) => setAt(i, { priority })}
                    options={TASK_PRIORITIES.map((p) => ({ value: p, label: word('task_priority', p) }))}
                    style={{ width: 100 }}
                  />
                </Field>
                <Field label={t('surveys.assign')} path={`${task}.assign`}>
                  <Space.Compact>
                    <Select<AssignKind>
                      aria-label={label('surveys.assign')}
                      value={r.assign}
                      onChange={(assign) => setAt(i, { assign })}
                      options={ASSIGN.map((a) => ({ value: a, label: t(`assign.${a}` as MessageKey) }))}
                      style={{ width: 190 }}
                    />
                    {r.assign === 'round_robin' && (
                      <Select
                        aria-label={label('surveys.assign_role')}
                        value={r.role}
                        onChange={(role) => setAt(i, { role })}
                        options={ROLES.map((role) => ({ value: role, label: t(`role.${role}`) }))}
                        style={{ width: 110 }}
                      />
                    )}
                    {r.assign === 'user' && (
                      <Input
                        aria-label={label('surveys.assign_user')}
                        placeholder={t('surveys.assign_user')}
                        inputMode="numeric"
                        value={r.userId}
                        onChange={(e) => setAt(i, { userId: e.target.value })}
                        style={{ width: 120 }}
                      />
                    )}
                  </Space.Compact>
                </Field>
              </Space>
            </Space>
          </Card>
        );
      })}
      <Button onClick={() => onChange([...value, newRule(kind)])}>{t('surveys.add_rule')}</Button>
    </Space>
  );
}
