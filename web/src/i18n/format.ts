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
  /** A large figure the way its readers count: 12万, 3.5亿 in zh-CN; 120K, 3.5M in English. */
  compact: (n: number | null | undefined) => string;
  /** Money for an axis or a tight spot, from minor units: ¥12万 in zh-CN, CN¥120K in English. */
  moneyCompact: (minor: number | null | undefined) => string;
  /** The label of a period by its unit: 2026年1月, 2026年第3周, 2026年第1季度 (from its first day). */
  period: (start: string, unit: 'day' | 'week' | 'month' | 'quarter' | 'year') => string;
  /** A difference of two rates in percentage points: +3.2 个百分点. */
  points: (difference: number | null | undefined) => string;
}

const DASH = '—';

/** Digits after the point of a currency (2 for CNY and USD, 0 for JPY). */
export const currencyDigits = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/** 万 and 亿 as Chinese readers group digits (by 10⁴, not 10³). */
function chineseCompact(n: number): { value: number; unit: string } {
  const abs = Math.abs(n);
  if (abs >= 1e8) return { value: n / 1e8, unit: '亿' };
  if (abs >= 1e4) return { value: n / 1e4, unit: '万' };
  return { value: n, unit: '' };
}

/** The ISO week (Monday first, as the metrics API) of a `YYYY-MM-DD` day: its year and number. */
export function isoWeek(day: string): { year: number; week: number } {
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  const thursday = new Date(d);
  thursday.setUTCDate(d.getUTCDate() + 3 - ((d.getUTCDay() + 6) % 7));
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() + 3 - ((firstThursday.getUTCDay() + 6) % 7));
  return {
    year: thursday.getUTCFullYear(),
    week: 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86_400_000)),
  };
}

/** A {@link Formatter} for a language, workspace currency and workspace zone. */
export function makeFormatter(lang: Lang, currency: string, timeZone: string): Formatter {
  const digits = currencyDigits(currency);
  const money = new Intl.NumberFormat(lang, { style: 'currency', currency });
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
  const moment = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const month = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: lang === 'zh-CN' ? 'long' : 'short',
    timeZone: 'UTC',
  });
  const year = new Intl.DateTimeFormat(lang, { year: 'numeric', timeZone: 'UTC' });
  const symbol =
    new Intl.NumberFormat(lang, { style: 'currency', currency })
      .formatToParts(0)
      .find((p) => p.type === 'currency')?.value ?? '';
  const short = (n: number) => n.toLocaleString(lang, { maximumFractionDigits: Math.abs(n) < 10 ? 2 : 1 });
  const compact = (n: number) => {
    if (lang !== 'zh-CN') return n.toLocaleString(lang, { notation: 'compact', maximumFractionDigits: 1 });
    const c = chineseCompact(n);
    return c.unit ? `${short(c.value)}${c.unit}` : n.toLocaleString(lang, { maximumFractionDigits: 2 });
  };
  const utc = (d: string) => new Date(`${d.slice(0, 10)}T00:00:00Z`);
  return {
    number: (n, d = 0) =>
      n === null || n === undefined ? DASH : n.toLocaleString(lang, { maximumFractionDigits: d }),
    percent: (f) => (f === null || f === undefined ? DASH : percent.format(f)),
    money: (minor) => (minor === null || minor === undefined ? DASH : money.format(minor / 10 ** digits)),
    date: (d) => (d ? day.format(new Date(`${d.slice(0, 10)}T00:00:00Z`)) : DASH),
    dateTime: (iso) => (iso ? moment.format(new Date(iso)) : DASH),
    compact: (n) => (n === null || n === undefined ? DASH : compact(n)),
    moneyCompact: (minor) => {
      if (minor === null || minor === undefined) return DASH;
      const major = minor / 10 ** digits;
      if (lang !== 'zh-CN')
        return new Intl.NumberFormat(lang, {
          style: 'currency',
          currency,
          notation: 'compact',
          maximumFractionDigits: 1,
        }).format(major);
      const sign = major < 0 ? '-' : '';
      return `${sign}${symbol}${compact(Math.abs(major))}`;
    },
    period: (start, unit) => {
      const d = utc(start);
      if (unit === 'month') return month.format(d);
      if (unit === 'year') return year.format(d);
      if (unit === 'quarter') {
        const q = Math.floor(d.getUTCMonth() / 3) + 1;
        return lang === 'zh-CN' ? `${d.getUTCFullYear()}年第${q}季度` : `Q${q} ${d.getUTCFullYear()}`;
      }
      if (unit === 'week') {
        const w = isoWeek(start);
        return lang === 'zh-CN' ? `${w.year}年第${w.week}周` : `Week ${w.week}, ${w.year}`;
      }
      return day.format(d);
    },
    points: (difference) => {
      if (difference === null || difference === undefined) return DASH;
      const pp = Math.round(difference * 1000) / 10;
      const text = `${pp > 0 ? '+' : pp < 0 ? '−' : ''}${Math.abs(pp).toLocaleString(lang, { maximumFractionDigits: 1 })}`;
      return lang === 'zh-CN' ? `${text} 个百分点` : `${text} pp`;
    },
  };
}
