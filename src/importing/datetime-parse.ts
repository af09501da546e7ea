/**
 * A point in time read from a cell. `local` is a wall-clock time to be read in the workspace's
 * zone (the database converts it); `absolute` carries its own offset.
 */
export type ParsedTime = { local: string } | { absolute: string };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function wallClock(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, frac = ''): string | undefined {
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}${frac ? `.${frac}` : ''}`;
}

// 2024-03-05, 2024/3/5 14:03, 2024.3.5 14:03:09.123, 2024-03-05T14:03:00+08:00, 2024年3月5日 14时03分
const DATE_TIME =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+(\d{1,2})[:时点](\d{2})分?(?::?(\d{2})(?:\.(\d{1,6}))?秒?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const COMPACT = /^(\d{4})(\d{2})(\d{2})(?:[T\s]?(\d{2})(\d{2})(\d{2})?)?$/;
const SERIAL = /^\d{1,7}(?:\.\d+)?$/;
// Excel's day 0 is 1899-12-30 once its 1900 leap-year bug is accounted for.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

/**
 * Reads the date and time formats merchants' exports use; `undefined` when it is not one.
 *
 * @example parseDateTime('2024/3/5 14:03') // { local: '2024-03-05 14:03:00' }
 * @example parseDateTime('2024-03-05T14:03:00+08:00') // { absolute: '2024-03-05 14:03:00+08:00' }
 */
export function parseDateTime(text: string): ParsedTime | undefined {
  const s = text.trim();
  let m = DATE_TIME.exec(s);
  if (m) {
    const local = wallClock(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), m[7]);
    if (!local) return undefined;
    const zone = m[8];
    if (!zone) return { local };
    if (/^z$/i.test(zone)) return { absolute: `${local}+00:00` };
    const hh = zone.slice(0, 3);
    const mm = zone.slice(3).replace(':', '') || '00';
    if (+hh.slice(1) > 14 || +mm > 59) return undefined;
    return { absolute: `${local}${hh}:${mm}` };
  }
  m = COMPACT.exec(s);
  if (m) {
    const local = wallClock(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    return local ? { local } : undefined;
  }
  if (SERIAL.test(s)) return fromExcelSerial(Number(s));
  return undefined;
}

/** An Excel serial day number (days since 1899-12-30, fraction = time of day) as local time. */
export function fromExcelSerial(serial: number): ParsedTime | undefined {
  // Serials below 1 or beyond 9999-12-31 are not dates; an 8-digit YYYYMMDD never reaches here.
  if (!(serial >= 1 && serial < 2_958_466)) return undefined;
  const ms = Math.round((serial * DAY_MS) / 1000) * 1000;
  return fromWallClockDate(new Date(EXCEL_EPOCH_MS + ms));
}

/** A Date whose UTC fields hold a wall-clock time (as spreadsheet readers return them). */
export function fromWallClockDate(date: Date): ParsedTime | undefined {
  if (Number.isNaN(date.getTime())) return undefined;
  const local = wallClock(
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  );
  return local ? { local } : undefined;
}

/** A calendar date (birthday) as `YYYY-MM-DD`, from the same formats; a time of day, if any, is ignored. */
export function parseDate(text: string): string | undefined {
  const parsed = parseDateTime(text);
  if (!parsed || !('local' in parsed)) return undefined;
  return parsed.local.slice(0, 10);
}
