import { hasLoneSurrogate, hasNul } from '../shared/safe-input.ts';

/** Most characters of a field that names or identifies something (ids, phones, names, codes, statuses). */
export const FIELD_MAX_CHARS = 1_000;
/** Most characters of a free-text field (product names, tags, each event property value). */
export const TEXT_MAX_CHARS = 10_000;
/** Most characters of an API event's properties, as one JSON text. */
export const PROPERTIES_MAX_CHARS = 100_000;
/** Fields holding free text, allowed {@link TEXT_MAX_CHARS}. */
const FREE_TEXT = new Set(['product_name', 'tags', 'summary']);

/** Largest amount in minor units (999,999,999,999.99 in a two-digit currency): sums stay in bigint. */
export const MAX_MINOR_UNITS = 10n ** 14n - 1n;
/** Largest quantity of an order line. */
export const MAX_QUANTITY = 1_000_000_000n;

/** The length limit of a canonical field. */
export function fieldLimit(field: string): number {
  if (field === 'properties') return PROPERTIES_MAX_CHARS;
  return FREE_TEXT.has(field) ? TEXT_MAX_CHARS : FIELD_MAX_CHARS;
}

/**
 * What makes a cell's text unstorable, as the end of a sentence about it, or undefined when it is
 * fine: a NUL character (PostgreSQL text cannot hold it), half of a UTF-16 surrogate pair (it
 * would be stored as a replacement character), or more than `max` characters.
 */
export function textProblem(text: string, max: number): string | undefined {
  return textProblemIn(text, max)?.en;
}

/** A reason in the import's two languages: English, and Simplified Chinese for zh-CN users. */
export interface Reason {
  en: string;
  zh: string;
}

/** {@link textProblem} in both languages (the import's rejects are read in the user's language). */
export function textProblemIn(text: string, max: number): Reason | undefined {
  if (text.length > max)
    return {
      en: `is ${text.length.toLocaleString('en')} characters long; the most is ${max.toLocaleString('en')}`,
      zh: `长 ${text.length} 个字符，最多 ${max} 个`,
    };
  if (hasNul(text)) return { en: 'contains a NUL character (\\0)', zh: '含有空字符（\\0）' };
  if (hasLoneSurrogate(text))
    return {
      en: 'contains a broken character (half of a UTF-16 surrogate pair)',
      zh: '含有损坏的字符（半个 UTF-16 代理对）',
    };
  return undefined;
}

/** The index of the first non-empty cell beyond the header's columns, or -1. */
export function firstExtraCell(cells: readonly string[], columns: number): number {
  for (let i = columns; i < cells.length; i++) if (cells[i]!.trim() !== '') return i;
  return -1;
}
