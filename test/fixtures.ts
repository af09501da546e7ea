import type { Kysely } from 'kysely';
import { setChannel } from '../src/channels/channel-config.ts';
import type { Schema } from '../src/db/schema.ts';

/** A workspace's customers' internal ids by external id. */
export async function customerIds(db: Kysely<Schema>, workspaceId: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('customers')
    .select(['id', 'external_id'])
    .where('workspace_id', '=', workspaceId)
    .execute();
  return Object.fromEntries(rows.filter((r) => r.external_id !== null).map((r) => [r.external_id!, r.id]));
}

/** Points a workspace's email channel at a local SMTP server and its signed webhook at a local URL. */
export async function useLocalChannels(
  db: Kysely<Schema>,
  workspaceId: number,
  to: { smtpPort: number; webhookUrl?: string; webhookSecret?: string },
): Promise<void> {
  await setChannel(
    db,
    workspaceId,
    'email',
    { host: '127.0.0.1', port: to.smtpPort, from: 'shop@example.com' },
    {},
  );
  if (to.webhookUrl)
    await setChannel(db, workspaceId, 'webhook', { url: to.webhookUrl }, { secret: to.webhookSecret ?? '' });
}
