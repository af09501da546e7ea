import type { Kysely } from 'kysely';
import { execScript } from '../exec-script.ts';

/**
 * Fewer indexes for a broadcast's rows to enter, and an index for the frequency cap's count:
 * `messages_due` (due time alone, every workspace) is covered by `messages_queue` (workspace, due
 * time, id), which is what claiming reads, so each queued message no longer updates both; the
 * marketing messages sent, by workspace and sent time, let the reach estimate count a customer's
 * recent marketing without reading the workspace's whole outbox (queued rows, with no sent time,
 * do not enter it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await execScript(
    db,
    `drop index messages_due;
    create index messages_marketing_sent on messages (workspace_id, sent_at, customer_id)
      where purpose = 'marketing' and sent_at is not null;`,
  );
}
