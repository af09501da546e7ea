import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';

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
