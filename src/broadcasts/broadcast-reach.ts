import type { Kysely } from 'kysely';
import { channelAdapter } from '../channels/channel-config.ts';
import type { ChannelName } from '../channels/index.ts';
import type { Schema } from '../db/schema.ts';
import { reachRule, reachSettingsOf, workspaceScopeKey } from '../messaging/index.ts';
import { type Candidate, decide, type GuardSettings } from '../messaging/send-guards.ts';
import { findTemplate } from '../messaging/template-service.ts';
import { clockNow } from '../shared/clock.ts';
import { NotFoundError } from '../shared/errors.ts';
import { clockMinutes, isTimeZone, zonedInstant } from '../shared/zoned-time.ts';
import type { Workspace } from '../workspaces/index.ts';
import { readSettings } from '../workspaces/index.ts';
import { armsOf, audienceFilter } from './broadcast-audience.ts';
import type { Reach } from './broadcast-contract.ts';
import { audienceGroups } from './broadcast-reach-groups.ts';
import { type StoredBroadcast, sendInstant } from './broadcast-service.ts';

/** What the delivery guards would weigh for a template: its channel, purpose, and what the channel needs. */
async function candidateOf(db: Kysely<Schema>, ws: number, name: string): Promise<Candidate> {
  const t = await findTemplate(db, ws, name);
  const adapter = await channelAdapter(db, ws, t.channel as ChannelName).catch((e) => {
    if (e instanceof NotFoundError) return null;
    throw e;
  });
  await adapter?.close?.();
  return {
    template: t.name,
    channel: t.channel,
    purpose: t.purpose,
    needs: adapter?.needs ?? null,
    configured: !!adapter,
  };
}

/**
 * The reach estimate of a broadcast as of now: its audience, the holdout drawn as the send will
 * draw it, and for everyone else the decision of the delivery guards themselves (`decide()`, as
 * `deliverDue` will take it at the send time): opted out, over the frequency cap, no address on
 * any channel of the templates, or in quiet hours (deferred, still reached). The audience is read
 * in one grouped statement — customers the guards would see alike are counted together — so a
 * million members take one pass, and each distinct group is decided once.
 */
export async function estimateReach(
  db: Kysely<Schema>,
  workspace: Workspace,
  broadcast: StoredBroadcast,
): Promise<Reach> {
  const ws = workspace.id;
  const def = broadcast.definition;
  const s = readSettings(workspace.settings).messaging;
  const now = clockNow();
  const arms = armsOf(def);
  const candidates = await Promise.all(
    arms.map((a) => Promise.all(a.templates.map((t) => candidateOf(db, ws, t)))),
  );
  const guards: GuardSettings = { ...reachSettingsOf(s), channelPriority: s.channel_priority };
  // The reach rules of every candidate, as delivery will resolve them (one function for both).
  const rules = candidates.flat().map((c) => reachRule(guards, c.channel, c.purpose));
  const caps = [...new Map(rules.flatMap((r) => (r.cap ? [[r.cap.key, r.cap] as const] : []))).values()];
  const groups = await audienceGroups(db, workspace, broadcast, {
    arms,
    candidates,
    filter: await audienceFilter(db, workspace, broadcast.id, def.audience),
    caps,
    quietHours: rules.some((r) => r.quietHours),
    now,
  });
  const workspaceCap = caps.findIndex((c) => c.key === workspaceScopeKey(guards));
  const start = sendInstant(def.send, workspace.timezone) ?? broadcast.send_at ?? now;
  const sendAt = (zone: string) => {
    if (def.send.at !== 'customer_local') return start < now ? now : start;
    // The send's own zone rule: a customer whose zone is unknown gets the workspace's local time.
    const at = zonedInstant(
      def.send.date,
      clockMinutes(def.send.time),
      isTimeZone(zone) ? zone : workspace.timezone,
    );
    return at < now ? now : at;
  };
  const reach: Reach = {
    members: 0,
    held_out: 0,
    targeted: 0,
    opted_out: 0,
    frequency_capped: 0,
    no_address: 0,
    deferred: 0,
    reachable: 0,
    reasons: {},
    arms: arms.map((a) => ({ name: a.name, targeted: 0, reachable: 0 })),
  };
  for (const g of groups) {
    reach.members += g.n;
    if (g.held) {
      reach.held_out += g.n;
      continue;
    }
    reach.targeted += g.n;
    reach.arms[g.arm]!.targeted += g.n;
    const mark = (x: boolean) => (x ? 'x' : null);
    const decision = decide(
      {
        erased: false,
        zone: g.zone,
        optOuts: g.opt_outs,
        email: mark(g.email),
        phone: mark(g.phone),
        wechat_openid: mark(g.wechat_openid),
        wecom_external_userid: mark(g.wecom_external_userid),
        ownerUserId: g.has_owner ? 1 : null,
        wecomSender: mark(g.has_sender),
        recentMarketing: workspaceCap === -1 ? 0 : g.recent[workspaceCap]!,
        recent: Object.fromEntries(caps.map((c, i) => [c.key, g.recent[i]!])),
        lastOrderAt: null,
      },
      candidates[g.arm]!,
      guards,
      sendAt(g.zone),
      null,
    );
    if (decision.kind === 'skip') {
      reach.reasons[decision.reason] = (reach.reasons[decision.reason] ?? 0) + g.n;
      if (decision.reason === 'opted_out') reach.opted_out += g.n;
      else if (decision.reason === 'frequency_cap') reach.frequency_capped += g.n;
      else reach.no_address += g.n;
      continue;
    }
    if (decision.kind === 'defer') {
      reach.deferred += g.n;
      reach.reasons.quiet_hours = (reach.reasons.quiet_hours ?? 0) + g.n;
    }
    reach.reachable += g.n;
    reach.arms[g.arm]!.reachable += g.n;
  }
  return reach;
}
