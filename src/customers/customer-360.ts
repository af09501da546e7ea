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
  orders: {
    order_id: string;
    ordered_at: string;
    local_date: string;
    amount: number;
    refunded_amount: number;
    currency: string;
    status: string;
    channel: string | null;
    store: string | null;
    coupon_code: string | null;
  }[];
  order_total: number;
  events: { type: string; occurred_at: string; properties: Record<string, unknown> }[];
}

/**
 * The 360° profile in one round trip: the read model (a database function, migration 0008) joins
 * identities, tags, orders, events and the last recorded lifecycle stage, so a busy profile page
 * costs one planned-once query, not seven.
 */
export async function customer360(
  db: Kysely<Schema>,
  workspaceId: number,
  customerId: number,
  limit = 50,
): Promise<Customer360> {
  // The query lives in the database (migration 0008) so its plan is kept between calls.
  const result = await sql<{ profile: Customer360 | null }>`
    select customer_360(${workspaceId}::int, ${customerId}::bigint, ${limit}::int) as profile`.execute(db);
  const profile = result.rows[0]?.profile;
  if (!profile) throw new NotFoundError(`customer ${customerId} not found`);
  // `at` (the sort key) is dropped: the answer carries `ordered_at` as an ISO instant.
  profile.orders = (profile.orders as (Customer360['orders'][number] & { at?: unknown })[]).map(
    ({ at: _at, ...order }) => order,
  );
  return profile;
}
