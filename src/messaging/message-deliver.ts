import type { Kysely } from 'kysely';
import { CHANNELS, ChannelError } from '../channels/channel.ts';
import { recordWecomSend, takeWecomQuota, WECOM_QUOTA_REASON } from '../channels/wecom-customer-quota.ts';
import type { Schema } from '../db/schema.ts';
import { analyzeIfGrown } from '../db/table-statistics.ts';
import { RetainError } from '../shared/errors.ts';
import { todayIn } from '../shared/local-date.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { runsAlone, takeCapPlaces } from './message-cap.ts';
import { type Claimed, claimDue, LeaseKeeper, leaseMilliseconds, roundClock } from './message-claim.ts';
import { roundFacts } from './message-facts.ts';
import { type OutcomeFields, OutcomeWriter } from './message-outcomes.ts';
import { localeOf, renderTemplate, withRecommendations } from './message-render.ts';
import { RoundCache } from './message-round-cache.ts';
import { type CustomerVariableRow, type ExtraVariables, variablesFromRow } from './message-variables.ts';
import { type Cap, type CapScope, capScopes, countsIn, reachRule, reachSettingsOf } from './reach-rules.ts';
import {
  type Candidate,
  decide,
  type GuardDecision,
  type GuardFacts,
  type GuardSettings,
} from './send-guards.ts';
import type { Locale } from './template-render.ts';
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

/** A claimed message with what the guards decided for it (nothing for a journey webhook's JSON). */
interface Planned {
  m: Claimed;
  decision: GuardDecision | null;
  /** A marketing send that found no place under the frequency cap. */
  capped: boolean;
  /** Why it could not be decided (its template gone, say): thrown when its turn comes. */
  error?: unknown;
}

/** What a delivery round works with: the workspace's guards, its lookups, and what it has learnt. */
interface Round {
  db: Kysely<Schema>;
  workspace: Workspace;
  now: Date;
  settings: ReturnType<typeof readSettings>['messaging'];
  guards: GuardSettings;
  /** The scopes the reach rules' caps count beyond the workspace's, resolved once a round. */
  scopes: CapScope[];
  cache: RoundCache;
  key: string;
  /** Per customer; a customer already seen keeps the round's own count of marketing sent. */
  facts: Map<number, GuardFacts>;
  variableRows: Map<number, CustomerVariableRow>;
  /** Today in the workspace's zone, for `days_since_last_order`. */
  today: string;
  finish: Finish;
}

/**
 * Plans a claimed batch: what the guards and the templates need, for every new customer of the
 * batch in one statement ({@link roundFacts}); each message decided; then the frequency-cap places of all its
 * capped sends taken in one transaction for each cap's scope ({@link takeCapPlaces}; one scope unless
 * the reach rules override the cap). WeCom customer-contact sends
 * take theirs one at a time, after the channel's own daily quota (see {@link deliverOne}).
 */
async function planBatch(r: Round, batch: readonly Claimed[]): Promise<Planned[]> {
  const { db, workspace, now } = r;
  const fresh = [...new Set(batch.map((m) => Number(m.customer_id)))].filter((id) => !r.facts.has(id));
  const known = await roundFacts(db, workspace, fresh, now, r.settings.frequency_days, r.scopes);
  for (const [id, f] of known.facts) r.facts.set(id, f);
  for (const [id, row] of known.variableRows) r.variableRows.set(id, row);
  const planned: Planned[] = [];
  for (const m of batch) {
    const f = r.facts.get(Number(m.customer_id));
    const p: Planned = { m, decision: null, capped: false };
    if (!m.payload && !f) p.decision = { kind: 'skip', reason: 'erased' };
    else if (!m.payload)
      try {
        const candidates = await Promise.all((m.candidates ?? [m.template]).map((t) => r.cache.candidate(t)));
        p.decision = decide(f!, candidates, r.guards, now, m.skip_if_ordered_since);
      } catch (error) {
        p.error = error;
      }
    planned.push(p);
  }
  // The sends under a cap, by the cap's scope: one statement for each scope (one, unless overridden).
  const wanting = new Map<string, { cap: Cap; sends: Planned[] }>();
  for (const p of planned) {
    if (p.decision?.kind !== 'send' || p.decision.candidate.channel === 'wecom_customer') continue;
    const cap = capOf(r, p.decision.candidate);
    if (!cap) continue;
    const group = wanting.get(cap.key) ?? wanting.set(cap.key, { cap, sends: [] }).get(cap.key)!;
    group.sends.push(p);
  }
  for (const { cap, sends } of wanting.values()) {
    const requests = sends.map((p) => ({ ...p.m, channel: (p.decision as Sending).candidate.channel }));
    const granted = await takeCapPlaces(db, workspace.id, requests, now, cap);
    for (const p of sends)
      if (granted.has(p.m.id)) count(r, p.m, (p.decision as Sending).candidate, 1);
      else p.capped = true;
  }
  return planned;
}

