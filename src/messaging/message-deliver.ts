import { type Kysely, sql } from 'kysely';
import { type ChannelAdapter, ChannelError, type ChannelName } from '../channels/channel.ts';
import { channelAdapter } from '../channels/channel-config.ts';
import { recordWecomSend, takeWecomQuota, WECOM_QUOTA_REASON } from '../channels/wecom-customer-quota.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError, RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import { readSettings } from '../workspaces/workspace-settings.ts';
import { type Claimed, claimDue, LeaseKeeper, leaseMilliseconds } from './message-claim.ts';
import { localeOf, renderTemplate, withRecommendations } from './message-render.ts';
import { customerVariableRows, type ExtraVariables, variablesFromRow } from './message-variables.ts';
import {
  type Candidate,
  decide,
  type GuardDecision,
  type GuardFacts,
  type GuardSettings,
} from './send-guards.ts';
import type { Locale } from './template-render.ts';
import { findTemplate } from './template-service.ts';
import { messageToken, trackingKey } from './tracking-token.ts';

/** How many due messages a delivery round took, and what became of them. */
export interface DeliveryCounts {
  claimed: number;
  sent: number;
  skipped: number;
  deferred: number;
  retrying: number;
  failed: number;
  /** Of those claimed, how many were recovered from a worker that died holding them (re-sends). */
  recovered: number;
}

/** Counts of a round that did nothing. */
export const NO_DELIVERIES: Readonly<DeliveryCounts> = {
  claimed: 0,
  sent: 0,
  skipped: 0,
  deferred: 0,
  retrying: 0,
  failed: 0,
  recovered: 0,
};

/** Minutes before each retry of a provider error that may pass. */
const BACKOFF_MINUTES = [1, 5, 30, 120, 360];

/** The first promise made for a key, kept: each lookup runs once per round. */
function once<T>(memo: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = memo.get(key);
  if (!p) {
    p = load();
    // A failed lookup fails the messages that use it, not the round.
    p.catch(() => {});
    memo.set(key, p);
  }
  return p;
}

/** Adapters and templates looked up once per delivery round. */
class RoundCache {
  private adapters = new Map<string, Promise<ChannelAdapter | null>>();
  private templates = new Map<string, ReturnType<typeof findTemplate>>();
  constructor(
    private db: Kysely<Schema>,
    private ws: number,
  ) {}
  /** The channel's adapter, or null when the channel is not set up. */
  adapter(channel: string): Promise<ChannelAdapter | null> {
    return once(this.adapters, channel, () =>
      channelAdapter(this.db, this.ws, channel as ChannelName).catch((e) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      }),
    );
  }
  /** The whole template, to render. */
  template(name: string): ReturnType<typeof findTemplate> {
    return once(this.templates, name, () => findTemplate(this.db, this.ws, name));
  }
  /** What the guards need to know of a template: its channel, purpose and what the channel needs. */
  async candidate(name: string): Promise<Candidate> {
    const t = await this.template(name);
    const adapter = await this.adapter(t.channel);
    return {
      template: t.name,
      channel: t.channel,
      purpose: t.purpose,
      needs: adapter?.needs ?? null,
      configured: !!adapter,
    };
  }
  async close() {
    for (const a of this.adapters.values()) await (await a.catch(() => null))?.close?.();
  }
}

async function guardFacts(db: Kysely<Schema>, workspace: Workspace, ids: number[], now: Date, days: number) {
  const ws = workspace.id;
  const rows = await sql<GuardFacts & { id: number }>`
    select c.id, c.erased_at is not null as erased, coalesce(c.attributes->>'timezone', ${workspace.timezone}) as zone,
      array(select o.channel || ':' || o.purpose from opt_outs o where o.workspace_id = ${ws} and o.customer_id = c.id) as "optOuts",
      (select min(value) from identities i where i.workspace_id = ${ws} and i.customer_id = c.id and i.type = 'email') as email,
      (select min(value) from identities i where i.workspace_id = ${ws} and i.customer_id = c.id and i.type = 'phone') as phone,
      (select min(value) from identities i where i.workspace_id = ${ws} and i.customer_id = c.id and i.type = 'wechat_openid') as wechat_openid,
      (select min(value) from identities i where i.workspace_id = ${ws} and i.customer_id = c.id and i.type = 'wecom_external_userid') as wecom_external_userid,
      c.owner_user_id as "ownerUserId",
      (select ms.wecom_userid from memberships ms where ms.workspace_id = ${ws} and ms.user_id = c.owner_user_id) as "wecomSender",
      (select count(*) from messages m where m.workspace_id = ${ws} and m.customer_id = c.id and m.purpose = 'marketing'
        and m.status = 'sent' and m.sent_at > ${now}::timestamptz - ${days}::int * interval '1 day')::int as "recentMarketing",
      c.last_order_at as "lastOrderAt"
    from customers c where c.workspace_id = ${ws} and c.id = any(${ids}::bigint[])`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.id), r]));
}

