import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client.ts';
import type { I18n } from '../../i18n/i18n.tsx';

/** A form field's name path from a server field (`body.messaging.frequency_cap` → messaging, frequency_cap). */
export function fieldPath(field: string, prefix: (string | number)[] = []): (string | number)[] {
  const parts = field.split('.').filter((p, i) => !(i === 0 && (p === 'body' || p === '(all)')));
  return [...prefix, ...parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p))];
}

/**
 * The server's (zod's) message about a field in the reader's language: the bounds and kinds it
 * names in words; anything else as a plain "invalid value", never English in a Chinese page.
 */
export function fieldMessage(message: string, t: I18n['t']): string {
  const number = /^Too (big|small): expected number to be ([<>]=?)(-?[\d.]+)/.exec(message);
  if (number) return t(number[2]!.startsWith('<') ? 'field.max' : 'field.min', { n: number[3]! });
  const length = /^Too (big|small): expected (string|array) to have ([<>]=?)(\d+)/.exec(message);
  if (length)
    return length[4] === '1' && length[3]!.startsWith('>')
      ? t('form.required')
      : t(length[3]!.startsWith('<') ? 'field.max_length' : 'field.min_length', { n: length[4]! });
  if (/expected int/.test(message)) return t('field.whole');
  if (/expected number/.test(message)) return t('field.number');
  if (/a time such as/.test(message)) return t('field.time');
  if (/must not be blank/.test(message)) return t('form.required');
  if (/each channel once|each .* once/.test(message)) return t('field.duplicate');
  if (/must be a date/.test(message)) return t('field.date');
  if (/already exists/.test(message)) return t('field.taken');
  if (/your own role/.test(message)) return t('members.own_role');
  if (/at least one admin/.test(message)) return t('members.last_admin');
  if (/not both/.test(message)) return t('field.days_or_until');
  if (/is before valid_from/.test(message)) return t('field.before_start');
  return t('field.invalid');
}

/**
 * Puts a refused write's field errors on the form's fields (the server names each one); returns
 * whether any landed, so the caller shows a general message otherwise.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  t: I18n['t'],
  map: (field: string) => (string | number)[] = (f) => fieldPath(f),
): boolean {
  if (!(error instanceof ApiError)) return false;
  const fields =
    error.fields ??
    // A conflict names its field at the start of the message: `name: …`.
    (/^(\w+): /.exec(error.message)
      ? [{ field: /^(\w+): /.exec(error.message)![1]!, message: error.message }]
      : []);
  form.setFields(fields.map((f) => ({ name: map(f.field), errors: [fieldMessage(f.message, t)] })));
  // An error on a field the form does not show is not shown: the caller says it in general words.
  return fields.some((f) => form.getFieldError(map(f.field)).length > 0);
}

/** Clears the errors a refused attempt left on the form's fields, before the next attempt. */
export function clearFieldErrors(form: FormInstance): void {
  form.setFields(form.getFieldsError().map((f) => ({ name: f.name, errors: [] })));
}
