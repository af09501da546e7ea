import { hash, verify } from '@node-rs/argon2';
import { InvalidInputError } from '../shared/errors.ts';
import { MIN_PASSWORD_LENGTH } from './access-policy.ts';

/** Hashes a password with argon2id (the library's default algorithm and OWASP parameters). */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new InvalidInputError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  return hash(password);
}

/** True when `password` matches the stored argon2 hash. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
