import { describe, expect, it } from 'vitest';
import {
  type Decimal,
  multiplyToMinorUnits,
  parseDecimal,
  toMinorUnits,
  toMinorUnitsExact,
} from './decimal.ts';

/** Parses a literal that the test knows is a valid decimal. */
function dec(text: string): Decimal {
  const value = parseDecimal(text);
  if (!value) throw new Error(`test literal ${text} is not a decimal`);
  return value;
}

describe('parseDecimal', () => {
  it('reads plain decimals exactly as units and scale', () => {
    expect(parseDecimal('129.9')).toEqual({ units: 1299n, scale: 1 });
    expect(parseDecimal('-12.345')).toEqual({ units: -12345n, scale: 3 });
    expect(parseDecimal('+1.20')).toEqual({ units: 120n, scale: 2 });
    expect(parseDecimal('42')).toEqual({ units: 42n, scale: 0 });
  });

  it('accepts a missing whole part or an empty fraction', () => {
    expect(parseDecimal('.5')).toEqual({ units: 5n, scale: 1 });
    expect(parseDecimal('-.25')).toEqual({ units: -25n, scale: 2 });
    expect(parseDecimal('12.')).toEqual({ units: 12n, scale: 0 });
  });

  it('keeps precision a float would lose', () => {
    expect(parseDecimal('12345678901234567.89')).toEqual({ units: 1234567890123456789n, scale: 2 });
  });

  it('rejects text that is not a plain decimal', () => {
    for (const text of ['', '.', 'abc', '1e5', '1,299', '12.3.4', '--5', ' 1', '¥5']) {
      expect(parseDecimal(text), text).toBeUndefined();
    }
  });
});

describe('toMinorUnits', () => {
  it('scales whole and exact values to minor units', () => {
    expect(toMinorUnits(dec('129.9'), 2)).toBe(12990n);
    expect(toMinorUnits(dec('3'), 2)).toBe(300n);
    expect(toMinorUnits(dec('1299'), 0)).toBe(1299n);
    expect(toMinorUnits(dec('1.234'), 3)).toBe(1234n);
  });

  it('rounds a half away from zero, both signs', () => {
    expect(toMinorUnits(dec('0.005'), 2)).toBe(1n);
    expect(toMinorUnits(dec('-0.005'), 2)).toBe(-1n);
    expect(toMinorUnits(dec('2.675'), 2)).toBe(268n); // 267.5 fen → 268 (a float gives 267)
    expect(toMinorUnits(dec('-2.675'), 2)).toBe(-268n);
  });

  it('rounds less than a half towards zero', () => {
    expect(toMinorUnits(dec('0.0049'), 2)).toBe(0n);
    expect(toMinorUnits(dec('-0.0049'), 2)).toBe(0n);
    expect(toMinorUnits(dec('12.344'), 2)).toBe(1234n);
  });

  it('rounds to whole units for a currency without minor units', () => {
    expect(toMinorUnits(dec('99.5'), 0)).toBe(100n);
    expect(toMinorUnits(dec('99.49'), 0)).toBe(99n);
  });
});

describe('multiplyToMinorUnits', () => {
  it('rounds the exact product once, half away from zero', () => {
    // 3 × £0.085 = 25.5p → 26p (rounding the price first would give 3 × 9p = 27p)
    expect(multiplyToMinorUnits(dec('3'), dec('0.085'), 2)).toBe(26n);
    expect(multiplyToMinorUnits(dec('-3'), dec('0.085'), 2)).toBe(-26n);
  });

  it('multiplies exact products without rounding', () => {
    expect(multiplyToMinorUnits(dec('12'), dec('2.55'), 2)).toBe(3060n);
    expect(multiplyToMinorUnits(dec('2'), dec('0.1'), 2)).toBe(20n);
  });

  it('handles fractional quantities', () => {
    // 1.5 × 9.99 = 14.985 → 1498.5 fen → 1499
    expect(multiplyToMinorUnits(dec('1.5'), dec('9.99'), 2)).toBe(1499n);
    // 0.333 × 3 = 0.999 → 99.9 fen → 100
    expect(multiplyToMinorUnits(dec('0.333'), dec('3'), 2)).toBe(100n);
  });

  it('is zero when the quantity is zero', () => {
    expect(multiplyToMinorUnits(dec('0'), dec('9.99'), 2)).toBe(0n);
  });
});

describe('toMinorUnitsExact', () => {
  it('keeps sub-minor fractions instead of rounding', () => {
    expect(toMinorUnitsExact(dec('0.085'), 2)).toBe('8.5');
    expect(toMinorUnitsExact(dec('-0.085'), 2)).toBe('-8.5');
    expect(toMinorUnitsExact(dec('0.005'), 2)).toBe('0.5');
    expect(toMinorUnitsExact(dec('1.23456'), 2)).toBe('123.456');
  });

  it('writes whole minor units without a decimal point', () => {
    expect(toMinorUnitsExact(dec('3'), 2)).toBe('300');
    expect(toMinorUnitsExact(dec('12.50'), 2)).toBe('1250');
    expect(toMinorUnitsExact(dec('12.500'), 2)).toBe('1250');
    expect(toMinorUnitsExact(dec('-7'), 0)).toBe('-7');
  });
});
