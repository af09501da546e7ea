import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import { ChannelError, type ChannelName } from '../channels/channel.ts';
import { channelAdapter } from '../channels/channel-config.ts';
import type { Schema } from '../db/schema.ts';
import { renderForCustomer } from '../messaging/message-render.ts';
import { InvalidInputError, RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';
import { armsOf, audienceFilter } from './broadcast-audience.ts';
import type { StoredBroadcast } from './broadcast-service.ts';

/** The coupon code shown in a test message (no coupon is issued for a test). */
export const TEST_COUPON_CODE = 'TEST-0000';

/**
 * Sends each arm's first template, rendered for one customer (the one named, else the first
 * member of the audience), to the given addresses on the template's channel, with the subject
 * marked 【测试】. Nothing is written to the outbox: a test is not a message to the customer and
 * counts toward no cap or result. Audited. A provider's refusal is reported per address.
 */
export async function testSendBroadcast(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  broadcast: StoredBroadcast,
  request: { to: string[]; customer_id?: number },
  /** For a caller without the personal-data permission: the customer's name masked as in lists. */
  maskPersonal = false,
) {
  const ws = workspace.id;
  let customerId = request.customer_id;
  if (customerId === undefined) {
    const filter = await audienceFilter(db, workspace, broadcast.id, broadcast.definition.audience);
    const first = await sql<{
      id: string;
    }>`select c.id from customers c where c.workspace_id = ${ws} and ${filter}
      order by c.id limit 1`.execute(db);
    if (!first.rows[0])
      throw new InvalidInputError(
        'customer_id: the audience is empty; name a customer whose data fills the template',
        [{ field: 'customer_id', message: 'the audience is empty; name a customer' }],
      );
    customerId = Number(first.rows[0].id);
  }
  const sent: { arm: string; template: string; to: string; ok: boolean; error: string | null }[] = [];
  for (const arm of armsOf(broadcast.definition)) {
    const template = arm.templates[0]!;
    const rendered = await renderForCustomer(db, workspace, {
      template,
      customerId,
      maskPersonal,
      variables: { coupon_code: broadcast.definition.coupon ? TEST_COUPON_CODE : undefined },
    });
    const adapter = await channelAdapter(db, ws, rendered.template.channel as ChannelName).catch((error) => {
      if (error instanceof RetainError)
        throw new InvalidInputError(`template "${template}": ${error.message}`);
      throw error;
    });
    try {
      for (const to of request.to) {
        try {
          await adapter.send({
            customerId,
            to,
            // Marked where the reader sees it first: the subject, or the text of an SMS.
            subject: rendered.subject === null ? null : `【测试】${rendered.subject}`,
            body: rendered.subject === null ? `【测试】${rendered.body}` : rendered.body,
            idempotencyKey: `broadcast-test:${broadcast.id}:${randomUUID()}`,
          });
          sent.push({ arm: arm.name, template, to, ok: true, error: null });
        } catch (error) {
          if (!(error instanceof ChannelError)) throw error;
          sent.push({ arm: arm.name, template, to, ok: false, error: error.message });
        }
      }
    } finally {
      await adapter.close?.();
    }
  }
  await recordAudit(db, ws, actor, {
    action: 'broadcast.test',
    objectType: 'broadcast',
    objectId: broadcast.id,
    detail: { addresses: request.to.length, sent: sent.filter((s) => s.ok).length },
  });
  return { sent };
}
