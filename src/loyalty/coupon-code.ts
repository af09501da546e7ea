import { randomBytes } from 'node:crypto';

/** Letters and digits that cannot be mistaken for each other when read aloud or typed (no 0/O, 1/I). */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 10;

/**
 * `n` new coupon codes: 10 characters of a 32-symbol alphabet (50 bits from the OS's CSPRNG, each
 * byte's low 5 bits picking a symbol: uniform, as 256 is a multiple of 32), in two groups of five.
 *
 * @example newCouponCodes(1) // ['K7QMX-4HZTP']
 */
export function newCouponCodes(n: number): string[] {
  const bytes = randomBytes(n * LENGTH);
  const codes = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    let code = '';
    for (let i = 0; i < LENGTH; i++) {
      if (i === 5) code += '-';
      code += CODE_ALPHABET[bytes[k * LENGTH + i]! & 31];
    }
    codes[k] = code;
  }
  return codes;
}

/**
 * A code as typed by a customer or cashier, in stored form: upper case, spaces and dashes dropped,
 * regrouped as `XXXXX-XXXXX`. Undefined when it cannot be one of our codes.
 *
 * @example normalizeCouponCode(' k7qmx 4hztp ') // 'K7QMX-4HZTP'
 */
export function normalizeCouponCode(text: string): string | undefined {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== LENGTH) return undefined;
  for (const ch of compact) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return `${compact.slice(0, 5)}-${compact.slice(5)}`;
}

/** A personal referral code: 8 symbols of the same alphabet, no dash (e.g. for a share link). */
export function newReferralCode(): string {
  const bytes = randomBytes(8);
  let code = '';
  for (const b of bytes) code += CODE_ALPHABET[b & 31];
  return code;
}
