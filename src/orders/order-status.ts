import { sql } from 'kysely';
import type { OrderStatus } from '../db/schema.ts';

const STATUS_WORDS = new Map<string, OrderStatus>(
  Object.entries({
    pending: 'pending',
    unpaid: 'pending',
    待付款: 'pending',
    等待买家付款: 'pending',
    paid: 'paid',
    已付款: 'paid',
    已支付: 'paid',
    待发货: 'paid',
    已发货: 'paid',
    买家已付款: 'paid',
    卖家已发货: 'paid',
    shipped: 'paid',
    completed: 'completed',
    complete: 'completed',
    交易成功: 'completed',
    已完成: 'completed',
    已收货: 'completed',
    cancelled: 'cancelled',
    canceled: 'cancelled',
    交易关闭: 'cancelled',
    已取消: 'cancelled',
    refunded: 'refunded',
    退款成功: 'refunded',
    已退款: 'refunded',
  }) as [string, OrderStatus][],
);

/** The canonical status for an English or Chinese status word; `undefined` if unknown. */
export function parseOrderStatus(text: string): OrderStatus | undefined {
  return STATUS_WORDS.get(text.trim().toLowerCase());
}

/** {@link isValidOrder} in SQL, over orders aliased `o`; every query that counts orders uses it. */
export const VALID_ORDER = sql<boolean>`(o.status in ('paid', 'completed') and o.amount - o.refunded_amount > 0)`;

/** A valid order counts in RFM, lifecycle and metrics (PRODUCT.md §3.2). */
export function isValidOrder(status: OrderStatus, amount: number, refunded: number): boolean {
  return (status === 'paid' || status === 'completed') && amount - refunded > 0;
}
