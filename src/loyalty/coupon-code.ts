import { randomInt } from 'node:crypto';

/** Letters and digits that cannot be mistaken for each other when read aloud or typed (no 0/O, 1/I). */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 10;

/**
 * A new coupon code: 10 characters of a 32-symbol alphabet (50 bits, from the OS's CSPRNG), shown
 * in two groups of five.
 *
 * @example newCouponCode() // 'K7QMX-4HZTP'
 */
export function newCouponCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
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
