import { Input, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { Field, FieldMessages } from '../journeys/journey-inputs.tsx';
import type { LocalDraft } from './survey-draft.ts';

/** Chinese and English of one text side by side, each with what the server said about it. */
export function LocalInput({
  value,
  onChange,
  label,
  path,
  width = 260,
}: {
  value: LocalDraft;
  onChange: (v: LocalDraft) => void;
  label: string;
  path: string;
  width?: number;
}) {
  const { t } = useI18n();
  return (
    <Space wrap align="start" size={[16, 12]}>
      {(['zh', 'en'] as const).map((lang) => {
        const name = t(lang === 'zh' ? 'surveys.in_zh' : 'surveys.in_en', { label });
        return (
          <Field key={lang} label={name} path={`${path}.${lang === 'zh' ? 'zh-CN' : 'en'}`}>
            <Input
              aria-label={name}
              value={value[lang]}
              maxLength={500}
              onChange={(e) => onChange({ ...value, [lang]: e.target.value })}
              style={{ width }}
            />
          </Field>
        );
      })}
      {/* A text left out altogether is named by its own path, not a language's. */}
      <FieldMessages path={path} exact />
    </Space>
  );
}
