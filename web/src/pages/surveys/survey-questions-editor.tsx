import { Button, Card, Checkbox, Input, Select, Space } from 'antd';
import { QUESTION_TYPES } from '../../../../src/surveys/survey-codes.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import { Field } from '../journeys/journey-inputs.tsx';
import { newQuestion, type OptionDraft, type QuestionDraft } from './survey-draft.ts';
import { LocalInput } from './survey-inputs.tsx';

/** A survey's own questions: code, type, wording, required, and the options of choice questions. */
export function QuestionsEditor({
  value,
  onChange,
}: {
  value: QuestionDraft[];
  onChange: (questions: QuestionDraft[]) => void;
}) {
  const { t } = useI18n();
  const setAt = (i: number, change: Partial<QuestionDraft>) =>
    onChange(value.map((q, j) => (j === i ? { ...q, ...change } : q)));
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {value.map((q, i) => {
        const n = i + 1;
        const path = `questions.${i}`;
        const label = (key: MessageKey) => `${t(key)} (${t('surveys.question_n', { n })})`;
        const choice = q.type === 'single' || q.type === 'multiple';
        return (
          <Card
            // biome-ignore lint/suspicious/noArrayIndexKey: questions are edited in place, never reordered
            key={i}
            size="small"
            type="inner"
            title={t('surveys.question_n', { n })}
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
              <Space wrap align="start" size={[16, 12]}>
                <Field label={t('surveys.question_code')} path={`${path}.id`}>
                  <Input
                    aria-label={label('surveys.question_code')}
                    value={q.id}
                    onChange={(e) => setAt(i, { id: e.target.value })}
                    style={{ width: 140 }}
                  />
                </Field>
                <Field label={t('surveys.question_type')} path={`${path}.type`}>
                  <Select
                    aria-label={label('surveys.question_type')}
                    value={q.type}
                    onChange={(type) => setAt(i, { type })}
                    options={QUESTION_TYPES.map((k) => ({
                      value: k,
                      label: t(`question_type.${k}` as MessageKey),
                    }))}
                    style={{ width: 140 }}
                  />
                </Field>
                <Field label={t('surveys.required')}>
                  <Checkbox checked={q.required} onChange={(e) => setAt(i, { required: e.target.checked })}>
                    {t('surveys.required_hint')}
                  </Checkbox>
                </Field>
              </Space>
              <LocalInput
                label={label('surveys.question_title')}
                path={`${path}.title`}
                value={q.title}
                onChange={(title) => setAt(i, { title })}
              />
              {choice && (
                <Field label={t('surveys.options')} path={`${path}.options`} exact>
                  <OptionsEditor
                    value={q.options}
                    onChange={(options) => setAt(i, { options })}
                    path={`${path}.options`}
                    label={(key, k) => `${t(key)} ${k} (${t('surveys.question_n', { n })})`}
                  />
                </Field>
              )}
            </Space>
          </Card>
        );
      })}
      <Button onClick={() => onChange([...value, newQuestion(value)])}>{t('surveys.add_question')}</Button>
    </Space>
  );
}

/** The options of a choice question: code and wording in both languages. */
function OptionsEditor({
  value,
  onChange,
  path,
  label,
}: {
  value: OptionDraft[];
  onChange: (options: OptionDraft[]) => void;
  path: string;
  label: (key: MessageKey, n: number) => string;
}) {
  const { t } = useI18n();
  const setAt = (i: number, change: Partial<OptionDraft>) =>
    onChange(value.map((o, j) => (j === i ? { ...o, ...change } : o)));
  return (
    <Space orientation="vertical" size={4}>
      {value.map((o, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place
        <Space key={i} wrap align="start" size={4}>
          <Field label={t('surveys.option_code')} path={`${path}.${i}.value`}>
            <Input
              aria-label={label('surveys.option_code', i + 1)}
              value={o.value}
              onChange={(e) => setAt(i, { value: e.target.value })}
              style={{ width: 110 }}
            />
          </Field>
          <Field label={t('surveys.option_zh')} path={`${path}.${i}.label.zh-CN`}>
            <Input
              aria-label={label('surveys.option_zh', i + 1)}
              value={o.label.zh}
              onChange={(e) => setAt(i, { label: { ...o.label, zh: e.target.value } })}
              style={{ width: 150 }}
            />
          </Field>
          <Field label={t('surveys.option_en')} path={`${path}.${i}.label.en`}>
            <Input
              aria-label={label('surveys.option_en', i + 1)}
              value={o.label.en}
              onChange={(e) => setAt(i, { label: { ...o.label, en: e.target.value } })}
              style={{ width: 150 }}
            />
          </Field>
          <Field label=" ">
            <Button
              aria-label={label('surveys.remove', i + 1)}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              ×
            </Button>
          </Field>
        </Space>
      ))}
      <Button
        size="small"
        onClick={() => onChange([...value, { value: `o${value.length + 1}`, label: { zh: '', en: '' } }])}
      >
        {t('surveys.add_option')}
      </Button>
    </Space>
  );
}
