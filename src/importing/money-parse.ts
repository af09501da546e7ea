import { type Decimal, parseDecimal } from '../shared/decimal.ts';

// Currency facts live in the kernel (money-format needs them too); kept importable from here.
export { isCurrencyCode, minorDigits } from '../shared/currency.ts';

// Currency signs and codes people put in cells: ¥1,299.00, ￥88, £3.50, RMB 20, 20元.
const DECORATION = /[¥￥£$€\s\u00a0]|^(?:CNY|RMB|USD|GBP|EUR|HKD|JPY)|(?:CNY|RMB|USD|GBP|EUR|HKD|JPY|元)$/gi;
const GROUPED = /^\d{1,3}(,\d{3})+(\.\d*)?$/;

/**
 * Reads a money or quantity cell into an exact decimal.
 * Accepts `129.9`, `¥1,299.00`, `￥88`, `£3.50`, `-5`, `(12.00)` (accounting negative).
 *
 * @example parseMoney('¥1,299.00') // { units: 129900n, scale: 2 }
 */
export function parseMoney(text: string): Decimal | undefined {
  let s = text.trim();
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  if (s.startsWith('-') || s.startsWith('\u2212')) {
    negative = !negative;
    s = s.slice(1);
  }
  s = s.replace(DECORATION, '');
  if (s.startsWith('-') || s.startsWith('+')) return undefined;
  if (s.includes(',')) {
    if (!GROUPED.test(s)) return undefined;
    s = s.replaceAll(',', '');
  }
  const value = parseDecimal(s);
  if (!value) return undefined;
  return negative ? { units: -value.units, scale: value.scale } : value;
}
