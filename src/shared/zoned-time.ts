/** The wall-clock parts of an instant in a time zone. */
export interface WallClock {
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, f);
  }
  return f;
}

/** Whether the runtime knows the IANA zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

/** The last wall clock read per zone: a delivery round asks for one instant thousands of times. */
const lastRead = new Map<string, { at: number; clock: WallClock }>();

/** The local date, time of day and weekday of `at` in `zone`. */
export function wallClock(at: Date, zone: string): WallClock {
  const seen = lastRead.get(zone);
  if (seen?.at === at.getTime()) return { ...seen.clock };
  const clock = readWallClock(at, zone);
  // Bounded: zones are few, but a customer attribute could name many.
  if (lastRead.size >= 64) lastRead.clear();
  lastRead.set(zone, { at: at.getTime(), clock });
  return { ...clock };
}

function readWallClock(at: Date, zone: string): WallClock {
  const parts = Object.fromEntries(
    format(zone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { date, minutes: Number(parts.hour) * 60 + Number(parts.minute), weekday: day === 0 ? 7 : day };
}

/** The instant when the wall clock in `zone` shows `date` at `minutes` past midnight. */
export function zonedInstant(date: string, minutes: number, zone: string): Date {
  const wanted = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  // Two passes find the offset even across a daylight-saving change.
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const seen = wallClock(new Date(guess), zone);
    const shown = Date.parse(`${seen.date}T00:00:00Z`) + seen.minutes * 60_000;
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The first instant after `after` when the wall clock in `zone` shows `minutes` past midnight
 * (on ISO `weekday` when given).
 *
 * @example nextWallTime(now, 'Asia/Shanghai', 10 * 60, 1) // next Monday 10:00 in Shanghai
 */
export function nextWallTime(after: Date, zone: string, minutes: number, weekday?: number): Date {
  const local = wallClock(after, zone);
  for (let d = 0; d <= 8; d++) {
    const date = addDays(local.date, d);
    const day = new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
    if (weekday !== undefined && day !== weekday) continue;
    const at = zonedInstant(date, minutes, zone);
    if (at > after) return at;
  }
  throw new Error('unreachable: a matching day lies within 8 days');
}

/** Minutes past midnight of `HH:MM`. */
export function clockMinutes(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}
