import { Alert, Button, Segmented, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { newRule } from '../segments/segment-rule.ts';
import { RuleEditor } from '../segments/segment-rule-editor.tsx';
import type { ConditionDraft } from './journey-draft.ts';

/** A segment condition for a branch or the entry, built from the segment builder's rules. */
export function ConditionEditor({
  value,
  onChange,
  label,
}: {
  value: ConditionDraft;
  onChange: (c: ConditionDraft) => void;
  label: string;
}) {
  const { t } = useI18n();
  if (value.kept !== undefined)
    return (
      <Alert
        type="info"
        title={t('journeys.condition_kept')}
        description={
          <pre style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{JSON.stringify(value.kept, null, 1)}</pre>
        }
        action={
          <Button size="small" onClick={() => onChange({ rules: [newRule('tag')], join: 'all' })}>
            {t('journeys.condition_replace')}
          </Button>
        }
      />
    );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} aria-label={label}>
      {value.rules.length > 1 && (
        <Segmented
          aria-label={`${label} · ${t('segments.join')}`}
          value={value.join}
          onChange={(join) => onChange({ ...value, join: join as 'all' | 'any' })}
          options={[
            { value: 'all', label: t('segments.all') },
            { value: 'any', label: t('segments.any') },
          ]}
        />
      )}
      {value.rules.map((rule, i) => (
        <RuleEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: rules are edited in place, never reordered
          key={i}
          rule={rule}
          index={i}
          onChange={(next) => onChange({ ...value, rules: value.rules.map((r, j) => (j === i ? next : r)) })}
          onRemove={() => onChange({ ...value, rules: value.rules.filter((_, j) => j !== i) })}
        />
      ))}
      <Button size="small" onClick={() => onChange({ ...value, rules: [...value.rules, newRule('tag')] })}>
        {t('segments.add_rule')}
      </Button>
    </Space>
  );
}