/**
 * Delivers messages that are due: they are claimed a batch at a time with a lease (committed before
 * any provider is called, renewed while the round works on them), passed through the guards,
 * rendered and sent. A worker that dies mid-round leaves its claims to run out; the next round
 * recovers them and sends them again with the same idempotency key, so a crash loses nothing and
 * can repeat at most the messages in flight at that moment (counted in `resends`). Quiet hours
 * put a message back in the queue until they end; a provider error that may pass is retried with
 * backoff; a permanent one is recorded as `failed` with its reason. With `ids`, only those.
 */
export async function deliverDue(
  db: Kysely<Schema>,
  workspace: Workspace,
  now: Date,
  options: { ids?: number[]; limit?: number; concurrency?: number; batch?: number } = {},
): Promise<DeliveryCounts> {
  const ws = workspace.id;
  const limit = options.limit ?? 500;
  const concurrency = options.concurrency ?? 8;
  const batchSize = Math.max(1, Math.min(options.batch ?? concurrency * 4, limit));
  const leaseMs = leaseMilliseconds();
  const first = await claimDue(db, ws, now, { size: batchSize, leaseMs, ids: options.ids });
  const counts: DeliveryCounts = { ...NO_DELIVERIES };
  if (!first.length) return counts;
  const leases = new LeaseKeeper(db, ws, leaseMs);
  const claim = (size: number) =>
    claimDue(db, ws, now, { size, leaseMs, ids: options.ids, exclude: leases.ids() });
  const s = readSettings(workspace.settings).messaging;
  const guards: GuardSettings = {
    frequencyCap: s.frequency_cap,
    quietHours: s.quiet_hours,
    channelPriority: s.channel_priority,
  };
  const facts = new Map<number, GuardFacts>();
  const variableRows: Awaited<ReturnType<typeof customerVariableRows>> = new Map();
  // What the guards and the templates need, for every new customer of a batch in one statement each;
  // a customer already seen keeps the round's own count of marketing sent.
  const prepare = async (batch: readonly Claimed[]) => {
    leases.hold(batch.map((m) => m.id));
    counts.claimed += batch.length;
    counts.recovered += batch.filter((m) => m.recovered).length;
    const fresh = [...new Set(batch.map((m) => Number(m.customer_id)))].filter((id) => !facts.has(id));
    for (const [id, f] of await guardFacts(db, workspace, fresh, now, s.frequency_days)) facts.set(id, f);
    const needVariables = fresh.filter((id) => batch.some((m) => !m.payload && Number(m.customer_id) === id));
    for (const [id, row] of await customerVariableRows(db, ws, needVariables)) variableRows.set(id, row);
  };
  const cache = new RoundCache(db, ws);
  const key = await trackingKey(db);
  // Outcomes are written behind the sends, many per statement: those that finish within a few
  // milliseconds of each other go in one write (a group commit), so a round costs a few writes,
  // not one each; the round ends when all are written. (A PGlite query blocks the event loop, so
  // writing at once would find only the outcome that asked for it.)
  type Outcome = { id: number; status: string; reason: string | null } & OutcomeFields;
  let pending: Outcome[] = [];
  let writing: Promise<void> | null = null;
  const writeOutcomes = async () => {
    while (pending.length) {
      const o = pending;
      pending = [];
      const col = <T>(f: (x: Outcome) => T) => o.map(f);
      await sql`update messages m set status = u.status, reason = u.reason,
          sent_at = case when u.status = 'sent' then ${now}::timestamptz end,
          channel = coalesce(u.channel, m.channel), template = coalesce(u.template, m.template),
          purpose = coalesce(u.purpose, m.purpose), provider_id = coalesce(u.provider_id, m.provider_id),
          due_at = coalesce(u.due_at, m.due_at), attempts = coalesce(u.attempts, m.attempts)
        from unnest(${col((x) => x.id)}::bigint[], ${col((x) => x.status)}::text[], ${col((x) => x.reason)}::text[],
          ${col((x) => x.channel ?? null)}::text[], ${col((x) => x.template ?? null)}::text[], ${col((x) => x.purpose ?? null)}::text[],
          ${col((x) => x.provider_id ?? null)}::text[], ${col((x) => x.due_at?.toISOString() ?? null)}::timestamptz[], ${col((x) => x.attempts ?? null)}::int[])
          as u(id, status, reason, channel, template, purpose, provider_id, due_at, attempts)
        where m.workspace_id = ${ws} and m.id = u.id`.execute(db);
      leases.release(o.map((x) => x.id));
    }
  };
  let writeError: unknown;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    writing ??= writeOutcomes()
      .catch((error) => {
        writeError ??= error;
      })
      .finally(() => {
        writing = null;
      });
    return writing;
  };
  const finish: Finish = async (m, status, reason, extra = {}) => {
    counts[status === 'queued' ? (reason === 'quiet_hours' ? 'deferred' : 'retrying') : status]++;
    pending.push({ id: m.id, status, reason, ...extra });
    if (pending.length >= 100) void flush();
    else
      timer ??= setTimeout(() => {
        timer = undefined;
        void flush();
      }, 5);
  };
  const deliverOne = async (m: Claimed) => {
    const f = facts.get(Number(m.customer_id));
    if (m.payload) return postJourneyWebhook(cache, m, finish, s.max_attempts, now);
    if (!f) return finish(m, 'skipped', 'erased');
    const candidates = await Promise.all((m.candidates ?? [m.template]).map((t) => cache.candidate(t)));
    const decision = decide(f, candidates, guards, now, m.skip_if_ordered_since);
    if (decision.kind === 'skip') return finish(m, 'skipped', decision.reason);
    // A deferral is not a delivery attempt: it leaves the retry budget as it was.
    if (decision.kind === 'defer')
      return finish(m, 'queued', decision.reason, { due_at: decision.until, attempts: m.attempts - 1 });
    const c = decision.candidate;
    const chosen = { channel: c.channel, template: c.template, purpose: c.purpose };
    // WeCom's own rule, kept by the channel: one message a customer a day, whatever the purpose.
    const wecom = c.channel === 'wecom_customer';
    if (wecom && !(await takeWecomQuota(db, ws, workspace.timezone, m, now)))
      return finish(m, 'skipped', WECOM_QUOTA_REASON, chosen);
    if (c.purpose === 'marketing') {
      if (!(await takeCapPlace(db, ws, m, now, s.frequency_cap, s.frequency_days)))
        return finish(m, 'skipped', 'frequency_cap', chosen);
      // Counted before sending, so a second message for the customer in this round sees it.
      f.recentMarketing++;
    }
    let rendered: Awaited<ReturnType<typeof renderTemplate>>;
    try {
      const template = await cache.template(c.template);
      const locale = localeOf(template, (m.variables?.locale as Locale | undefined) ?? undefined);
      const given = { ...(m.variables ?? {}) } as ExtraVariables;
      const extra = await withRecommendations(db, ws, Number(m.customer_id), template, given);
      const variables = variablesFromRow(workspace, variableRows.get(Number(m.customer_id)), locale, extra);
      rendered = await renderTemplate(template, locale, variables, {
        key,
        token: messageToken(key, ws, m.id),
      });
    } catch (error) {
      if (error instanceof RetainError) return finish(m, 'failed', error.message, chosen);
      throw error;
    }
    try {
      const adapter = (await cache.adapter(c.channel))!;
      const { providerId } = await adapter.send({
        customerId: m.customer_id,
        to: decision.to,
        subject: rendered.subject,
        body: rendered.body,
        idempotencyKey: m.idempotency_key,
        openPixelUrl: rendered.openPixelUrl,
        unsubscribeUrl: rendered.unsubscribeUrl,
        ...(wecom ? { sender: f.wecomSender ?? undefined } : {}),
      });
      // Kept so the worker can fetch whether the staff member sent it (wecom-customer-results.ts).
      if (wecom && providerId)
        await recordWecomSend(db, ws, m.id, providerId, f.wecomSender!, decision.to!, now);
      return finish(m, 'sent', null, { ...chosen, provider_id: providerId });
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      if (c.purpose === 'marketing') f.recentMarketing--;
      return retryOrFail(m, error, finish, s.max_attempts, now, chosen);
    }
  };
  // Workers take messages from a queue that is refilled a batch at a time while they send, so a
  // claim is never far ahead of the sends (a crash strands few) and never leaves them idle.
  const queue: Claimed[] = [];
  let exhausted = false;
  let roundError: unknown;
  let claiming: Promise<void> | null = null;
  const refill = async () => {
    const size = Math.min(batchSize, limit - counts.claimed);
    const batch = size > 0 ? await claim(size) : [];
    if (batch.length < size || size <= 0) exhausted = true;
    await prepare(batch);
    queue.push(...batch);
  };
  const next = async (): Promise<Claimed | undefined> => {
    for (;;) {
      if (queue.length <= concurrency && !exhausted)
        // A refill that fails ends the round with its error; no worker may be waiting on it.
        claiming ??= refill()
          .catch((error) => {
            roundError ??= error;
            exhausted = true;
          })
          .finally(() => {
            claiming = null;
          });
      if (queue.length) return queue.shift();
      if (!claiming) return undefined;
      await claiming;
    }
  };
  try {
    await prepare(first);
    queue.push(...first);
    if (first.length < batchSize) exhausted = true;
    const workers = Array.from({ length: concurrency }, async () => {
      for (let m = await next(); m; m = await next()) await deliverOne(m);
    });
    // Every worker stops before the outcomes are written; the first error is the round's.
    for (const r of await Promise.allSettled(workers)) if (r.status === 'rejected') roundError ??= r.reason;
  } catch (error) {
    roundError = error;
  } finally {
    await cache.close();
    // Outcomes already known are written even when a send threw.
    clearTimeout(timer);
    while (writing || pending.length) await flush();
    await leases.stop();
  }
  if (roundError) throw roundError;
  if (writeError) throw writeError;
  return counts;
}

