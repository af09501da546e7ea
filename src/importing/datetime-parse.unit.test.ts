import { describe, expect, it } from 'vitest';
import { fromExcelSerial, parseDate, parseDateTime } from './datetime-parse.ts';

describe('parseDateTime: wall-clock times (read in the workspace zone)', () => {
  it('reads an ISO date as midnight', () => {
    expect(parseDateTime('2024-03-05')).toEqual({ local: '2024-03-05 00:00:00' });
  });

  it('reads slashes, single-digit month/day and a minute-precision time', () => {
    expect(parseDateTime('2024/3/5 14:03')).toEqual({ local: '2024-03-05 14:03:00' });
    expect(parseDateTime(' 2024.3.5 9:07:09 ')).toEqual({ local: '2024-03-05 09:07:09' });
  });

  it('keeps fractional seconds', () => {
    expect(parseDateTime('2024-03-05 14:03:09.123')).toEqual({ local: '2024-03-05 14:03:09.123' });
  });

  it('reads Chinese dates', () => {
    expect(parseDateTime('2024年3月5日')).toEqual({ local: '2024-03-05 00:00:00' });
    expect(parseDateTime('2024年3月5日 14:03')).toEqual({ local: '2024-03-05 14:03:00' });
  });

  it('reads compact YYYYMMDD dates as dates, not as Excel serials', () => {
    expect(parseDateTime('20240305')).toEqual({ local: '2024-03-05 00:00:00' });
    expect(parseDateTime('20240305 140309')).toEqual({ local: '2024-03-05 14:03:09' });
  });

  it('reads an Excel serial day number', () => {
    expect(parseDateTime('45356')).toEqual({ local: '2024-03-05 00:00:00' });
    expect(parseDateTime('45356.5')).toEqual({ local: '2024-03-05 12:00:00' });
  });
});

describe('parseDateTime: times with an offset', () => {
  it('keeps an explicit offset', () => {
    expect(parseDateTime('2024-03-05T14:03:00+08:00')).toEqual({ absolute: '2024-03-05 14:03:00+08:00' });
    expect(parseDateTime('2024-03-05 14:03:00 -05:00')).toEqual({ absolute: '2024-03-05 14:03:00-05:00' });
  });

  it('reads Z as +00:00', () => {
    expect(parseDateTime('2024-03-05T14:03:00Z')).toEqual({ absolute: '2024-03-05 14:03:00+00:00' });
  });

  it('reads offsets without a colon or without minutes', () => {
    expect(parseDateTime('2024-03-05T14:03:00+0530')).toEqual({ absolute: '2024-03-05 14:03:00+05:30' });
    expect(parseDateTime('2024-03-05T14:03:00+08')).toEqual({ absolute: '2024-03-05 14:03:00+08:00' });
  });

  it('rejects an offset beyond ±14 hours', () => {
    expect(parseDateTime('2024-03-05T14:03:00+15:00')).toBeUndefined();
  });
});

describe('parseDateTime: leap years and impossible dates', () => {
  it('accepts 29 February in a leap year', () => {
    expect(parseDateTime('2024-02-29')).toEqual({ local: '2024-02-29 00:00:00' });
  });

  it('rejects days that do not exist', () => {
    for (const text of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '20230229']) {
      expect(parseDateTime(text), text).toBeUndefined();
    }
  });

  it('rejects times that do not exist', () => {
    for (const text of ['2024-03-05 24:00', '2024-03-05 12:60', '2024-03-05 12:00:60', '24:00']) {
      expect(parseDateTime(text), text).toBeUndefined();
    }
  });

  it('rejects text that is not a date', () => {
    for (const text of ['hello', '', '0', '2024-03', '03/05/2024']) {
      expect(parseDateTime(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('fromExcelSerial', () => {
  it('counts days from 1899-12-30 (Excel after its 1900 leap-year bug)', () => {
    // 1900-01-01 → 2024-01-01: 124 × 365 + 30 leap days = 45290 days, + 2 from 1899-12-30 = 45292;
    // + 31 (Jan) + 29 (Feb) + 4 = 45356 for 2024-03-05.
    expect(fromExcelSerial(45292)).toEqual({ local: '2024-01-01 00:00:00' });
    expect(fromExcelSerial(45356)).toEqual({ local: '2024-03-05 00:00:00' });
    expect(fromExcelSerial(61)).toEqual({ local: '1900-03-01 00:00:00' });
  });

  it('reads the fraction as the time of day, to the second', () => {
    expect(fromExcelSerial(45356.5)).toEqual({ local: '2024-03-05 12:00:00' });
    expect(fromExcelSerial(45356.25)).toEqual({ local: '2024-03-05 06:00:00' });
    // 14:03 = 843 minutes = 843 / 1440 of a day; float noise must round away
    expect(fromExcelSerial(45356 + 843 / 1440)).toEqual({ local: '2024-03-05 14:03:00' });
  });

  it('rejects serials that are not dates', () => {
    expect(fromExcelSerial(0)).toBeUndefined();
    expect(fromExcelSerial(-1)).toBeUndefined();
    expect(fromExcelSerial(Number.NaN)).toBeUndefined();
  });
});

describe('parseDate', () => {
  it('returns the calendar date of any accepted format', () => {
    expect(parseDate('1990-05-01')).toBe('1990-05-01');
    expect(parseDate('1990/5/1')).toBe('1990-05-01');
    expect(parseDate('1990年5月1日')).toBe('1990-05-01');
    expect(parseDate('19900501')).toBe('1990-05-01');
    // 1900-01-01 → 1990-01-01: 90 × 365 + 22 leap days = 32872, + 2 from 1899-12-30
    expect(parseDate('32874')).toBe('1990-01-01');
  });

  it('accepts 29 February only in a leap year', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2023-02-29')).toBeUndefined();
  });

  it('rejects text that is not a date', () => {
    expect(parseDate('hello')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
  });
});
