import { type Kysely, sql } from 'kysely';
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

/** Who a message went to and how: what a survey answer through its link is credited to. */
export async function messageOrigin(db: Kysely<Schema>, workspaceId: number, messageId: number) {
  const row = await db
    .selectFrom('messages')
    .select(['customer_id', 'channel', 'journey_id', 'status', 'variables'])
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!row) return undefined;
  const vars = (row.variables ?? {}) as Record<string, unknown>;
  return {
    customerId: Number(row.customer_id),
    channel: row.channel,
    journeyId: row.journey_id === null ? null : Number(row.journey_id),
    status: row.status,
    locale: vars.locale === 'en' ? ('en' as const) : undefined,
  };
}

/**
 * Messages sent with a variable set to a value (a survey's id), counted by channel, journey and
 * local month of sending: the denominators of a survey's response rate.
 */
export async function sentWithVariable(
  db: Kysely<Schema>,
  workspaceId: number,
  variable: string,
  value: string,
  timezone: string,
): Promise<{ channel: string; journey_id: number | null; month: string; n: number }[]> {
  const rows = await sql<{ channel: string; journey_id: number | null; month: string; n: number }>`
    select channel, journey_id, to_char(sent_at at time zone ${timezone}, 'YYYY-MM') as month, count(*)::int as n
    from messages where workspace_id = ${workspaceId} and status = 'sent' and variables ->> ${variable} = ${value}
    group by 1, 2, 3`.execute(db);
  return rows.rows.map((r) => ({ ...r, journey_id: r.journey_id === null ? null : Number(r.journey_id) }));
}
