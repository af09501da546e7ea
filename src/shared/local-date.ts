import { clockNow } from './clock.ts';
import { InvalidInputError } from './errors.ts';

// Making an Intl.DateTimeFormat costs about a millisecond; one per zone is kept.
const formats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in a time zone, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now: Date = clockNow()): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone });
    formats.set(timeZone, format);
  }
  return format.format(now);
}

/** The `--as-of` date: the given one (checked), or today in the workspace's zone. */
export function asOfOption(value: string | undefined, timeZone: string): string {
  return value === undefined ? todayIn(timeZone) : parseDateOption('--as-of', value);
}

/** Checks a YYYY-MM-DD option value (a real calendar date); returns it. */
export function parseDateOption(name: string, value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : undefined;
  if (!m || !date || date.toISOString().slice(0, 10) !== value) {
    throw new InvalidInputError(`${name} ${value}: expected a date as YYYY-MM-DD`);
  }
  return value;
}
