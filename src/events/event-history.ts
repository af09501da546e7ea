import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** A customer's most recent events, newest first, for the profile timeline. */
export async function recentEvents(db: Kysely<Schema>, workspaceId: number, customerId: number, limit = 50) {
  return db
    .selectFrom('events')
    .select(['type', 'occurred_at', 'properties'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('occurred_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** A customer's events of the given types, oldest first. */
export async function eventsOfTypes(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  types: readonly string[],
) {
  return db
    .selectFrom('events')
    .select(['type', 'occurred_at', 'properties'])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .where('type', 'in', [...types])
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

/** Empties the properties of a customer's events (they may hold addresses or notes). */
export async function clearEventProperties(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  await db
    .updateTable('events')
    .set({ properties: '{}' as unknown as Record<string, unknown> })
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .execute();
}

/** Whether the workspace holds any event. */
export async function hasEvents(db: Kysely<Schema>, workspaceId: number): Promise<boolean> {
  const row = await db
    .selectFrom('events')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
