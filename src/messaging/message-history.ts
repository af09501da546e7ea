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
export interface MessageOrigin {
  customerId: number;
  channel: string;
  journeyId: number | null;
  status: string;
  locale: 'en' | undefined;
}

/**
 * Who each of several messages went to, in one statement, keyed `workspace:message` (the
 * survey page reads a group of answers' messages at once); messages that do not exist are absent.
 */
export async function messageOrigins(
  db: Kysely<Schema>,
  refs: readonly { workspaceId: number; messageId: number }[],
): Promise<Map<string, MessageOrigin>> {
  const found = new Map<string, MessageOrigin>();
  if (refs.length === 0) return found;
  const rows = await sql<{
    workspace_id: number;
    id: string;
    customer_id: string;
    channel: string;
    journey_id: string | null;
    status: string;
    variables: Record<string, unknown> | null;
  }>`
    select m.workspace_id, m.id, m.customer_id, m.channel, m.journey_id, m.status, m.variables
    from messages m
    join unnest(${refs.map((r) => r.workspaceId)}::int[], ${refs.map((r) => r.messageId)}::bigint[]) as w(ws, id)
      on m.workspace_id = w.ws and m.id = w.id`.execute(db);
  for (const row of rows.rows)
    found.set(`${row.workspace_id}:${row.id}`, {
      customerId: Number(row.customer_id),
      channel: row.channel,
      journeyId: row.journey_id === null ? null : Number(row.journey_id),
      status: row.status,
      locale: row.variables?.locale === 'en' ? 'en' : undefined,
    });
  return found;
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

/** Messages sent with a variable set to a value, counted per customer (a survey's links per person). */
export async function sentWithVariableByCustomer(
  db: Kysely<Schema>,
  workspaceId: number,
  variable: string,
  value: string,
): Promise<Map<number, number>> {
  const rows = await sql<{ customer_id: string; n: number }>`
    select customer_id, count(*)::int as n
    from messages where workspace_id = ${workspaceId} and status = 'sent' and variables ->> ${variable} = ${value}
    group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.customer_id), r.n]));
}