type Sending = Extract<GuardDecision, { kind: 'send' }>;

/** The cap over a send on its channel and purpose, by the reach rules. */
function capOf(r: Round, c: Candidate): Cap | null {
  return reachRule(r.guards, c.channel, c.purpose).cap;
}

/** Counts a send (or takes back a failed one) in every scope the round's facts keep for its customer. */
function count(r: Round, m: Claimed, c: Candidate, delta: 1 | -1): void {
  const f = r.facts.get(Number(m.customer_id))!;
  if (c.purpose === 'marketing') f.recentMarketing += delta;
  for (const scope of r.scopes)
    if (countsIn(scope, c.channel, c.purpose)) f.recent![scope.key] = (f.recent![scope.key] ?? 0) + delta;
}

/** Renders a planned send's template for its customer, with the message's tracking. */
async function render(r: Round, m: Claimed, template: string) {
  const ws = r.workspace.id;
  const t = await r.cache.template(template);
  const locale = localeOf(t, (m.variables?.locale as Locale | undefined) ?? undefined);
  const given = { ...(m.variables ?? {}) } as ExtraVariables;
  const extra = await withRecommendations(r.db, ws, Number(m.customer_id), t, given);
  const row = r.variableRows.get(Number(m.customer_id));
  const variables = variablesFromRow(r.workspace, row, locale, extra, r.today);
  const surveys = await r.cache.templateSurveys(template);
  return renderTemplate(t, locale, variables, { key: r.key, token: messageToken(r.key, ws, m.id) }, surveys);
}

/**
 * The survey a message sent through a template's `survey_link` filter counts for in the survey's
 * report (its `survey_id` variable, as a `send_survey` step's messages have): the one survey the
 * template names, unless the message already names one.
 */
function surveyOf(m: Claimed, rendered: { surveyIds: number[] }): { survey_id?: number } {
  if (m.variables?.survey_id !== undefined || rendered.surveyIds.length !== 1) return {};
  return { survey_id: rendered.surveyIds[0]! };
}

/** Carries out one planned message: records a skip or deferral, or renders and sends it. */
async function deliverOne(r: Round, { m, decision, capped, error: unplanned }: Planned) {
  if (unplanned) throw unplanned;
  const { db, now, finish } = r;
  const ws = r.workspace.id;
  const s = r.settings;
  if (!decision) return postJourneyWebhook(r.cache, m, finish, s.max_attempts, now);
  if (decision.kind === 'skip') return finish(m, 'skipped', decision.reason);
  // A deferral is not a delivery attempt: it leaves the retry budget as it was.
  if (decision.kind === 'defer')
    return finish(m, 'queued', decision.reason, { due_at: decision.until, attempts: m.attempts - 1 });
  const c = decision.candidate;
  const chosen = { channel: c.channel, template: c.template, purpose: c.purpose };
  if (capped) return finish(m, 'skipped', 'frequency_cap', chosen);
  const f = r.facts.get(Number(m.customer_id))!;
  // WeCom's own rule, kept by the channel: one message a customer a day, whatever the purpose.
  const wecom = c.channel === 'wecom_customer';
  if (wecom && !(await takeWecomQuota(db, ws, r.workspace.timezone, m, now)))
    return finish(m, 'skipped', WECOM_QUOTA_REASON, chosen);
  const cap = wecom ? capOf(r, c) : null;
  if (cap) {
    if (!(await takeCapPlaces(db, ws, [{ ...m, channel: c.channel }], now, cap)).size)
      return finish(m, 'skipped', 'frequency_cap', chosen);
    count(r, m, c, 1);
  }
  let rendered: Awaited<ReturnType<typeof render>>;
  try {
    rendered = await render(r, m, c.template);
  } catch (error) {
    if (error instanceof RetainError) return finish(m, 'failed', error.message, chosen);
    throw error;
  }
  try {
    const adapter = (await r.cache.adapter(c.channel))!;
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
    return finish(m, 'sent', null, { ...chosen, provider_id: providerId, ...surveyOf(m, rendered) });
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    if (capOf(r, c)) count(r, m, c, -1);
    return retryOrFail(m, error, finish, s.max_attempts, now, chosen);
  }
}

