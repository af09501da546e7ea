import { type Kysely, sql } from 'kysely';
import { channelAdapter } from '../channels/channel-config.ts';
import type { ChannelAdapter } from '../channels/index.ts';
import type { Schema } from '../db/schema.ts';
import type { StaffChannel } from '../workspaces/index.ts';

/** One message owed to staff, keyed so it is sent once. */
export interface Notice {
  key: string;
  kind: 'escalation' | 'digest';
  taskId: number | null;
  level: 'assignee' | 'admins' | null;
  userId: number | null;
  channel: StaffChannel;
  /** Email: the member's address; other channels post to their fixed endpoint. */
  to: string | null;
  subject: string;
  body: string;
  /** What the webhook receives (a JSON document for the merchant's systems). */
  payload: Record<string, unknown>;
}

/** A send failed this many times: it is not tried again (its row keeps the last error). */
export const MAX_NOTICE_ATTEMPTS = 5;
/** A claim older than this whose sender never reported back (a worker died) is claimed again. */
const STALE_CLAIM_MS = 10 * 60_000;

/**
 * Claims a notice's key: a new key, a failed one with attempts left, or one whose sender
 * vanished. Two workers (or a retried pass) race on the primary key; only one gets `true`.
 */
export async function claimNotice(
  db: Kysely<Schema>,
  workspaceId: number,
  n: Notice,
  now: Date,
): Promise<boolean> {
  const stale = new Date(now.getTime() - STALE_CLAIM_MS);
  const claimed = await sql<{ notice_key: string }>`
    insert into task_notices (workspace_id, notice_key, kind, task_id, level, user_id, channel, status, attempts, claimed_at)
    values (${workspaceId}, ${n.key}, ${n.kind}, ${n.taskId}, ${n.level}, ${n.userId}, ${n.channel}, 'sending', 1, ${now})
    on conflict (workspace_id, notice_key) do update
      set status = 'sending', attempts = task_notices.attempts + 1, claimed_at = excluded.claimed_at
      where (task_notices.status = 'failed' and task_notices.attempts < ${MAX_NOTICE_ATTEMPTS})
         or (task_notices.status = 'sending' and task_notices.claimed_at < ${stale})
    returning notice_key`.execute(db);
  return claimed.rows.length === 1;
}

/** The workspace's adapters for staff channels, opened once per run and closed at its end. */
export class StaffAdapters {
  private readonly open = new Map<StaffChannel, Promise<ChannelAdapter>>();
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly workspaceId: number,
  ) {}

  /** The adapter of a channel; rejects when the channel is not set up. */
  get(channel: StaffChannel): Promise<ChannelAdapter> {
    let adapter = this.open.get(channel);
    if (!adapter) {
      adapter = channelAdapter(this.db, this.workspaceId, channel);
      // A channel not set up is each notice's failure, not an unhandled rejection.
      adapter.catch(() => {});
      this.open.set(channel, adapter);
    }
    return adapter;
  }

  /** Releases pooled connections (SMTP). */
  async close(): Promise<void> {
    for (const adapter of this.open.values()) await (await adapter.catch(() => null))?.close?.();
  }
}

/**
 * Sends a claimed notice and records how it went; on success `onSent` runs in the same
 * transaction (an escalation's history row). Returns whether it was sent.
 */
export async function sendNotice(
  db: Kysely<Schema>,
  workspaceId: number,
  adapters: StaffAdapters,
  n: Notice,
  now: Date,
  onSent?: (trx: Kysely<Schema>) => Promise<void>,
): Promise<boolean> {
  let error: string | null = null;
  try {
    const adapter = await adapters.get(n.channel);
    if (n.channel === 'webhook' && adapter.post) await adapter.post(n.payload, n.key);
    else
      await adapter.send({
        customerId: 0,
        to: n.to,
        subject: n.subject,
        body: n.body,
        idempotencyKey: n.key,
      });
  } catch (e) {
    error = (e as Error).message.slice(0, 500);
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('task_notices')
      .set(error === null ? { status: 'sent', sent_at: now, error: null } : { status: 'failed', error })
      .where('workspace_id', '=', workspaceId)
      .where('notice_key', '=', n.key)
      .execute();
    if (error === null) await onSent?.(trx);
  });
  return error === null;
}
