import { ApiError } from '../../api/client.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';

/** The message of a refused request: the fields it names, in the page's language. */
export function useBroadcastError() {
  const { t } = useI18n();
  return (error: unknown) => {
    if (!(error instanceof ApiError) || !error.fields?.length) return t('broadcasts.error_other');
    const names = [...new Set(error.fields.map((f) => f.field.replace(/^body\./, '').split('.')[0]!))];
    return t('broadcasts.error', {
      fields: names.map((n) => t(`broadcasts.field.${n}` as MessageKey) ?? n).join('、'),
    });
  };
}
