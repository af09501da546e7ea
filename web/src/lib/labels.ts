import type { MessageKey } from '../i18n/messages-zh-cn.ts';

/** The label of an RFM group or lifecycle code from the API, or a dash for none. */
export const codeLabel = (t: (k: MessageKey) => string, kind: 'rfm' | 'lifecycle', code: string | null) =>
  code ? t(`${kind}.${code}` as MessageKey) : '—';
