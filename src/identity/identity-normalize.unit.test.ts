import { describe, expect, it } from 'vitest';
import {
  normalizeEmail,
  normalizeExternalId,
  normalizeIdentity,
  normalizePhone,
} from './identity-normalize.ts';

describe('normalizePhone', () => {
  it('reduces every spelling of a Chinese mobile to its 11 digits', () => {
    for (const text of [
      '+86 138-0013-8000',
      '0086 13800138000',
      '8613800138000',
      '138 0013 8000',
      '13800138000',
      ' (138) 0013.8000 ',
    ]) {
      expect(normalizePhone(text), text).toBe('13800138000');
    }
  });

  it('writes other numbers as E.164', () => {
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
  });

  it('rejects text that is not a phone number', () => {
    for (const text of ['abc', '123', '', '   ']) {
      expect(normalizePhone(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases an address', () => {
    expect(normalizeEmail(' Zhang.San@Example.COM ')).toBe('zhang.san@example.com');
  });

  it('rejects text that is not an address', () => {
    for (const text of ['no-at-sign', '', 'a@b', 'two words@example.com']) {
      expect(normalizeEmail(text), JSON.stringify(text)).toBeUndefined();
    }
  });
});

describe('normalizeExternalId', () => {
  it('drops the .0 a spreadsheet adds to a numeric id', () => {
    expect(normalizeExternalId('17850.0')).toBe('17850');
    expect(normalizeExternalId('17850.00')).toBe('17850');
  });

  it('keeps other ids as given, trimmed', () => {
    expect(normalizeExternalId('C00123')).toBe('C00123');
    expect(normalizeExternalId('17850.5')).toBe('17850.5');
    expect(normalizeExternalId(' 17850 ')).toBe('17850');
    expect(normalizeExternalId('007')).toBe('007');
  });

  it('rejects a blank id', () => {
    expect(normalizeExternalId('  ')).toBeUndefined();
    expect(normalizeExternalId('')).toBeUndefined();
  });
});

describe('normalizeIdentity', () => {
  it('normalises by identity type', () => {
    expect(normalizeIdentity('phone', '+86 138-0013-8000')).toBe('13800138000');
    expect(normalizeIdentity('email', ' A@B.CN ')).toBe('a@b.cn');
    expect(normalizeIdentity('external_id', '17850.0')).toBe('17850');
    expect(normalizeIdentity('member_card', ' VIP-001 ')).toBe('VIP-001');
  });
});
