import { type RawBuilder, sql } from 'kysely';

/**
 * An event's identity: its person, type, instant and properties. The same event imported twice,
 * from files that name the person differently, is stored once.
 */
export function eventKey(
  customerId: RawBuilder<unknown>,
  type: RawBuilder<unknown>,
  occurredAt: RawBuilder<unknown>,
  properties: RawBuilder<unknown>,
) {
  return sql<string>`md5(concat_ws(chr(31), ${customerId}::text, ${type}, extract(epoch from ${occurredAt})::text, ${properties}::text))`;
}