/**
 * Claims one of the customer's places under the marketing frequency cap, with the customer locked
 * for the moment it takes: marketing messages sent, or being sent (their `sent_at` is set here
 * before the provider is called), in the window are counted, so concurrent rounds and workers
 * cannot together exceed the cap. False when the cap is reached.
 */
async function takeCapPlace(
  db: Kysely<Schema>,
  ws: number,
  m: Claimed,
  now: Date,
  cap: number,
  days: number,
) {
  return db.transaction().execute(async (trx) => {
    // The two-key form keeps clear of the one-key workspace locks of imports and merges.
    await sql`select pg_advisory_xact_lock(${ws}::int, ${Number(m.customer_id) % 2_147_483_647}::int)`.execute(
      trx,
    );
    const held = await sql<{ n: number }>`
      select count(*)::int as n from messages where workspace_id = ${ws} and customer_id = ${m.customer_id}
        and purpose = 'marketing' and id <> ${m.id} and status in ('sent', 'sending')
        and sent_at > ${now}::timestamptz - ${days}::int * interval '1 day'`.execute(trx);
    if (held.rows[0]!.n >= cap) return false;
    await sql`update messages set sent_at = ${now} where workspace_id = ${ws} and id = ${m.id}`.execute(trx);
    return true;
  });
}

