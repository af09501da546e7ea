import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, newCouponCodes, normalizeCouponCode } from './coupon-code.ts';

describe('coupon codes', () => {
  it('are unique, grouped and free of look-alike characters', () => {
    const codes = newCouponCodes(20_000);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}$/);
    // Every symbol turns up at every position: nothing is stuck or skewed away.
    const seen = new Set(codes.map((c) => c[0]));
    expect(seen.size).toBe(CODE_ALPHABET.length);
  });

  it('reads codes as people type them and refuses what cannot be one', () => {
    expect(normalizeCouponCode(' k7qmx 4hztp ')).toBe('K7QMX-4HZTP');
    expect(normalizeCouponCode('K7QMX4HZTP')).toBe('K7QMX-4HZTP');
    expect(normalizeCouponCode('O0I1X-4HZTP')).toBeUndefined();
    expect(normalizeCouponCode('TMALL-COUPON-123')).toBeUndefined();
  });
});