/**
 * Delivers messages that are due: they are claimed a batch at a time with a lease (committed before
 * any provider is called, renewed while the round works on them), passed through the guards (the
 * frequency-cap places of a batch taken in one transaction), rendered and sent, `concurrency`
 * provider calls in flight. A worker that dies mid-round leaves its claims to run out; the next
 * round recovers them and sends them again with the same idempotency key, so a crash loses nothing
 * and can repeat at most the messages in flight at that moment (counted in `resends`). Quiet hours
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
  const batchSize = Math.max(1, Math.min(options.batch ?? concurrency * 8, limit));
  const leaseMs = leaseMilliseconds();
  // The embedded store has no autovacuum: a queue just filled (a broadcast) would otherwise be
  // planned as nearly empty, and every claim and outcome write would read all of it.
  if (await runsAlone(db)) await analyzeIfGrown(db, 'messages');
  const clock = await roundClock(db);
  const first = await claimDue(db, ws, now, { size: batchSize, leaseMs, ids: options.ids, at: clock() });
  const counts: DeliveryCounts = { ...NO_DELIVERIES };
  if (!first.length) return counts;
  const leases = new LeaseKeeper(db, ws, leaseMs);
  const claim = (size: number) =>
    claimDue(db, ws, now, { size, leaseMs, ids: options.ids, exclude: leases.ids(), at: clock() });
  const settings = readSettings(workspace.settings).messaging;
  const guards: GuardSettings = { ...reachSettingsOf(settings), channelPriority: settings.channel_priority };
  // Outcomes are written about a batch at a time: a statement per message would cost more than the sends.
  const outcomes = new OutcomeWriter(db, ws, now, batchSize, (ids) => leases.release(ids));
  const round: Round = {
    db,
    workspace,
    now,
    settings,
    guards,
    scopes: capScopes(guards, CHANNELS),
    cache: new RoundCache(db, ws),
    key: await trackingKey(db),
    facts: new Map(),
    variableRows: new Map(),
    today: todayIn(workspace.timezone),
    finish: async (m, status, reason, extra = {}) => {
      counts[status === 'queued' ? (reason === 'quiet_hours' ? 'deferred' : 'retrying') : status]++;
      outcomes.add({ id: m.id, status, reason, ...extra });
    },
  };
  const plan = (batch: readonly Claimed[]) => {
    leases.hold(batch.map((m) => m.id));
    counts.claimed += batch.length;
    counts.recovered += batch.filter((m) => m.recovered).length;
    return planBatch(round, batch);
  };
  // Senders take messages from a queue that is refilled a batch at a time while they send, so a
  // claim is never far ahead of the sends (a crash strands few) and never leaves them idle.
  const queue: Planned[] = [];
  let exhausted = false;
  let roundError: unknown;
  let claiming: Promise<void> | null = null;
  const refill = async () => {
    const size = Math.min(batchSize, limit - counts.claimed);
    // The outcomes so far are written with the claim: about one write per batch.
    const [, batch] = await Promise.all([outcomes.flush(), size > 0 ? claim(size) : []]);
    if (batch.length < size || size <= 0) exhausted = true;
    queue.push(...(await plan(batch)));
  };
  const next = async (): Promise<Planned | undefined> => {
    for (;;) {
      if (queue.length <= concurrency && !exhausted)
        // A refill that fails ends the round with its error; no sender may be waiting on it.
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
    if (first.length < batchSize) exhausted = true;
    queue.push(...(await plan(first)));
    const senders = Array.from({ length: concurrency }, async () => {
      for (let p = await next(); p; p = await next()) await deliverOne(round, p);
    });
    // Every sender stops before the outcomes are written; the first error is the round's.
    for (const s of await Promise.allSettled(senders)) if (s.status === 'rejected') roundError ??= s.reason;
  } catch (error) {
    roundError ??= error;
  } finally {
    await round.cache.close();
    // Outcomes already known are written even when a send threw.
    await outcomes.close().catch((error) => {
      roundError ??= error;
    });
    await leases.stop();
  }
  if (roundError) throw roundError;
  return counts;
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
    const guards: GuardSettings = { ...reachSettingsOf(s), channelPriority: s.channel_priority };
    const scopes = capScopes(guards, CHANNELS);
    const known = await roundFacts(db, workspace, [customerId], now, s.frequency_days, scopes);
    const facts = known.facts.get(customerId);
    if (!facts) return { kind: 'skip', reason: 'erased' };
    const candidates = await Promise.all(templates.map((t) => cache.candidate(t)));
    return decide(facts, candidates, guards, now, null);
  } finally {
    await cache.close();
  }
}