/** What an outcome may change besides status and reason: the channel chosen, retries. */
interface OutcomeFields {
  channel?: string;
  template?: string;
  purpose?: string;
  provider_id?: string | null;
  due_at?: Date;
  attempts?: number;
}

type Finish = (
  m: Claimed,
  status: 'sent' | 'failed' | 'skipped' | 'queued',
  reason: string | null,
  extra?: OutcomeFields,
) => Promise<void>;

function retryOrFail(
  m: Claimed,
  error: ChannelError,
  finish: Finish,
  maxAttempts: number,
  now: Date,
  extra = {},
) {
  if (error.permanent) return finish(m, 'failed', error.message, extra);
  if (m.attempts >= maxAttempts)
    return finish(m, 'failed', `gave up after ${m.attempts} attempts: ${error.message}`, extra);
  const minutes = BACKOFF_MINUTES[Math.min(m.attempts - 1, BACKOFF_MINUTES.length - 1)]!;
  return finish(m, 'queued', `retrying: ${error.message}`, {
    ...extra,
    due_at: new Date(now.getTime() + minutes * 60_000),
  });
}

/** A journey's webhook step: its JSON posted, signed, to the workspace's webhook. */
async function postJourneyWebhook(
  cache: RoundCache,
  m: Claimed,
  finish: Finish,
  maxAttempts: number,
  now: Date,
) {
  const adapter = await cache.adapter('webhook');
  if (!adapter?.post) return finish(m, 'skipped', 'no_channel:webhook');
  try {
    await adapter.post(m.payload, m.idempotency_key);
    return finish(m, 'sent', null);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    return retryOrFail(m, error, finish, maxAttempts, now);
  }
}

/**
 * What the guards would decide for a message of these templates to one customer now, the same
 * way a delivery round decides (consent, frequency cap, quiet hours, channel priority) — for a
 * journey's test run, which sends nothing.
 */
export async function previewDecision(
  db: Kysely<Schema>,
  workspace: Workspace,
  customerId: number,
  templates: readonly string[],
  now: Date,
): Promise<GuardDecision> {
  const s = readSettings(workspace.settings).messaging;
  const cache = new RoundCache(db, workspace.id);
  try {
    const facts = (await guardFacts(db, workspace, [customerId], now, s.frequency_days)).get(customerId);
    if (!facts) return { kind: 'skip', reason: 'erased' };
    const candidates = await Promise.all(templates.map((t) => cache.candidate(t)));
    const guards = {
      frequencyCap: s.frequency_cap,
      quietHours: s.quiet_hours,
      channelPriority: s.channel_priority,
    };
    return decide(facts, candidates, guards, now, null);
  } finally {
    await cache.close();
  }
}
