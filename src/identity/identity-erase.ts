import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** Deletes every identity (phone, email, WeChat ids, …) of a customer; returns how many. */
export async function deleteIdentities(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  const result = await db
    .deleteFrom('identities')
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
