import { type Kysely, sql } from 'kysely';
import { type Actor, recordAudit } from '../audit/index.ts';
import { requireCustomer } from '../customers/index.ts';
import type { Schema } from '../db/schema.ts';
import { clockNow } from '../shared/clock.ts';
import type { Workspace } from '../workspaces/index.ts';
import { deliverDue } from './message-deliver.ts';
import type { RenderRequest } from './message-render.ts';
import { findTemplate } from './template-service.ts';

export { renderForCustomer } from './message-render.ts';

/** What became of a send. */
export interface SendResult {
  status: 'queued' | 'sent' | 'failed' | 'skipped' | 'sending';
  reason: string | null;
  /** False when the idempotency key had been used: nothing was sent again. */
  fresh: boolean;
}

/** A send request: which template to whom, once per idempotency key. */
export interface SendRequest extends RenderRequest {
  idempotencyKey: string;
}

/** A message for the outbox: templates in priority order, due at a time, once per key. */
export interface QueuedMessage {
  customerId: number;
  /** Template names, in the order the step offers them (the workspace's channel priority decides). */
  templates: string[];
  idempotencyKey: string;
  dueAt: Date;
  variables?: Record<string, unknown>;
  /** A journey webhook's JSON (posted as it is; no template). */
  payload?: Record<string, unknown>;
  journeyId?: number;
  entryId?: number;
  step?: string;
  skipIfOrderedSince?: Date | null;
}

/**
 * Puts messages in the outbox (status `queued`), once per idempotency key: a key already used
 * adds nothing. Run it in the transaction that decides the send, so a rollback takes it back.
 * Returns the ids of the messages added.
 */
export async function enqueueMessages(
  db: Kysely<Schema>,
  workspaceId: number,
  messages: readonly QueuedMessage[],
): Promise<number[]> {
  if (!messages.length) return [];
  const first = new Map<string, { channel: string; purpose: string }>();
  for (const name of new Set(messages.flatMap((m) => (m.payload ? [] : m.templates.slice(0, 1)))))
    first.set(name, await findTemplate(db, workspaceId, name));
  const rows = await db
    .insertInto('messages')
    .values(
      messages.map((m) => {
        const t = m.payload ? { channel: 'webhook', purpose: 'transactional' } : first.get(m.templates[0]!)!;
        return {
          workspace_id: workspaceId,
          customer_id: m.customerId,
          channel: t.channel,
          template: m.templates[0]!,
          purpose: t.purpose,
          idempotency_key: m.idempotencyKey,
          status: 'queued' as const,
          due_at: m.dueAt,
          candidates: m.templates,
          variables: m.variables ? (JSON.stringify(m.variables) as never) : null,
          payload: m.payload ? (JSON.stringify(m.payload) as never) : null,
          journey_id: m.journeyId ?? null,
          entry_id: m.entryId ?? null,
          step: m.step ?? null,
          skip_if_ordered_since: m.skipIfOrderedSince ?? null,
        };
      }),
    )
    .onConflict((oc) => oc.columns(['workspace_id', 'idempotency_key']).doNothing())
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Sends one templated message now, at most once per idempotency key: it goes through the outbox
 * and its guards like every journey message (consent, frequency cap, quiet hours — which leave it
 * `queued` until they end —, address), so a retry (or a crash and restart) never sends it twice.
 * A provider error that may pass leaves it `queued` for a retry with backoff.
 */
export async function sendMessage(
  db: Kysely<Schema>,
  workspace: Workspace,
  request: SendRequest,
): Promise<SendResult> {
  const ws = workspace.id;
  await requireCustomer(db, ws, request.customerId, { notErased: true });
  const variables = { ...(request.variables ?? {}), ...(request.locale ? { locale: request.locale } : {}) };
  const [id] = await enqueueMessages(db, ws, [
    {
      customerId: request.customerId,
      templates: [request.template],
      idempotencyKey: request.idempotencyKey,
      dueAt: clockNow(),
      variables,
    },
  ]);
  if (id !== undefined) await deliverDue(db, workspace, clockNow(), { ids: [id] });
  const row = await sql<{ status: SendResult['status']; reason: string | null }>`
    select status, reason from messages where workspace_id = ${ws} and idempotency_key = ${request.idempotencyKey}`.execute(
    db,
  );
  return { ...row.rows[0]!, fresh: id !== undefined };
}

/**
 * {@link sendMessage} as a person asks for it (API and CLI alike), audited as `message.send` when
 * the key was fresh. The row is written after delivery was tried, since no transaction may stay
 * open across the provider's call; it names the template and outcome, never the address.
 */
export async function sendMessageAs(
  db: Kysely<Schema>,
  workspace: Workspace,
  actor: Actor,
  request: SendRequest,
): Promise<SendResult> {
  const result = await sendMessage(db, workspace, request);
  if (result.fresh)
    await recordAudit(db, workspace.id, actor, {
      action: 'message.send',
      objectType: 'customer',
      objectId: request.customerId,
      detail: { template: request.template, status: result.status },
    });
  return result;
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
