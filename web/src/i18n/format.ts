import type { Lang } from './i18n.tsx';

/** Formats numbers, money and dates for one language, currency and time zone. */
export interface Formatter {
  number: (n: number | null | undefined, digits?: number) => string;
  percent: (fraction: number | null | undefined) => string;
  /** Money from integer minor units (fen, cents) in the workspace currency. */
  money: (minor: number | null | undefined) => string;
  /** A local calendar date `YYYY-MM-DD` as the workspace recorded it. */
  date: (day: string | null | undefined) => string;
  /** A moment (ISO time) in the workspace's zone. */
  dateTime: (iso: string | null | undefined) => string;
}

const DASH = '—';

/** Digits after the point of a currency (2 for CNY and USD, 0 for JPY). */
export const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** A {@link Formatter} for a language, workspace currency and workspace zone. */
export function makeFormatter(lang: Lang, currency: string, timeZone: string): Formatter {
  const digits = currencyDigits(currency);
  const money = new Intl.NumberFormat(lang, { style: 'currency', currency });
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
  const moment = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  return {
    number: (n, d = 0) =>
      n === null || n === undefined ? DASH : n.toLocaleString(lang, { maximumFractionDigits: d }),
    percent: (f) => (f === null || f === undefined ? DASH : percent.format(f)),
    money: (minor) => (minor === null || minor === undefined ? DASH : money.format(minor / 10 ** digits)),
    date: (d) => (d ? day.format(new Date(`${d.slice(0, 10)}T00:00:00Z`)) : DASH),
    dateTime: (iso) => (iso ? moment.format(new Date(iso)) : DASH),
  };
}
