import type { OrderStatus } from '../db/schema.ts';
import { parseOrderStatus } from '../orders/order-status.ts';
import type { Reason } from './cell-check.ts';
import { parseDateTime } from './datetime-parse.ts';
import { r, unknownStatus } from './row-reasons.ts';

/** Fulfillment states as Shopify exports print them: whether the order reached its customer's hands. */
const FULFILLMENT = new Map<string, boolean>([
  ['fulfilled', true],
  ['unfulfilled', false],
  ['partial', false],
  ['restocked', false],
  ['pending', false],
]);

/**
 * An order row's §3.2 status from its status cell (empty: completed), its fulfillment cell (a paid
 * order fulfilled is completed) and its cancellation time (a cancelled order not refunded is
 * cancelled, whatever its payment says). An unknown word fails with the known ones listed.
 */
export function rowStatus(
  read: (field: string) => string,
  fail: (field: string, reason: Reason) => never,
): OrderStatus {
  const raw = read('status');
  let status: OrderStatus = raw ? (parseOrderStatus(raw) ?? fail('status', unknownStatus(raw))) : 'completed';
  const fulfillment = read('fulfillment_status');
  if (fulfillment) {
    const fulfilled = FULFILLMENT.get(fulfillment.toLowerCase());
    if (fulfilled === undefined) {
      const known = [...FULFILLMENT.keys()].join(' / ');
      fail(
        'fulfillment_status',
        r(
          `unknown fulfillment status "${fulfillment}"; known: ${known}`,
          `「${fulfillment}」不是已知的发货状态；已知：${known}`,
        ),
      );
    }
    if (fulfilled && status === 'paid') status = 'completed';
  }
  const cancelled = read('cancelled_at');
  if (cancelled) {
    if (!parseDateTime(cancelled))
      fail('cancelled_at', r(`"${cancelled}" is not a date and time`, `「${cancelled}」不是日期时间`));
    if (status !== 'refunded') status = 'cancelled';
  }
  return status;
}

/** A person's name from given and family names: 张三 for Chinese ones, "Jane Doe" for others. */
export function personName(first: string, last: string): string | null {
  if (!first || !last) return first || last || null;
  return /\p{Script=Han}/u.test(first + last) ? `${last}${first}` : `${first} ${last}`;
}
