import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** The reason a message is skipped when the customer already has their WeCom message of the day. */
export const WECOM_QUOTA_REASON = 'wecom_daily_quota';

/**
 * Takes the customer's one WeCom customer-contact message of the natural day (in the workspace's
 * zone), with the customer locked for the moment it takes: messages on the channel sent, or being
 * sent (marked here with `sent_at` before WeCom is called), that day count, so concurrent rounds
 * cannot together exceed it. Failed messages (WeCom did not deliver them) do not count.
 * False when the day's message is taken.
 */
export async function takeWecomQuota(
  db: Kysely<Schema>,
  ws: number,
  zone: string,
  message: { id: number; customer_id: number },
  now: Date,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    // The same two-key lock as the frequency cap's: one customer's places are taken one at a time.
    await sql`select pg_advisory_xact_lock(${ws}::int, ${Number(message.customer_id) % 2_147_483_647}::int)`.execute(
      trx,
    );
    const held = await sql<{ n: number }>`
      select count(*)::int as n from messages where workspace_id = ${ws} and customer_id = ${message.customer_id}
        and channel = 'wecom_customer' and id <> ${message.id} and status in ('sent', 'sending')
        and sent_at is not null
        and (sent_at at time zone ${zone})::date = (${now}::timestamptz at time zone ${zone})::date`.execute(
      trx,
    );
    if (held.rows[0]!.n >= 1) return false;
    await sql`update messages set sent_at = ${now}, channel = 'wecom_customer'
      where workspace_id = ${ws} and id = ${message.id}`.execute(trx);
    return true;
  });
}

/** Keeps a created message task so its result can be fetched (wecom-customer-results.ts). */
export async function recordWecomSend(
  db: Kysely<Schema>,
  ws: number,
  messageId: number,
  msgid: string,
  sender: string,
  externalUserid: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('wecom_sends')
    .values({
      workspace_id: ws,
      message_id: messageId,
      msgid,
      sender,
      external_userid: externalUserid,
      sent_at: at,
    })
    .onConflict((oc) =>
      // A message re-sent after a crash created a second task: the latest is the one followed.
      oc.columns(['workspace_id', 'message_id']).doUpdateSet({
        msgid: (eb) => eb.ref('excluded.msgid'),
        sender: (eb) => eb.ref('excluded.sender'),
        external_userid: (eb) => eb.ref('excluded.external_userid'),
        sent_at: (eb) => eb.ref('excluded.sent_at'),
        checked_at: null,
        result: null,
      }),
    )
    .execute();
}
