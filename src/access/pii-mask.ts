import type { IdentityType } from '../db/schema.ts';

/**
 * Masks a phone number, keeping the first three and last four digits.
 *
 * @example maskPhone('13812345678')    // '138****5678'
 * @example maskPhone('+442079460958')  // '+44207****0958'
 */
export function maskPhone(phone: string): string {
  if (phone.length <= 7) return '*'.repeat(phone.length);
  const head = phone.startsWith('+') ? phone.slice(0, phone.length - 8) : phone.slice(0, 3);
  return `${head}****${phone.slice(-4)}`;
}

/**
 * Masks an email's local part after its first character.
 *
 * @example maskEmail('zhang.san@example.com') // 'z***@example.com'
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Masks an opaque id (WeChat unionid/openid): first two and last two characters kept. */
export function maskOpaque(value: string): string {
  if (value.length <= 6) return '***';
  return `${value.slice(0, 2)}***${value.slice(-2)}`;
}

/**
 * Masks a person's name after its first character (`张三丰` → `张**`), as Chinese CRMs do.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
}

const PERSONAL: Partial<Record<IdentityType, (v: string) => string>> = {
  phone: maskPhone,
  email: maskEmail,
  wechat_unionid: maskOpaque,
  wechat_openid: maskOpaque,
  wecom_external_userid: maskOpaque,
};

/** Masks an identity value when its type is personal data; others (external ids) pass. */
export function maskIdentity(type: string, value: string): string {
  const mask = PERSONAL[type as IdentityType];
  return mask ? mask(value) : value;
}

/** Keys of event properties that hold a phone number or an email address, whatever their value looks like. */
const PHONE_KEY = /phone|mobile|cell|tel|whatsapp|手机|电话|联系方式/i;
const EMAIL_KEY = /e-?mail|邮箱/i;
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[^\s@"'<>(),;:]+/g;
// A Chinese mobile number (11 digits from 13…19) or a number written with +country code.
const PHONE = /(?<![\d+])(?:(?:\+|00)86[\s-]?)?1[3-9]\d{9}(?!\d)|(?<![\d+])\+\d[\d\s-]{6,16}\d(?!\d)/g;

/** Text with every email address and phone number inside it masked. */
export function maskText(text: string): string {
  return text.replace(EMAIL, maskEmail).replace(PHONE, (m) => maskPhone(m.replace(/[\s-]/g, '')));
}

/**
 * Event properties as a role without personal data may see them: values under phone and email
 * keys (`phone`, `mobile`, `email`, `手机号`, …) masked whole, and phones and emails found in any
 * other text masked where they stand. Nested objects and arrays are walked (to a depth of 20).
 */
export function maskProperties(value: unknown, key = '', depth = 0): unknown {
  if (typeof value === 'string' || (typeof value === 'number' && PHONE_KEY.test(key))) {
    const text = String(value);
    if (EMAIL_KEY.test(key)) return maskEmail(text);
    if (PHONE_KEY.test(key)) return maskPhone(text.replace(/[\s-]/g, ''));
    return maskText(text);
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= 20) return '***';
  if (Array.isArray(value)) return value.map((v) => maskProperties(v, key, depth + 1));
  // A null prototype: a stored key "__proto__" stays a plain key and reaches no prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[k] = maskProperties(v, k, depth + 1);
  return out;
}
