import { sql } from 'kysely';
import type { OrderStatus } from '../db/schema.ts';
import { PLATFORM_DICTIONARIES } from '../importing/platform-dictionary.ts';

const GENERIC_STATUS_WORDS: Record<string, OrderStatus> = {
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
};

// Exports differ in case, spaces and full- or half-width punctuation (，/, （/( ): one key for all.
const statusKey = (text: string) =>
  text.trim().toLowerCase().replace(/\s+/g, '').replace(/，/g, ',').replace(/（/g, '(').replace(/）/g, ')');

const STATUS_WORDS = new Map<string, OrderStatus>();
/** Every known status text by the status it means, as written (for messages listing them). */
const KNOWN_BY_STATUS = new Map<OrderStatus, string[]>();
for (const words of [GENERIC_STATUS_WORDS, ...PLATFORM_DICTIONARIES.map((p) => p.statuses)]) {
  for (const [word, status] of Object.entries(words)) {
    if (STATUS_WORDS.has(statusKey(word))) continue;
    STATUS_WORDS.set(statusKey(word), status);
    KNOWN_BY_STATUS.set(status, [...(KNOWN_BY_STATUS.get(status) ?? []), word]);
  }
}

/** The canonical status for an English, Chinese or platform status text; `undefined` if unknown. */
export function parseOrderStatus(text: string): OrderStatus | undefined {
  return STATUS_WORDS.get(statusKey(text));
}

/** Every status text an import understands, grouped by the status it means. */
export function knownStatusWords(): ReadonlyMap<OrderStatus, readonly string[]> {
  return KNOWN_BY_STATUS;
}

/** {@link isValidOrder} in SQL, over orders aliased `o`; every query that counts orders uses it. */
export const VALID_ORDER = sql<boolean>`(o.status in ('paid', 'completed') and o.amount - o.refunded_amount > 0)`;

/**
 * A purchase for the customer-base models, over orders aliased `o`: a paid or completed order not
 * refunded in full, a ¥0 order included (a free gift or points redemption is still a visit; CDNOW's
 * published fits count its eight $0.00 purchases); several on one local day are one purchase. The
 * predictions' own reads use the same rule (PURCHASE in src/predict/purchase-summary.ts).
 */
export const PURCHASE_ORDER = sql<boolean>`(o.status in ('paid', 'completed') and (o.refunded_amount < o.amount or o.amount = 0))`;

/** A valid order counts in RFM, lifecycle and metrics (PRODUCT.md §3.2). */
export function isValidOrder(status: OrderStatus, amount: number, refunded: number): boolean {
  return (status === 'paid' || status === 'completed') && amount - refunded > 0;
}
