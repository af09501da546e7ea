import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** The most messages a customer's history shows. */
const LIMIT = 200;

/** The messages a customer was sent (or that were skipped or failed), newest first, with what became of them. */
export async function customerMessages(db: Kysely<Schema>, workspaceId: number, customerId: number) {
  return db
    .selectFrom('messages')
    .select([
      'id',
      'channel',
      'template',
      'purpose',
      'status',
      'reason',
      'created_at',
      'sent_at',
      'opened_at',
      'clicked_at',
      'resends',
      'delivered_at',
    ])
    .where('workspace_id', '=', workspaceId)
    .where('customer_id', '=', customerId)
    .orderBy('id', 'desc')
    .limit(LIMIT)
    .execute();
}
