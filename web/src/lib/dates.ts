// Calendar dates as `YYYY-MM-DD` strings, computed in UTC so no local zone shifts them.

/** Today in an IANA zone, as `YYYY-MM-DD`. */
export const todayIn = (timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );

const parse = (day: string) => new Date(`${day}T00:00:00Z`);
const text = (d: Date) => d.toISOString().slice(0, 10);

/** `day` plus `n` days. */
export const addDays = (day: string, n: number) => {
  const d = parse(day);
  d.setUTCDate(d.getUTCDate() + n);
  return text(d);
};

/** `day` plus `n` months, on the first of the month. */
export const addMonths = (day: string, n: number) => {
  const d = parse(day);
  return text(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1)));
};

/** A unit of the metrics API. */
export type PeriodUnit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** The first day of the period of `unit` holding `day` (weeks start on Monday, as the API's). */
export function periodStart(day: string, unit: PeriodUnit): string {
  const d = parse(day);
  switch (unit) {
    case 'day':
      return day;
    case 'week':
      return addDays(day, -((d.getUTCDay() + 6) % 7));
    case 'month':
      return text(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)));
    case 'quarter':
      return text(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1)));
    case 'year':
      return text(new Date(Date.UTC(d.getUTCFullYear(), 0, 1)));
  }
}

/** The start of the period `n` periods after the one starting at `start`. */
export function shiftPeriod(start: string, unit: PeriodUnit, n: number): string {
  switch (unit) {
    case 'day':
      return addDays(start, n);
    case 'week':
      return addDays(start, 7 * n);
    case 'month':
      return addMonths(start, n);
    case 'quarter':
      return addMonths(start, 3 * n);
    case 'year':
      return addMonths(start, 12 * n);
  }
}
