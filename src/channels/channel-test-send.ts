import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { Schema } from '../db/schema.ts';
import { InvalidInputError } from '../shared/errors.ts';
import { ChannelError, type ChannelName } from './channel.ts';
import { channelAdapter } from './channel-config.ts';

/** How a test send went: the provider's id, or the provider's refusal in its own words. */
export type ChannelTestResult = { sent: true; provider_id: string | null } | { sent: false; error: string };

/**
 * Sends one test message on a configured channel to `to` (an email address, a phone number, an
 * openid; nothing for channels with a fixed endpoint), so an admin sees at once whether the
 * settings and credentials work. A provider's refusal is the result, not an exception.
 *
 * @example await testChannel(db, ws.id, 'email', 'me@shop.cn')
 */
export async function testChannel(
  db: Kysely<Schema>,
  workspaceId: number,
  channel: ChannelName,
  to: string | undefined,
): Promise<ChannelTestResult> {
  const adapter = await channelAdapter(db, workspaceId, channel);
  // WeCom customer contact sends through a staff member: its test checks the corp id and secret.
  if (adapter.check)
    return adapter
      .check()
      .then((): ChannelTestResult => ({ sent: true, provider_id: null }))
      .catch((error) => {
        if (error instanceof ChannelError) return { sent: false, error: error.message };
        throw error;
      });
  if (adapter.needs && !to?.trim())
    throw new InvalidInputError(`to: a test on ${channel} needs an address to send to (${adapter.needs})`);
  try {
    const { providerId } = await adapter.send({
      customerId: 0,
      to: to?.trim() || null,
      subject: 'Retain 测试消息 / test message',
      body: '这是一条来自 Retain 的测试消息。This is a test message from Retain.',
      idempotencyKey: `test:${randomUUID()}`,
    });
    return { sent: true, provider_id: providerId };
  } catch (error) {
    if (error instanceof ChannelError) return { sent: false, error: error.message };
    throw error;
  } finally {
    await adapter.close?.();
  }
}

/**
 * {@link testChannel} as admins run it (API and CLI alike), audited as `channel.test` with whether
 * it was sent. Nothing changes in the database, so the row is written after the provider answered
 * (no transaction is held open across the provider's call); a refused input writes none.
 */
export async function runChannelTest(
  db: Kysely<Schema>,
  workspaceId: number,
  actor: Actor,
  channel: ChannelName,
  to: string | undefined,
): Promise<ChannelTestResult> {
  const result = await testChannel(db, workspaceId, channel, to);
  await recordAudit(db, workspaceId, actor, {
    action: 'channel.test',
    objectType: 'channel',
    objectId: channel,
    detail: { sent: result.sent },
  });
  return result;
}
