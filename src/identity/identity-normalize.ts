import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { IdentityType } from '../db/schema.ts';

const CN_MOBILE = /^1\d{10}$/;

/**
 * Normalises a phone number: Chinese mobiles to their 11 digits (without +86/0086), other
 * numbers to E.164. `undefined` when it is not a phone number.
 *
 * @example normalizePhone('+86 138-0013-8000') // '13800138000'
 * @example normalizePhone('+44 20 7946 0958')  // '+442079460958'
 */
export function normalizePhone(text: string): string | undefined {
  // A phone stored as a number in a spreadsheet comes out as `13800138000.0`.
  const compact = text
    .trim()
    .replace(/\.0+$/, '')
    .replace(/[\s\-()\u00a0]/g, '');
  if (compact === '') return undefined;
  const national = compact.replace(/^(?:\+86|0086|86(?=1\d{10}$))/, '');
  if (CN_MOBILE.test(national)) return national;
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const parsed = parsePhoneNumberFromString(international, 'CN');
  if (!parsed?.isPossible()) return undefined;
  const e164 = parsed.number;
  // A Chinese mobile written with a leading trunk 0 or similar ends up here too.
  const cn = e164.startsWith('+86') ? e164.slice(3) : undefined;
  return cn && CN_MOBILE.test(cn) ? cn : e164;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims and lower-cases an email; `undefined` when it is not an address. */
export function normalizeEmail(text: string): string | undefined {
  const email = text.trim().toLowerCase();
  return EMAIL.test(email) ? email : undefined;
}

/** External ids are kept as given, except a spreadsheet's `17850.0` is `17850`. */
export function normalizeExternalId(text: string): string | undefined {
  const id = text.trim();
  if (id === '') return undefined;
  return /^\d+\.0+$/.test(id) ? id.slice(0, id.indexOf('.')) : id;
}

/** Normalises a value of any identity type; `undefined` when invalid. */
export function normalizeIdentity(type: IdentityType, text: string): string | undefined {
  if (type === 'phone') return normalizePhone(text);
  if (type === 'email') return normalizeEmail(text);
  return normalizeExternalId(text);
}
