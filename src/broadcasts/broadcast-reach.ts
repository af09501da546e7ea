import { type Kysely, sql } from 'kysely';
import type { ChannelName } from '../channels/channel.ts';
import { channelAdapter } from '../channels/channel-config.ts';
import type { Schema } from '../db/schema.ts';
import { type Candidate, decide, type GuardSettings } from '../messaging/send-guards.ts';
import { findTemplate } from '../messaging/template-service.ts';
import { clockNow } from '../shared/clock.ts';
import { NotFoundError } from '../shared/errors.ts';
import { clockMinutes, isTimeZone, zonedInstant } from '../shared/zoned-time.ts';
import type { Workspace } from '../workspaces/workspace-service.ts';
import { readSettings } from '../workspaces/workspace-settings.ts';
import { armIndexSql, armsOf, audienceFilter, drawSql } from './broadcast-audience.ts';
import type { Reach } from './broadcast-contract.ts';
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

/** One group of the audience that the guards see alike. */
interface Group {
  zone: string;
  arm: number;
  held: boolean;
  email: boolean;
  phone: boolean;
  wechat_openid: boolean;
  wecom_external_userid: boolean;
  has_owner: boolean;
  has_sender: boolean;
  opt_outs: string[];
  recent: number;
  n: number;
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
  const filter = await audienceFilter(db, workspace, broadcast.id, def.audience);
  const holdout = def.holdout_percent ?? 0;
  const held = holdout > 0 ? sql`${drawSql(broadcast.id, 'holdout')} < ${holdout}::float8` : sql`false`;
  // One grouped read of the whole audience: room to hash it in memory (the default 4 MB spills a
  // million rows to disk, several times slower on the embedded store), for this statement only.
  const r = await db.transaction().execute(async (trx) => {
    await sql`set local work_mem = '256MB'`.execute(trx);
    return sql<Group>`
    with aud as (
      select c.id, coalesce(c.attributes->>'timezone', ${workspace.timezone}) as zone, c.owner_user_id,
        ${armIndexSql(broadcast.id, arms)} as arm, ${held} as held
      from customers c where c.workspace_id = ${ws} and ${filter}
    ), ids as (
      select i.customer_id, bool_or(i.type = 'email') as email, bool_or(i.type = 'phone') as phone,
        bool_or(i.type = 'wechat_openid') as wechat_openid, bool_or(i.type = 'wecom_external_userid') as wecom
      from identities i where i.workspace_id = ${ws} and i.customer_id in (select id from aud) group by i.customer_id
    ), opt as (
      select o.customer_id, array_agg(o.channel || ':' || o.purpose order by o.channel, o.purpose) as a
      from opt_outs o where o.workspace_id = ${ws} group by o.customer_id
    ), recent as (
      select m.customer_id, count(*)::int as n from messages m where m.workspace_id = ${ws} and m.purpose = 'marketing'
        and m.status = 'sent' and m.sent_at > ${now}::timestamptz - ${s.frequency_days}::int * interval '1 day'
      group by m.customer_id
    )
    select a.zone, a.arm, a.held, coalesce(i.email, false) as email, coalesce(i.phone, false) as phone,
      coalesce(i.wechat_openid, false) as wechat_openid, coalesce(i.wecom, false) as wecom_external_userid,
      a.owner_user_id is not null as has_owner, ms.wecom_userid is not null as has_sender,
      coalesce(o.a, '{}') as opt_outs, least(coalesce(r.n, 0), ${s.frequency_cap}::int) as recent, count(*)::int as n
    from aud a left join ids i on i.customer_id = a.id left join opt o on o.customer_id = a.id
      left join recent r on r.customer_id = a.id
      left join memberships ms on ms.workspace_id = ${ws} and ms.user_id = a.owner_user_id
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11`.execute(trx);
  });
  const candidates = await Promise.all(
    arms.map((a) => Promise.all(a.templates.map((t) => candidateOf(db, ws, t)))),
  );
  const guards: GuardSettings = {
    frequencyCap: s.frequency_cap,
    quietHours: s.quiet_hours,
    channelPriority: s.channel_priority,
  };
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
  for (const g of r.rows) {
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
        recentMarketing: g.recent,
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
