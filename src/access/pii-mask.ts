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
};

/** Masks an identity value when its type is personal data; others (external ids) pass. */
export function maskIdentity(type: string, value: string): string {
  const mask = PERSONAL[type as IdentityType];
  return mask ? mask(value) : value;
}
