import type { replenishZhCN } from './messages-replenish-zh-cn.ts';

/** What a customer is due to run out of, and where each product's interval comes from, in English. */
export const replenishEn: Record<keyof typeof replenishZhCN, string> = {
  'replenish.title': 'Running out soon',
  'replenish.none':
    'No product to work out a run-out date for (a product needs a repurchase interval: set by hand, or learned from the orders)',
  'replenish.product': 'Product',
  'replenish.need_date': 'Runs out',
  'replenish.status': 'From today',
  'replenish.basis': 'Worked out from',
  'replenish.days_left': '{n} days left',
  'replenish.today': 'Runs out today',
  'replenish.overdue': 'Ran out {n} days ago',
  'replenish.last_bought': 'Bought {qty} on {date}, about {days} days each',
  'replenish.source.set': 'the interval set by hand',
  'replenish.source.sku': 'this product’s repeat purchases',
  'replenish.source.category': 'its category’s repeat purchases',
  'replenish.hidden': '{n} more products ran out long ago and are not listed',
  'intervals.title': 'Repurchase intervals (per unit)',
  'intervals.hint':
    'Learned daily from the orders: the days between one customer’s two purchases of a product ÷ the quantity bought the first time, their median; a product with fewer than 5 repeats goes by its category’s. An interval set by hand comes first.',
  'intervals.none': 'No intervals yet: once orders show repeat purchases, they are learned the next day',
  'intervals.set': 'Set by hand',
  'intervals.learned': 'Learned from the orders',
  'intervals.spread': 'half the customers between {p25} and {p75} days · {n} repeats',
  'intervals.basis_sku': 'from this product',
  'intervals.basis_category': 'from category “{category}”',
  'intervals.in_use': 'Replenishment uses',
  'intervals.source_set': 'set',
  'intervals.source_learned': 'learned',
};
