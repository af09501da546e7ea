import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random URL-safe token with `bytes` of entropy, optionally prefixed (`rk_…`). */
export function newToken(prefix = '', bytes = 32): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}

/**
 * SHA-256 of a high-entropy token, as stored: a random 256-bit key needs no slow hash, and a fast
 * one keeps every API call from paying argon2's cost.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two strings in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
