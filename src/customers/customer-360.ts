import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';

/** Everything the 360° profile shows, JSON-ready (timestamps as ISO strings). */
export interface Customer360 {
  customer: {
    id: number;
    external_id: string | null;
    name: string | null;
    gender: string | null;
    birthday: string | null;
    city: string | null;
    country: string | null;
    member_tier: string | null;
    attributes: Record<string, unknown>;
    created_at: string;
    erased_at: string | null;
    order_count: number;
    net_total: number;
    first_order_date: string | null;
    last_order_date: string | null;
    lifecycle: string | null;
    rfm_group: string | null;
    stage_as_of: string | null;
  };
  identities: { type: string; value: string; since: string }[];
  tags: { tag: string; source: string; added_at: string }[];
  tag_history: { tag: string; action: string; source: string; at: string }[];
  orders: Record<string, unknown>[];
  order_total: number;
  events: { type: string; occurred_at: string; properties: Record<string, unknown> }[];
}

const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The 360° profile in one round trip: the read model joins identities, tags, orders, events and
 * the last recorded lifecycle stage, so a busy profile page costs one query, not seven.
 */
export async function customer360(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  limit = 50,
): Promise<Customer360> {
  const ws = workspaceId;
  const id = customerId;
  const result = await sql<{ profile: Customer360 }>`
    select json_build_object(
      'customer', json_build_object(
        'id', c.id, 'external_id', c.external_id, 'name', c.name, 'gender', c.gender,
        'birthday', c.birthday::text, 'city', c.city, 'country', c.country, 'member_tier', c.member_tier,
        'attributes', c.attributes, 'created_at', ${iso('c.created_at')}, 'erased_at', ${iso('c.erased_at')},
        'order_count', c.order_count, 'net_total', c.net_total,
        'first_order_date', c.first_order_date::text, 'last_order_date', c.last_order_date::text,
        'lifecycle', s.lifecycle, 'rfm_group', s.rfm_group, 'stage_as_of', s.as_of::text),
      'identities', coalesce((select json_agg(json_build_object('type', i.type, 'value', i.value, 'since', ${iso('i.created_at')})
          order by i.type, i.value) from identities i where i.workspace_id = ${ws} and i.customer_id = ${id}), '[]'),
      'tags', coalesce((select json_agg(json_build_object('tag', t.tag, 'source', t.source, 'added_at', ${iso('t.added_at')})
          order by t.tag) from tags t where t.workspace_id = ${ws} and t.customer_id = ${id}), '[]'),
      'tag_history', coalesce((select json_agg(json_build_object('tag', h.tag, 'action', h.action, 'source', h.source, 'at', ${iso('h.at')})
          order by h.at, h.id) from tag_history h where h.workspace_id = ${ws} and h.customer_id = ${id}), '[]'),
      'orders', coalesce((select json_agg(o order by o.ordered_at desc, o.order_id) from (
          select order_id, ${iso('ordered_at')} as ordered_at, local_date::text as local_date, amount, refunded_amount,
            currency, status, channel, store, coupon_code
          from orders where workspace_id = ${ws} and customer_id = ${id}
          order by ordered_at desc, order_id limit ${limit}) o), '[]'),
      'order_total', (select count(*) from orders where workspace_id = ${ws} and customer_id = ${id}),
      'events', coalesce((select json_agg(e order by e.at desc, e.id desc) from (
          select id, type, ${iso('occurred_at')} as occurred_at, occurred_at as at, properties from events
          where workspace_id = ${ws} and customer_id = ${id} order by occurred_at desc, id desc limit ${limit}) e), '[]')
    ) as profile
    from customers c
    left join customer_states s on s.workspace_id = c.workspace_id and s.customer_id = c.id
    where c.workspace_id = ${ws} and c.id = ${id}`.execute(db);
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`customer ${customerId} not found`);
  const profile = row.profile;
  profile.events = profile.events.map((e) => ({
    type: e.type,
    occurred_at: e.occurred_at,
    properties: e.properties,
  }));
  return profile;
}
