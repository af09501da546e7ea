import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import { VALID_ORDER } from './order-status.ts';

/** The columns of an order as profiles and look-ups show it. */
export const ORDER_COLUMNS = [
  'order_id',
  'customer_id',
  'ordered_at',
  'local_date',
  'amount',
  'refunded_amount',
  'currency',
  'status',
  'channel',
  'store',
  'coupon_code',
  'created_at',
  'updated_at',
] as const;

/** One order of the workspace with its lines; not found for anyone else's. */
export async function getOrder(db: Kysely<Schema>, workspaceId: number, orderId: string) {
  const order = await db
    .selectFrom('orders')
    .select(ORDER_COLUMNS)
    .where('workspace_id', '=', workspaceId)
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!order) throw new NotFoundError(`order ${orderId} not found`);
  const lines = await db
    .selectFrom('order_lines')
    .select(['line_no', 'sku', 'product_name', 'quantity', 'unit_price', 'amount'])
    .where('workspace_id', '=', workspaceId)
    .where('order_id', '=', orderId)
    .orderBy('line_no')
    .execute();
  return { ...order, lines };
}

/** Whether the workspace holds any order. */
export async function hasOrders(db: Kysely<Schema>, workspaceId: number): Promise<boolean> {
  const row = await db
    .selectFrom('orders')
    .select('order_id')
    .where('workspace_id', '=', workspaceId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * For each (customer, since) pair, whether the customer placed a valid order in (since, since +
 * days]: the outcome of a touch (a call, a message) measured the way journey conversions are.
 */
export async function orderedWithin(
  db: Kysely<Schema>,
  workspaceId: number,
  touches: readonly { customerId: number; since: Date }[],
  days: number,
): Promise<boolean[]> {
  if (touches.length === 0) return [];
  const rows = await sql<{ ord: number; hit: boolean }>`
    select t.ord, exists (select 1 from orders o where o.workspace_id = ${workspaceId} and o.customer_id = t.c
      and ${VALID_ORDER} and o.ordered_at > t.since and o.ordered_at <= t.since + make_interval(days => ${days}::int)) as hit
    from unnest(${touches.map((_t, i) => i)}::int[], ${touches.map((t) => t.customerId)}::bigint[],
      ${touches.map((t) => t.since.toISOString())}::timestamptz[]) as t(ord, c, since)`.execute(db);
  const hits = new Array<boolean>(touches.length).fill(false);
  for (const r of rows.rows) hits[r.ord] = r.hit;
  return hits;
}
