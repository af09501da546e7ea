import { minorDigits } from './currency.ts';

/** Minor units as a display amount, e.g. `129900, 'CNY'` → `¥1,299.00`. */
export function formatMoney(minor: number, currency: string, locale = 'zh-CN'): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits }).format(
    minor / 10 ** digits,
  );
}
