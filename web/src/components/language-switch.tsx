import { Select } from 'antd';
import { type Lang, useI18n } from '../i18n/i18n.tsx';

/** 中文 / English, each written in its own language. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <Select<Lang>
      aria-label={t('header.language')}
      value={lang}
      onChange={setLang}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
      style={{ width: 110 }}
    />
  );
}
