import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { type Cap, inScope } from '../messaging/index.ts';
import { type Arm, armIndexSql, type DrawOf, heldSql } from './broadcast-audience.ts';
import type { BroadcastDefinition } from './broadcast-contract.ts';

/** One group of the audience that the guards see alike. */
export interface Group {
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
  /** Messages sent in each cap's scope (`GroupInputs.caps`, in order), at most the cap's count. */
  recent: number[];
  n: number;
}

/** A group as read: the yes/no facts packed in `bits`. */
type Packed = Pick<Group, 'zone' | 'arm' | 'held' | 'opt_outs' | 'n'> & {
  bits: number;
  [recent: `recent_${number}`]: number;
};

/** What the reach's grouped read needs beyond the audience: the guards' settings and the arms' candidates. */
export interface GroupInputs {
  arms: readonly Arm[];
  /** Each arm's candidates as the guards weigh them (channel, purpose, the address it needs). */
  candidates: readonly (readonly {
    channel: string;
    purpose: string;
    needs: string | null;
    configured: boolean;
  }[])[];
  /** The audience over `customers c` (`audienceFilter`). */
  filter: RawBuilder<boolean>;
  /** The caps the candidates' reach rules resolve to, each counted in its scope. */
  caps: readonly Cap[];
  /** Whether any candidate's reach rule has quiet hours (then the customer's zone matters). */
  quietHours: boolean;
  now: Date;
}

const ADDRESSES = ['email', 'phone', 'wechat_openid', 'wecom_external_userid'] as const;

/**
 * The audience counted by what the guards will read of each customer, and nothing more: a fact
 * no candidate reads is a constant (an address no configured channel needs, the owner unless on
 * WeCom, the zone unless quiet hours or a local-time send apply, recent messages unless
 * marketing, opt-outs of other channels and purposes), so a million customers make a handful of
 * groups in one pass over the audience. Each address is a hashed `in` of one identity type rather
 * than a group-by of every identity; the holdout and arm are the send's own draws.
 */
export async function audienceGroups(
  db: Kysely<Schema>,
  workspace: { id: number; timezone: string },
  broadcast: DrawOf & { definition: BroadcastDefinition },
  x: GroupInputs,
): Promise<Group[]> {
  const ws = workspace.id;
  const def = broadcast.definition;
  const all = x.candidates.flat();
  const needs = new Set(all.filter((c) => c.configured).map((c) => c.needs));
  const address = Object.fromEntries(
    ADDRESSES.map((t) => [
      t,
      needs.has(t)
        ? sql<boolean>`c.id in (select i.customer_id from identities i where i.workspace_id = ${ws} and i.type = ${t})`
        : sql<boolean>`false`,
    ]),
  ) as Record<(typeof ADDRESSES)[number], RawBuilder<boolean>>;
  const wecom = needs.has('wecom_external_userid');
  const zone =
    def.send.at === 'customer_local' || x.quietHours
      ? sql<string>`coalesce(c.attributes->>'timezone', ${workspace.timezone})`
      : sql<string>`${workspace.timezone}::text`;
  // Opt-outs that can match a candidate (`all` matches any channel or purpose).
  const channels = [...new Set([...all.map((c) => c.channel), 'all'])];
  const purposes = [...new Set([...all.map((c) => c.purpose as string), 'all'])];
  // Each cap's count, a left join each: the counted customers are the audience's only.
  const recent = x.caps.map(
    (
      cap,
      i,
    ) => sql`left join (select m.customer_id, count(*)::int as n from messages m where m.workspace_id = ${ws}
        and ${inScope(cap)} and m.status = 'sent'
        and m.sent_at > ${x.now}::timestamptz - ${cap.days}::int * interval '1 day'
        group by m.customer_id) ${sql.ref(`r${i}`)} on ${sql.ref(`r${i}.customer_id`)} = c.id`,
  );
  // A plain int column (and grouping key) per cap, not an int[]: hashing arrays cost the reach of a
  // million customers 2.63 against 2.42 CPU seconds (bench:broadcast, two runs at the same load).
  const recentColumns = x.caps.map(
    (cap, i) =>
      sql`, least(coalesce(${sql.ref(`r${i}.n`)}, 0), ${cap.count}::int) as ${sql.ref(`recent_${i}`)}`,
  );
  const groupBy = [1, 2, 3, 4, 5, ...x.caps.map((_, i) => 6 + i)];
  // One grouped read of the whole audience: room to hash it in memory (the default 4 MB spills a
  // million rows to disk, several times slower on the embedded store), for this statement only.
  return db.transaction().execute(async (trx) => {
    await sql`set local work_mem = '256MB'`.execute(trx);
    // The guards' yes/no facts as one small bitmask, so the grouping hashes 6 keys rather than 11.
    const bit = (b: RawBuilder<boolean>, n: number) => sql`(case when ${b} then ${n} else 0 end)`;
    const bits = sql<number>`${bit(address.email, 1)} | ${bit(address.phone, 2)} | ${bit(address.wechat_openid, 4)}
        | ${bit(address.wecom_external_userid, 8)}
        | ${wecom ? bit(sql`c.owner_user_id is not null`, 16) : sql`0`}
        | ${wecom ? bit(sql`c.owner_user_id in (select ms.user_id from memberships ms where ms.workspace_id = ${ws} and ms.wecom_userid is not null)`, 32) : sql`0`}`;
    const query = sql<Packed>`
      select ${zone} as zone, ${armIndexSql(broadcast, x.arms)} as arm,
        ${heldSql(broadcast, def.holdout_percent)} as held, ${bits} as bits,
        coalesce(o.a, '{}') as opt_outs${sql.join(recentColumns, sql``)}, count(*)::int as n
      from customers c
      left join (select o.customer_id, array_agg(o.channel || ':' || o.purpose order by o.channel, o.purpose) as a
        from opt_outs o where o.workspace_id = ${ws} and o.channel = any(${channels}::text[])
          and o.purpose = any(${purposes}::text[]) group by o.customer_id) o on o.customer_id = c.id
      ${recent.length ? sql.join(recent, sql` `) : sql``}
      where c.workspace_id = ${ws} and ${x.filter}
      group by ${sql.raw(groupBy.join(', '))}`;
    const r = await query.execute(trx);
    return r.rows.map((g) => ({
      zone: g.zone,
      arm: g.arm,
      held: g.held,
      email: (g.bits & 1) !== 0,
      phone: (g.bits & 2) !== 0,
      wechat_openid: (g.bits & 4) !== 0,
      wecom_external_userid: (g.bits & 8) !== 0,
      has_owner: (g.bits & 16) !== 0,
      has_sender: (g.bits & 32) !== 0,
      opt_outs: g.opt_outs,
      recent: x.caps.map((_, i) => g[`recent_${i}`]!),
      n: g.n,
    }));
  });
}
