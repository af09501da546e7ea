import { InvalidInputError } from './errors.ts';

let fixed: Date | undefined;

/**
 * The current time for everything that schedules: real time, or the time set by `RETAIN_NOW`
 * (ISO 8601) or {@link setClock} (the CLI's `--now`), so simulations and tests can run a journey's
 * 30 days in seconds.
 *
 * @example RETAIN_NOW=2026-03-01T10:00:00+08:00 retain worker --once
 */
export function clockNow(): Date {
  if (fixed) return new Date(fixed);
  const env = process.env.RETAIN_NOW;
  return env ? parseInstant('RETAIN_NOW', env) : new Date();
}

/** The instant the clock is fixed at by {@link setClock}, if it is. */
export function fixedClock(): Date | undefined {
  return fixed && new Date(fixed);
}

/** Fixes the clock at an instant (or releases it with undefined). */
export function setClock(at: Date | string | undefined): void {
  fixed = typeof at === 'string' ? parseInstant('--now', at) : at;
}

/** Reads an ISO 8601 instant (a date alone is its UTC midnight); a clear error otherwise. */
export function parseInstant(name: string, value: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim());
  const at = new Date(value.trim());
  if (!ok || Number.isNaN(at.getTime()))
    throw new InvalidInputError(`${name} ${value}: expected a time such as 2026-03-01T10:00:00+08:00`);
  return at;
}
