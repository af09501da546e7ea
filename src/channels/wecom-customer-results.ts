import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { ChannelError } from './channel.ts';
import { type WecomConfig, WecomCustomerConfig, wecomPost } from './wecom-api.ts';

/** What one results pass found. */
export interface WecomResultCounts {
  checked: number;
  delivered: number;
  failed: number;
  /** Still waiting for the staff member to send them. */
  pending: number;
  /** Tasks whose result WeCom could not give this time (tried again on a later pass). */
  errors: number;
}

/** Counts of a pass that found nothing to do. */
export const NO_WECOM_RESULTS: Readonly<WecomResultCounts> = {
  checked: 0,
  delivered: 0,
  failed: 0,
  pending: 0,
  errors: 0,
};

/** The reasons a WeCom message failed, by `get_groupmsg_send_result` status (0 only once it is too old). */
export const WECOM_FAILURES: Record<number, string> = {
  0: 'wecom_not_sent',
  2: 'wecom_not_friend',
  3: 'wecom_already_received',
};

/** Minutes between two looks at a task still pending: WeCom limits how often it may be asked. */
const RECHECK_MINUTES = 10;
/** Tasks looked at per pass. */
const BATCH = 100;

interface Detail {
  external_userid?: unknown;
  userid?: unknown;
  status?: unknown;
  send_time?: unknown;
}

/** The task's status for one customer, following `next_cursor` for a few pages. */
async function statusOf(
  config: WecomConfig,
  secret: string,
  row: { msgid: string; sender: string; external_userid: string },
) {
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const answer = await wecomPost(
      config,
      secret,
      '/cgi-bin/externalcontact/get_groupmsg_send_result',
      { msgid: row.msgid, userid: row.sender, limit: 1000, ...(cursor ? { cursor } : {}) },
      'WeCom send result',
    );
    const list = Array.isArray(answer.detail_list) ? (answer.detail_list as Detail[]) : [];
    const mine = list.find((d) => d && d.external_userid === row.external_userid);
    if (mine) {
      const at = Number(mine.send_time);
      return { status: Number(mine.status), sentAt: at > 0 ? new Date(at * 1000) : null };
    }
    cursor = typeof answer.next_cursor === 'string' && answer.next_cursor ? answer.next_cursor : undefined;
    if (!cursor) break;
  }
  // Not listed: the staff member has not acted on it yet.
  return { status: 0, sentAt: null };
}

/**
 * Fetches the results of the workspace's WeCom message tasks still pending (each at most every
 * ten minutes) and records them on their messages: sent (1) as delivered; not a contact (2) and
 * already received another message (3) as failed with the reason; not sent (0) stays pending
 * until it is older than the channel's `pending_hours`, then fails as not sent. A task WeCom cannot
 * answer for now is counted in `errors` and tried on a later pass.
 */
export async function fetchWecomResults(
  db: Kysely<Schema>,
  workspaceId: number,
  now: Date,
): Promise<WecomResultCounts> {
  const ws = workspaceId;
  const counts = { ...NO_WECOM_RESULTS };
  const channel = await db
    .selectFrom('channel_configs')
    .select(['config', 'secrets'])
    .where('workspace_id', '=', ws)
    .where('channel', '=', 'wecom_customer')
    .executeTakeFirst();
  if (!channel) return counts;
  const parsed = WecomCustomerConfig.safeParse(channel.config);
  if (!parsed.success) return counts;
  const config = parsed.data;
  const secret = String((channel.secrets as Record<string, unknown>).secret ?? '');
  const due = await sql<{
    message_id: number;
    msgid: string;
    sender: string;
    external_userid: string;
    sent_at: Date;
  }>`
    select message_id, msgid, sender, external_userid, sent_at from wecom_sends
    where workspace_id = ${ws} and result is null
      and (checked_at is null or checked_at <= ${now}::timestamptz - ${RECHECK_MINUTES}::int * interval '1 minute')
    order by sent_at, message_id limit ${BATCH}`.execute(db);
  for (const row of due.rows) {
    counts.checked++;
    let result: Awaited<ReturnType<typeof statusOf>>;
    try {
      result = await statusOf(config, secret, row);
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      counts.errors++;
      await mark(db, ws, row.message_id, now);
      continue;
    }
    const expired = now.getTime() - new Date(row.sent_at).getTime() > config.pending_hours * 3_600_000;
    if (result.status === 1) {
      counts.delivered++;
      await settle(db, ws, row.message_id, now, { delivered: result.sentAt ?? now });
    } else if (result.status === 2 || result.status === 3 || expired) {
      // Any other status (0, or one WeCom may add) waits until the window ends: not sent.
      counts.failed++;
      await settle(db, ws, row.message_id, now, {
        failed: WECOM_FAILURES[result.status] ?? WECOM_FAILURES[0]!,
      });
    } else {
      counts.pending++;
      await mark(db, ws, row.message_id, now);
    }
  }
  return counts;
}

/** Notes that the task was looked at and is still pending. */
async function mark(db: Kysely<Schema>, ws: number, messageId: number, now: Date) {
  await db
    .updateTable('wecom_sends')
    .set({ checked_at: now })
    .where('workspace_id', '=', ws)
    .where('message_id', '=', messageId)
    .execute();
}

/** Records a task's result on it and on its message, together. */
async function settle(
  db: Kysely<Schema>,
  ws: number,
  messageId: number,
  now: Date,
  outcome: { delivered: Date } | { failed: string },
) {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('wecom_sends')
      .set({ checked_at: now, result: 'delivered' in outcome ? 'delivered' : 'failed' })
      .where('workspace_id', '=', ws)
      .where('message_id', '=', messageId)
      .execute();
    await trx
      .updateTable('messages')
      .set(
        'delivered' in outcome
          ? { delivered_at: outcome.delivered }
          : { status: 'failed', reason: outcome.failed },
      )
      .where('workspace_id', '=', ws)
      .where('id', '=', messageId)
      .where('status', '=', 'sent')
      .execute();
  });
}
