import { describe, expect, it } from 'vitest';
import { minorDigits, parseMoney } from './money-parse.ts';

describe('parseMoney', () => {
  it('reads plain numbers', () => {
    expect(parseMoney('129.9')).toEqual({ units: 1299n, scale: 1 });
    expect(parseMoney('-5')).toEqual({ units: -5n, scale: 0 });
    expect(parseMoney(' 42.00 ')).toEqual({ units: 4200n, scale: 2 });
  });

  it('strips currency signs', () => {
    expect(parseMoney('¥1,299.00')).toEqual({ units: 129900n, scale: 2 });
    expect(parseMoney('￥88')).toEqual({ units: 88n, scale: 0 });
    expect(parseMoney('£3.50')).toEqual({ units: 350n, scale: 2 });
    expect(parseMoney('$12')).toEqual({ units: 12n, scale: 0 });
    expect(parseMoney('-¥5.5')).toEqual({ units: -55n, scale: 1 });
  });

  it('strips currency codes and 元 before or after the amount', () => {
    expect(parseMoney(' 20元')).toEqual({ units: 20n, scale: 0 });
    expect(parseMoney('RMB 20')).toEqual({ units: 20n, scale: 0 });
    expect(parseMoney('20 CNY')).toEqual({ units: 20n, scale: 0 });
  });

  it('reads thousands separators', () => {
    expect(parseMoney('1,299')).toEqual({ units: 1299n, scale: 0 });
    expect(parseMoney('1,234,567.89')).toEqual({ units: 123456789n, scale: 2 });
  });

  it('reads an amount in parentheses as negative (accounting style)', () => {
    expect(parseMoney('(12.00)')).toEqual({ units: -1200n, scale: 2 });
  });

  it('rejects text that is not an amount', () => {
    for (const text of ['abc', '1,29.00', '12.3.4', '', '   ', '--5', '¥', '12abc']) {
      expect(parseMoney(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('minorDigits', () => {
  it('knows the minor-unit digits of a currency', () => {
    expect(minorDigits('CNY')).toBe(2);
    expect(minorDigits('GBP')).toBe(2);
    expect(minorDigits('JPY')).toBe(0);
    expect(minorDigits('KWD')).toBe(3);
  });

  it('falls back to 2 for a code Intl does not accept', () => {
    expect(minorDigits('not-a-code')).toBe(2);
  });
});
