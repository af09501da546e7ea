import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { insertKnownEvents } from '../events/index.ts';
import { clockNow } from '../shared/clock.ts';
import { optOut } from './send-message.ts';

type Touch = 'opened' | 'clicked' | 'unsubscribed';

/**
 * Records what a customer did with a message: the first open and click on the message itself,
 * and every one as a `message_opened` / `message_clicked` / `unsubscribed` event (journeys and
 * the funnel read them); an unsubscribe also opts the customer out of marketing on that channel.
 * Returns false for a message that does not exist.
 */
export async function recordTouch(
  db: Kysely<Schema>,
  workspaceId: number,
  messageId: number,
  touch: Touch,
  detail: Record<string, string> = {},
): Promise<boolean> {
  const message = await db
    .selectFrom('messages as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['m.customer_id', 'm.channel', 'm.template', 'w.timezone'])
    .where('m.workspace_id', '=', workspaceId)
    .where('m.id', '=', messageId)
    .executeTakeFirst();
  if (!message) return false;
  const column = touch === 'opened' ? 'opened_at' : touch === 'clicked' ? 'clicked_at' : undefined;
  const now = clockNow();
  if (column)
    await sql`update messages set ${sql.ref(column)} = coalesce(${sql.ref(column)}, ${now})
      where workspace_id = ${workspaceId} and id = ${messageId}`.execute(db);
  if (touch === 'unsubscribed')
    await optOut(db, workspaceId, message.customer_id, message.channel, 'marketing', `message ${messageId}`);
  await insertKnownEvents(db, [
    {
      workspaceId,
      timezone: message.timezone,
      customerId: message.customer_id,
      type: touch === 'unsubscribed' ? 'unsubscribed' : `message_${touch}`,
      local: null,
      absolute: now.toISOString(),
      properties: JSON.stringify({
        message_id: messageId,
        template: message.template,
        channel: message.channel,
        ...detail,
      }),
    },
  ]);
  return true;
}
