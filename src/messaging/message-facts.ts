import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Workspace } from '../workspaces/index.ts';
import type { CustomerVariableRow } from './message-variables.ts';
import type { CapScope } from './reach-rules.ts';
import type { GuardFacts } from './send-guards.ts';

/** What a delivery round knows of its customers: the guards' facts and the personalisation rows. */
export interface RoundFacts {
  facts: Map<number, GuardFacts>;
  variableRows: Map<number, CustomerVariableRow>;
}

/**
 * The marketing messages a customer was sent in the cap's window, as a condition that only the
 * customer index (`messages_customer`) can serve. Written as `(…) is true` so the time is no index
 * condition: otherwise, with statistics older than the day's sends (the embedded store has no
 * autovacuum), the planner reads `messages_marketing_sent` from the window's start for every
 * customer — every message sent that week, once per customer (1.6 s for 64 customers at 40,000
 * sent, 0.1 s through the customer index).
 */
export function sentInWindow(now: Date, days: number) {
  return sql`(m.sent_at > ${now}::timestamptz - ${days}::int * interval '1 day') is true`;
}

/** Messages of a cap's scope (its purpose, on its channel or any) as a condition on `messages m`. */
export function inScope(scope: { channel: string | null; purpose: string }) {
  return scope.channel === null
    ? sql`m.purpose = ${scope.purpose}`
    : sql`m.purpose = ${scope.purpose} and m.channel = ${scope.channel}`;
}

/** The statement of {@link roundFacts}. */
export function roundFactsQuery(
  workspace: Workspace,
  ids: readonly number[],
  now: Date,
  days: number,
  scopes: readonly CapScope[] = [],
) {
  const ws = workspace.id;
  // The reach rules' other scopes, each counted through the customer index like the workspace's.
  const recent = scopes.length
    ? sql`array[${sql.join(
        scopes.map(
          (s) => sql`(select count(*) from messages m where m.workspace_id = ${ws} and m.customer_id = c.id
            and ${inScope(s)} and m.status = 'sent' and ${sentInWindow(now, s.days)})::int`,
        ),
      )}]::int[]`
    : sql`'{}'::int[]`;
  return sql<GuardFacts & CustomerVariableRow & { recentIn: number[] }>`
    select c.id, c.erased_at is not null as erased, coalesce(c.attributes->>'timezone', ${workspace.timezone}) as zone,
      array(select o.channel || ':' || o.purpose from opt_outs o where o.workspace_id = ${ws} and o.customer_id = c.id) as "optOuts",
      i.email, i.phone, i.wechat_openid, i.wecom_external_userid,
      c.owner_user_id as "ownerUserId",
      (select ms.wecom_userid from memberships ms where ms.workspace_id = ${ws} and ms.user_id = c.owner_user_id) as "wecomSender",
      (select count(*) from messages m where m.workspace_id = ${ws} and m.customer_id = c.id and m.purpose = 'marketing'
        and m.status = 'sent' and ${sentInWindow(now, days)})::int as "recentMarketing",
      ${recent} as "recentIn",
      c.last_order_at as "lastOrderAt",
      c.name, c.last_order_date::text as last_order_date, t.tier,
      coalesce((select sum(points) from points_ledger l where l.workspace_id = ${ws} and l.customer_id = c.id), 0)::int as points,
      (select coalesce(ol.product_name, ol.sku) from orders o join order_lines ol on ol.workspace_id = o.workspace_id and ol.order_id = o.order_id
        where o.workspace_id = ${ws} and o.customer_id = c.id order by o.ordered_at desc, ol.line_no limit 1) as last_product
    from customers c
    left join customer_tiers t on t.workspace_id = c.workspace_id and t.customer_id = c.id
    -- The customer's identities read once (one index probe), not once per kind of address.
    cross join lateral (
      select min(value) filter (where type = 'email') as email, min(value) filter (where type = 'phone') as phone,
        min(value) filter (where type = 'wechat_openid') as wechat_openid,
        min(value) filter (where type = 'wecom_external_userid') as wecom_external_userid
      from identities x where x.workspace_id = ${ws} and x.customer_id = c.id) i
    where c.workspace_id = ${ws} and c.id = any(${ids}::bigint[])`;
}

/**
 * For many customers in one statement: what the guards need to decide their messages (erased,
 * zone, opt-outs, addresses, owner, marketing sent in the cap's window and the messages in each
 * other scope a reach rule's cap counts, last order) and the rows
 * behind their personalisation variables (name, tier, points, last product). A customer with no
 * row is gone (erased and removed).
 */
export async function roundFacts(
  db: Kysely<Schema>,
  workspace: Workspace,
  ids: readonly number[],
  now: Date,
  days: number,
  scopes: readonly CapScope[] = [],
): Promise<RoundFacts> {
  const out: RoundFacts = { facts: new Map(), variableRows: new Map() };
  if (!ids.length) return out;
  const rows = await roundFactsQuery(workspace, ids, now, days, scopes).execute(db);
  for (const r of rows.rows) {
    const id = Number(r.id);
    out.facts.set(id, {
      erased: r.erased,
      zone: r.zone,
      optOuts: r.optOuts,
      email: r.email,
      phone: r.phone,
      wechat_openid: r.wechat_openid,
      wecom_external_userid: r.wecom_external_userid,
      ownerUserId: r.ownerUserId,
      wecomSender: r.wecomSender,
      recentMarketing: r.recentMarketing,
      recent: Object.fromEntries(scopes.map((s, i) => [s.key, r.recentIn[i] ?? 0])),
      lastOrderAt: r.lastOrderAt,
    });
    out.variableRows.set(id, {
      id,
      name: r.name,
      last_order_date: r.last_order_date,
      tier: r.tier,
      points: r.points,
      last_product: r.last_product,
    });
  }
  return out;
}
