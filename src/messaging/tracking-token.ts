import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sameSecret } from '../access/secret-token.ts';
import type { Schema } from '../db/schema.ts';

// The key never changes once made: one read per database handle, not one write per link.
const keys = new WeakMap<Kysely<Schema>, Promise<string>>();

/** The installation's signing key for tracking links, created once and kept in the database. */
export function trackingKey(db: Kysely<Schema>): Promise<string> {
  let key = keys.get(db);
  if (!key) {
    key = loadTrackingKey(db);
    keys.set(db, key);
    key.catch(() => keys.delete(db));
  }
  return key;
}

async function loadTrackingKey(db: Kysely<Schema>): Promise<string> {
  await db
    .insertInto('instance_secrets')
    .values({ name: 'tracking', value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return (
    await db
      .selectFrom('instance_secrets')
      .select('value')
      .where('name', '=', 'tracking')
      .executeTakeFirstOrThrow()
  ).value;
}

/** A 22-character (132-bit) HMAC of a text under the installation's key, for signed links. */
export const sign = (key: string, text: string) =>
  createHmac('sha256', key).update(text).digest('base64url').slice(0, 22);

/**
 * A token naming one message (`workspace.message.signature`): tracking links carry it so an open,
 * a click or an unsubscribe is credited to the right message, and nobody can forge one.
 */
export function messageToken(key: string, workspaceId: number, messageId: number): string {
  const body = `${workspaceId}.${messageId}`;
  return `${body}.${sign(key, body)}`;
}

/** The workspace and message a token names, or undefined when it is not genuine. */
export function readMessageToken(
  key: string,
  token: string,
): { workspaceId: number; messageId: number } | undefined {
  const match = /^(\d+)\.(\d+)\.([\w-]{22})$/.exec(token);
  if (!match || !sameSecret(sign(key, `${match[1]}.${match[2]}`), match[3]!)) return undefined;
  return { workspaceId: Number(match[1]), messageId: Number(match[2]) };
}

/** The signature that lets a click link redirect only to the URL the message was sent with. */
export function linkSignature(key: string, token: string, url: string): string {
  return sign(key, `${token} ${url}`);
}

/** Base of tracking links, e.g. `https://crm.shop.cn` (RETAIN_PUBLIC_URL). */
export function publicUrl(): string {
  return (process.env.RETAIN_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
}
