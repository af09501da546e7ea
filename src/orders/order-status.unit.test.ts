import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../db/schema.ts';
import { isValidOrder, parseOrderStatus } from './order-status.ts';

describe('parseOrderStatus', () => {
  const chinese: Array<[string, OrderStatus]> = [
    ['待付款', 'pending'],
    ['已付款', 'paid'],
    ['已支付', 'paid'],
    ['待发货', 'paid'],
    ['已发货', 'paid'],
    ['交易成功', 'completed'],
    ['已完成', 'completed'],
    ['已收货', 'completed'],
    ['交易关闭', 'cancelled'],
    ['已取消', 'cancelled'],
    ['退款成功', 'refunded'],
    ['已退款', 'refunded'],
  ];

  it.each(chinese)('maps %s to %s', (text, status) => {
    expect(parseOrderStatus(text)).toBe(status);
  });

  it('ignores surrounding spaces', () => {
    expect(parseOrderStatus(' 已付款 ')).toBe('paid');
  });

  it('reads English words case-insensitively', () => {
    expect(parseOrderStatus('PAID')).toBe('paid');
    expect(parseOrderStatus('Completed')).toBe('completed');
    expect(parseOrderStatus('Pending')).toBe('pending');
    expect(parseOrderStatus(' Cancelled ')).toBe('cancelled');
    expect(parseOrderStatus('canceled')).toBe('cancelled');
    expect(parseOrderStatus('REFUNDED')).toBe('refunded');
  });

  it('returns undefined for an unknown status', () => {
    for (const text of ['', 'lost', 'shipping', '未知状态']) {
      expect(parseOrderStatus(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('returns undefined for words that name built-in object properties', () => {
    // A cell reading "constructor" must be an unknown status, not Object.prototype.constructor.
    for (const text of ['constructor', '__proto__', 'toString']) {
      expect(parseOrderStatus(text), text).toBeUndefined();
    }
  });
});

describe('isValidOrder (PRODUCT.md §3.2)', () => {
  it('counts paid and completed orders with a positive net amount', () => {
    expect(isValidOrder('paid', 12990, 0)).toBe(true);
    expect(isValidOrder('completed', 12990, 0)).toBe(true);
  });

  it('counts a partially refunded order', () => {
    expect(isValidOrder('completed', 12990, 2990)).toBe(true);
    expect(isValidOrder('paid', 100, 99)).toBe(true);
  });

  it('does not count a fully refunded order', () => {
    expect(isValidOrder('completed', 12990, 12990)).toBe(false);
    expect(isValidOrder('paid', 12990, 12990)).toBe(false);
  });

  it('does not count an order with nothing to pay', () => {
    expect(isValidOrder('paid', 0, 0)).toBe(false);
    expect(isValidOrder('completed', -500, 0)).toBe(false);
  });

  it('does not count pending, cancelled or refunded orders', () => {
    expect(isValidOrder('pending', 12990, 0)).toBe(false);
    expect(isValidOrder('cancelled', 12990, 0)).toBe(false);
    expect(isValidOrder('refunded', 12990, 0)).toBe(false);
  });
});
