import { type Kysely, sql } from 'kysely';
import { ChannelError } from '../channels/channel.ts';
import { channelAdapter } from '../channels/channel-config.ts';
import { requireCustomer } from '../customers/customer-profile.ts';
import type { Schema } from '../db/schema.ts';
import { RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import { readSettings } from '../workspaces/workspace-settings.ts';
import { customerVariables, type ExtraVariables } from './message-variables.ts';
import { type LinkTracker, type Locale, renderText } from './template-render.ts';
import { findTemplate } from './template-service.ts';
import { linkSignature, messageToken, publicUrl, trackingKey } from './tracking-token.ts';

/** What became of a send. */
export interface SendResult {
  status: 'sent' | 'failed' | 'skipped' | 'sending';
  reason: string | null;
  /** False when the idempotency key had been used: nothing was sent again. */
  fresh: boolean;
}

/** A send request: which template to whom, once per idempotency key. */
export interface SendRequest {
  template: string;
  customerId: number;
  idempotencyKey: string;
  locale?: Locale;
  variables?: ExtraVariables;
}

/** Tracking of one sent message: its token and the installation's signing key. */
interface Tracking {
  key: string;
  token: string;
}

/**
 * Renders a template for a customer (the preview an operator sees, and what a send sends). With
 * tracking, `{{ unsubscribe_link }}` and `| track`ed links point at this message; in a preview
 * they are placeholders.
 */
export async function renderForCustomer(
  db: Kysely<Schema>,
  workspace: Workspace,
  request: Omit<SendRequest, 'idempotencyKey'>,
  tracking?: Tracking,
) {
  const template = await findTemplate(db, workspace.id, request.template);
  const locale: Locale = request.locale ?? (template.body['zh-CN'] ? 'zh-CN' : 'en');
  const pick = (texts: Record<string, string>) => texts[locale] ?? texts['zh-CN'] ?? texts.en;
  const base = publicUrl();
  const variables = {
    ...(await customerVariables(db, workspace, request.customerId, locale, request.variables)),
    unsubscribe_link: `${base}/t/u/${tracking?.token ?? 'preview'}`,
  };
  const tracker: LinkTracker | undefined = tracking && {
    track: (url) =>
      `${base}/t/c/${tracking.token}?u=${encodeURIComponent(url)}&s=${linkSignature(tracking.key, tracking.token, url)}`,
  };
  const subjectText = pick(template.subject);
  const where = (part: string) => `template "${template.name}" ${part} (${locale})`;
  return {
    template,
    locale,
    subject: subjectText ? await renderText(subjectText, variables, where('subject'), tracker) : null,
    body: await renderText(pick(template.body)!, variables, where('body'), tracker),
    unsubscribeUrl: variables.unsubscribe_link,
    openPixelUrl: tracking ? `${base}/t/o/${tracking.token}` : undefined,
  };
}

/**
 * Sends one templated message, at most once per idempotency key: the message is recorded as
 * `sending` before the provider is called, so a retry (or a crash and restart) never sends it
 * twice. A customer who opted out of the purpose on the channel, who already had the workspace's
 * cap of marketing messages in its rolling window (default 2 in 7 days, across channels), or has no
 * address for it, is skipped with the reason recorded; a provider error is recorded as `failed` with its message.
 */
export async function sendMessage(
  db: Kysely<Schema>,
  workspace: Workspace,
  request: SendRequest,
): Promise<SendResult> {
  const ws = workspace.id;
  await requireCustomer(db, ws, request.customerId, { notErased: true });
  const template = await findTemplate(db, ws, request.template);
  const claimed = await db
    .insertInto('messages')
    .values({
      workspace_id: ws,
      customer_id: request.customerId,
      channel: template.channel,
      template: template.name,
      purpose: template.purpose,
      idempotency_key: request.idempotencyKey,
      status: 'sending',
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!claimed) {
    const earlier = await db
      .selectFrom('messages')
      .select(['status', 'reason'])
      .where('workspace_id', '=', ws)
      .where('idempotency_key', '=', request.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { status: earlier.status, reason: earlier.reason, fresh: false };
  }
  const finish = async (
    status: 'sent' | 'failed' | 'skipped',
    reason: string | null,
    providerId: string | null = null,
  ) => {
    await db
      .updateTable('messages')
      .set({ status, reason, provider_id: providerId, sent_at: status === 'sent' ? new Date() : null })
      .where('workspace_id', '=', ws)
      .where('id', '=', claimed.id)
      .execute();
    return { status, reason, fresh: true };
  };
  const optedOut = await sql<{ n: number }>`
    select count(*)::int as n from opt_outs where workspace_id = ${ws} and customer_id = ${request.customerId}
      and channel in (${template.channel}, 'all') and purpose in (${template.purpose}, 'all')`.execute(db);
  if (template.purpose === 'marketing' && (optedOut.rows[0]?.n ?? 0) > 0)
    return finish('skipped', 'opted_out');
  if (template.purpose === 'marketing') {
    const { frequency_cap, frequency_days } = readSettings(workspace.settings).messaging;
    const recent = await sql<{ n: number }>`
      select count(*)::int as n from messages where workspace_id = ${ws} and customer_id = ${request.customerId}
        and purpose = 'marketing' and status = 'sent' and sent_at > now() - ${frequency_days}::int * interval '1 day'`.execute(
      db,
    );
    if ((recent.rows[0]?.n ?? 0) >= frequency_cap) return finish('skipped', 'frequency_cap');
  }
  const adapter = await channelAdapter(db, ws, template.channel as never);
  let to: string | null = null;
  if (adapter.needs !== null) {
    const address = await db
      .selectFrom('identities')
      .select('value')
      .where('workspace_id', '=', ws)
      .where('customer_id', '=', request.customerId)
      .where('type', '=', adapter.needs)
      .orderBy('value')
      .executeTakeFirst();
    if (!address) return finish('skipped', adapter.needs === 'email' ? 'no_email' : 'no_phone');
    to = address.value;
  }
  let rendered: Awaited<ReturnType<typeof renderForCustomer>>;
  try {
    const key = await trackingKey(db);
    rendered = await renderForCustomer(db, workspace, request, {
      key,
      token: messageToken(key, ws, claimed.id),
    });
  } catch (error) {
    if (error instanceof RetainError) return finish('failed', error.message);
    throw error;
  }
  try {
    const { providerId } = await adapter.send({
      customerId: request.customerId,
      to,
      subject: rendered.subject,
      body: rendered.body,
      idempotencyKey: request.idempotencyKey,
      openPixelUrl: rendered.openPixelUrl,
      unsubscribeUrl: rendered.unsubscribeUrl,
    });
    return finish('sent', null, providerId);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    return finish('failed', error.message);
  }
}

/** Records that a customer no longer wants `purpose` messages on `channel` (or `all`). */
export async function optOut(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  channel: string,
  purpose: string,
  source: string,
) {
  await db
    .insertInto('opt_outs')
    .values({ workspace_id: workspaceId, customer_id: customerId, channel, purpose, source })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
